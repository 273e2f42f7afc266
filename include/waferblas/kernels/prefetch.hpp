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

/// Hints that the cache line `Distance` bytes after p will be read soon, with GCC's temporal
/// locality `Locality` (0: non-temporal, 3: into L1). Forced inline: its callers are
/// (out_of_line.hpp), and GCC 12 deleted the hint when an always-inline function called it as an
/// ordinary one (it took the call, whose result nobody uses, for one without effect).
template <std::size_t Distance, int Locality>
WAFERBLAS_ALWAYS_INLINE void prefetch_forward(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + Distance), 0, Locality);
#else
    (void)p;
#endif
}

/// How far ahead of the current nonzero the CSR kernels prefetch the values, in bytes.
inline constexpr std::size_t prefetch_distance_bytes = 4096;

/// The same distance in nonzeros, for values of type T; the column indices are hinted as many
/// nonzeros ahead, not as many bytes: with 4-byte indices 4 KiB ahead, twice as far as the values,
/// the SpMV took 3-5 % longer on `poisson3d_128` and `banded_1M_w9` at two threads, 0-3 % at one
/// (docs/performance.md, item 2).
template <class T>
inline constexpr std::size_t prefetch_distance_nonzeros = prefetch_distance_bytes / sizeof(T);

/// The CSR kernels' hint for the element `Nonzeros` after p (a value or an index), non-temporal.
template <std::size_t Nonzeros, class E>
WAFERBLAS_ALWAYS_INLINE void prefetch_ahead(const E* p) noexcept { prefetch_forward<Nonzeros * sizeof(E), 0>(p); }

/// How far ahead of the current value the diagonal-chunk kernel prefetches its values, in bytes.
inline constexpr std::size_t near_prefetch_distance_bytes = 2048;

/// The diagonal-chunk kernel's hint (diagonal_chunks.hpp), into L1: that kernel reads nothing else
/// from memory at that rate, and without the hint ran no faster than CSR on `poisson3d_128` (8.7
/// against 6.9 ms with it, one thread; docs/performance.md, item 2).
WAFERBLAS_ALWAYS_INLINE void prefetch_near(const void* p) noexcept { prefetch_forward<near_prefetch_distance_bytes, 3>(p); }

} // namespace waferblas::kernels
