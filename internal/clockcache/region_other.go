//go:build !unix

package clockcache

// allocRegion falls back to the Go heap where there is no mmap.
func allocRegion(n int) []byte { return make([]byte, n) }

func freeRegion(b []byte) {}
