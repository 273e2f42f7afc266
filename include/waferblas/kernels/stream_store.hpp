// waferblas/kernels/stream_store.hpp — non-temporal stores of finished output rows.
//
// An SpMM with beta = 0 writes every row of C once and never reads it. With ordinary stores each
// line written is first read from memory (write-allocate): when C is larger than the caches and as
// large as B, that read is a third of the traffic of an SpMM that reads B once (B in, C in, C out).
// Non-temporal stores write whole lines without reading them. They also evict C from the caches,
// which is why only outputs larger than a last-level cache are streamed: a smaller C may still be
// in cache when the caller reads it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "out_of_line.hpp"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__SSE2__) || defined(_MSC_VER))
#include <immintrin.h>
#define WAFERBLAS_STREAM_STORES 1
#else
#define WAFERBLAS_STREAM_STORES 0
#endif

namespace waferblas::kernels {

/// Outputs of more bytes than this are streamed: the L3 of the project machine (32 MiB on one
/// AMD EPYC CCX; server L3s per socket are of this order too).
inline constexpr std::size_t streamed_output_bytes = std::size_t{32} << 20;

/// Whether a product that writes `bytes` of output without reading them streams them.
[[nodiscard]] constexpr bool streams_output(std::size_t bytes) noexcept { return bytes > streamed_output_bytes; }

/// Whether stream_store has non-temporal stores for T: float or double on x86-64.
template <class T>
inline constexpr bool has_stream_stores = WAFERBLAS_STREAM_STORES && (std::is_same_v<T, double> || std::is_same_v<T, float>);

/// Whether rows of `cols` elements starting at data, row_stride apart, can be streamed by
/// stream_store: has_stream_stores<T>, every row 16-byte aligned (the vector stores require it)
/// and a whole number of 16-byte vectors (so the panels of a row are too).
template <class T>
[[nodiscard]] bool rows_streamable(const T* data, std::ptrdiff_t row_stride, std::size_t cols) noexcept {
    if constexpr (has_stream_stores<T>) {
        const auto bytes = [](auto count) { return static_cast<std::size_t>(count) * sizeof(T); };
        return reinterpret_cast<std::uintptr_t>(data) % 16 == 0 && bytes(row_stride < 0 ? -row_stride : row_stride) % 16 == 0 &&
               bytes(cols) % 16 == 0;
    } else {
        return false;
    }
}

#if WAFERBLAS_STREAM_STORES
/// dst[0, W) = sum[0, W) by non-temporal stores of V bytes (16, 32 or 64); dst is V-byte aligned.
template <std::size_t V, std::size_t W, class T>
WAFERBLAS_ALWAYS_INLINE void stream_vectors(T* dst, const T (&sum)[W]) noexcept {
    constexpr std::size_t lanes = V / sizeof(T);
#pragma GCC unroll 64
    for (std::size_t t = 0; t < W; t += lanes) {
        if constexpr (V == 64 && std::is_same_v<T, double>) _mm512_stream_pd(dst + t, _mm512_loadu_pd(sum + t));
        else if constexpr (V == 64) _mm512_stream_ps(dst + t, _mm512_loadu_ps(sum + t));
        else if constexpr (V == 32 && std::is_same_v<T, double>) _mm256_stream_pd(dst + t, _mm256_loadu_pd(sum + t));
        else if constexpr (V == 32) _mm256_stream_ps(dst + t, _mm256_loadu_ps(sum + t));
        else if constexpr (std::is_same_v<T, double>) _mm_stream_pd(dst + t, _mm_loadu_pd(sum + t));
        else _mm_stream_ps(dst + t, _mm_loadu_ps(sum + t));
    }
}
#endif

/// dst[0, W) = sum[0, W): streamed in the widest vectors (64, 32 or 16 bytes, as the build's ISA
/// allows) that W elements fill and dst is aligned to, with ordinary stores where W elements are
/// not whole 16-byte vectors (dst is then 16-byte aligned: rows_streamable). 16 bytes at least,
/// because malloc aligns to 16: wider minimums would leave most C arrays unstreamed. Whole-line
/// stores pay: an SpMM of 32 columns on `poisson3d_64` took 0.58-0.60 of Eigen's time with
/// 64-byte streams against 0.62-0.64 with 16-byte ones (docs/performance.md, item 3).
template <std::size_t W, class T>
WAFERBLAS_ALWAYS_INLINE void stream_store(T* dst, const T (&sum)[W]) noexcept {
#if WAFERBLAS_STREAM_STORES
    if constexpr (has_stream_stores<T> && W * sizeof(T) % 16 == 0) {
        const auto aligned_to = [dst](std::size_t bytes) { return reinterpret_cast<std::uintptr_t>(dst) % bytes == 0; };
#if defined(__AVX512F__)
        if constexpr (W * sizeof(T) % 64 == 0)
            if (aligned_to(64)) return stream_vectors<64>(dst, sum);
#endif
#if defined(__AVX__)
        if constexpr (W * sizeof(T) % 32 == 0)
            if (aligned_to(32)) return stream_vectors<32>(dst, sum);
#endif
        return stream_vectors<16>(dst, sum);
    }
#endif
    for (std::size_t t = 0; t < W; ++t) dst[t] = sum[t];
}

/// Orders this thread's non-temporal stores before its later stores (the backend's signal that a
/// task is done), so that the thread that joins it sees them.
inline void stream_fence() noexcept {
#if WAFERBLAS_STREAM_STORES
    _mm_sfence();
#endif
}

} // namespace waferblas::kernels
