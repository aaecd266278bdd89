//go:build !linux

package clockcache

// dropPages zeroes a region where madvise(MADV_DONTNEED) is not available to drop its
// pages (the syscall package offers it on Linux only); the memory stays mapped.
func dropPages(b []byte) { clear(b) }
