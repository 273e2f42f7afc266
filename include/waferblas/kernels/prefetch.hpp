// waferblas/kernels/prefetch.hpp — software prefetch of the matrix streams ahead of a row loop.
//
// An SpMV on a matrix larger than the caches streams the values and column indices once. One core's
// hardware prefetchers alone kept only ~65 % of the STREAM triad bandwidth in flight on the project
// machine; a hint a few KiB ahead of each row's first nonzero raised that by 5-10 points
// (docs/performance.md). Matrices that the last-level cache holds are not hinted: there the hints
// only cost (kernels::streamed_matrix_bytes, row_kernels.hpp). The hint never faults, so it may
// point past the end of an array; the address is formed as an integer so that doing so is not
// pointer arithmetic out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "out_of_line.hpp"

namespace waferblas::kernels {

/// How far ahead of the current nonzero the streams are prefetched, in bytes of each stream.
inline constexpr std::size_t prefetch_distance_bytes = 4096;

/// Hints that the cache line `prefetch_distance_bytes` after p will be read soon. Forced inline: its
/// callers are (out_of_line.hpp), and GCC 12 deleted the hint when an always-inline function called
/// it as an ordinary one (it took the call, whose result nobody uses, for one without effect).
WAFERBLAS_ALWAYS_INLINE void prefetch_ahead(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + prefetch_distance_bytes), 0, 0);
#else
    (void)p;
#endif
}

} // namespace waferblas::kernels
