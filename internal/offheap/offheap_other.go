//go:build !unix

// Package offheap maps memory outside the Go heap, for large buffers that hold no Go
// pointers: the collector neither scans nor counts them, and they go back to the
// system when freed instead of when the heap shrinks.
package offheap

// OnHeap reports whether Alloc falls back to the Go heap on this system.
const OnHeap = true

// Alloc falls back to the Go heap where there is no mmap.
func Alloc(n int) []byte { return make([]byte, n) }

// Free drops nothing here: the collector takes b once no one refers to it.
func Free(b []byte) {}
