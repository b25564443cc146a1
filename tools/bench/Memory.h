// Memory readings for the bench: the heap in use (glibc's mallinfo2) and the
// process's peak resident set (VmHWM), which Linux lets a process reset
// (/proc/self/clear_refs) so that the peak of one stage can be read alone.
#pragma once
#include <cstddef>

namespace pd::bench {

// Bytes the allocator has handed out and not taken back.
size_t heapInUse();

// Returns freed heap to the system, then makes the peak resident set equal
// to the current one. Returns the current resident set in bytes.
size_t resetPeakResident();

// The peak resident set (VmHWM) since start or the last reset, in bytes.
size_t peakResident();

} // namespace pd::bench
