//go:build !linux

package offheap

// Drop zeroes b where madvise(MADV_DONTNEED) is not available to drop its pages (the
// syscall package offers it on Linux only); the memory stays mapped.
func Drop(b []byte) { clear(b) }
