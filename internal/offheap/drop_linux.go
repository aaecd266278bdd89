package offheap

import "syscall"

// Drop gives the pages of b, from Alloc, back to the system; they read as zero again.
func Drop(b []byte) { syscall.Madvise(b, syscall.MADV_DONTNEED) }
