package offheap

import "testing"

func TestAllocDropFree(t *testing.T) {
	b := Alloc(3 << 20)
	if len(b) != 3<<20 {
		t.Fatalf("len %d", len(b))
	}
	for i := range b {
		if b[i] != 0 {
			t.Fatalf("byte %d of new memory is %d", i, b[i])
		}
		b[i] = byte(i)
	}
	Drop(b)
	for i := range b {
		if b[i] != 0 {
			t.Fatalf("byte %d after Drop is %d", i, b[i])
		}
	}
	Free(b)
}
