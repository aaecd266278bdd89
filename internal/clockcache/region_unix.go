//go:build unix

package clockcache

import "syscall"

// allocRegion maps n bytes of zeroed memory outside the Go heap; pages count toward the
// process's memory only once written.
func allocRegion(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic("clockcache: mmap: " + err.Error())
	}
	return b
}

// freeRegion unmaps a region from allocRegion.
func freeRegion(b []byte) { syscall.Munmap(b) }
