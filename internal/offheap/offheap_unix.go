//go:build unix

// Package offheap maps memory outside the Go heap, for large buffers that hold no Go
// pointers: the collector neither scans nor counts them, and they go back to the
// system when freed instead of when the heap shrinks.
package offheap

import "syscall"

// OnHeap reports whether Alloc falls back to the Go heap on this system.
const OnHeap = false

// Alloc maps n bytes of zeroed memory outside the Go heap; pages count toward the
// process's memory only once written.
func Alloc(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic("offheap: mmap: " + err.Error())
	}
	return b
}

// Free unmaps memory from Alloc; b must not be used after.
func Free(b []byte) { syscall.Munmap(b) }
