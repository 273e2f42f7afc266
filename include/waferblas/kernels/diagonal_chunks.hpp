// waferblas/kernels/diagonal_chunks.hpp — SpMV over rows lowered as diagonal chunks
// (dataflow/diagonal_chunks.hpp): one masked segment AXPY per diagonal of 8 rows.
//
// With AVX-512 (and its 256-bit forms for float) a diagonal is one expand-load of its values, one
// masked load of x and two masked FMAs, into the even and the odd accumulators that row_dot keeps
// per row; elsewhere (no AVX-512, or strided x or y) each row's nonzeros are gathered and summed by
// row_dot's own code. Either way a row's sum takes row_dot's terms in row_dot's order; the AVX-512
// kernel fuses each multiply-add, which the compiler may not do in row_dot (see
// dataflow/diagonal_chunks.hpp).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../dataflow/diagonal_chunks.hpp"
#include "out_of_line.hpp"
#include "prefetch.hpp"
#include "row_kernels.hpp"
#include "value_stream.hpp"

#if defined(__AVX512F__) && defined(__AVX512VL__)
#include <immintrin.h>
#define WAFERBLAS_AVX512_CHUNKS 1
#else
#define WAFERBLAS_AVX512_CHUNKS 0
#endif

namespace waferblas::kernels {

/// The address x + offset elements; formed as an integer because a masked lane's offset may fall
/// outside x (its load is suppressed), where pointer arithmetic would be undefined.
template <class T, class I>
[[nodiscard]] inline const T* offset_address(const T* x, I offset) noexcept {
    return reinterpret_cast<const T*>(reinterpret_cast<std::uintptr_t>(x) +
                                      static_cast<std::uintptr_t>(static_cast<std::intptr_t>(offset)) * sizeof(T));
}

#if WAFERBLAS_AVX512_CHUNKS
/// The vector operations of the chunk kernel: 8 lanes of T (512-bit double, 256-bit float).
template <class T>
struct chunk_lanes;
template <>
struct chunk_lanes<double> {
    using vec = __m512d;
    static vec zero() noexcept { return _mm512_setzero_pd(); }
    static vec ones() noexcept { return _mm512_set1_pd(1.0); }
    static vec expand(__mmask8 m, const double* p) noexcept { return _mm512_maskz_expandloadu_pd(m, p); }
    static vec load(__mmask8 m, const double* p) noexcept { return _mm512_maskz_loadu_pd(m, p); }
    static vec fma(vec a, vec b, vec c, __mmask8 m) noexcept { return _mm512_mask3_fmadd_pd(a, b, c, m); }
    static void store_sum(double* s, vec a, vec b) noexcept { _mm512_storeu_pd(s, _mm512_add_pd(a, b)); }
};
template <>
struct chunk_lanes<float> {
    using vec = __m256;
    static vec zero() noexcept { return _mm256_setzero_ps(); }
    static vec ones() noexcept { return _mm256_set1_ps(1.0f); }
    static vec expand(__mmask8 m, const float* p) noexcept { return _mm256_maskz_expandloadu_ps(m, p); }
    static vec load(__mmask8 m, const float* p) noexcept { return _mm256_maskz_loadu_ps(m, p); }
    static vec fma(vec a, vec b, vec c, __mmask8 m) noexcept { return _mm256_mask3_fmadd_ps(a, b, c, m); }
    static void store_sum(float* s, vec a, vec b) noexcept { _mm256_storeu_ps(s, _mm256_add_ps(a, b)); }
};
#endif

/// The 8 row sums of chunk c, s[j] for row 8c + j; val at the chunk's first value.
template <bool Unit, bool Stream, class T, class I, value_stream<T> V>
WAFERBLAS_ALWAYS_INLINE void chunk_sums(const diagonal_chunks<I>& ch, std::size_t c, V val, const T* x, std::ptrdiff_t incx,
                                        T* s) noexcept {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const std::size_t first = ch.first_diagonal[c], last = ch.first_diagonal[c + 1];
#if WAFERBLAS_AVX512_CHUNKS
    if constexpr (Unit && (std::is_same_v<T, double> || std::is_same_v<T, float>)) {
        using lanes = chunk_lanes<T>;
        auto a0 = lanes::zero(), a1 = lanes::zero();
        std::size_t k = 0;
        for (std::size_t t = first; t < last; ++t) {
            const __mmask8 e = ch.even[t], o = ch.odd[t], all = static_cast<__mmask8>(e | o);
            auto v = lanes::ones();
            if constexpr (std::is_pointer_v<V>) {
                if constexpr (Stream) prefetch_near(val + k);
                v = lanes::expand(all, val + k);
                k += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(all)));
            }
            const auto xv = lanes::load(all, offset_address(x, ch.base[t]));
            a0 = lanes::fma(v, xv, a0, e);
            a1 = lanes::fma(v, xv, a1, o);
        }
        lanes::store_sum(s, a0, a1);
        return;
    }
#endif
    // Lane by lane: each row's nonzeros gathered, in pieces of an even count, and summed by the
    // code row_dot runs (row_dot_pairs), so that the compiler forms each sum as it does there.
    constexpr std::size_t piece = 64;
    I cols[piece];
    T vals[piece];
    for (std::size_t j = 0; j < H; ++j) {
        T s0{}, s1{};
        std::size_t n = 0, k = 0; // gathered; values of the chunk before diagonal t
        for (std::size_t t = first; t < last; ++t) {
            const unsigned lanes = ch.even[t] | ch.odd[t];
            if (lanes >> j & 1u) {
                const auto rank = static_cast<std::size_t>(std::popcount(lanes & ((1u << j) - 1u)));
                cols[n] = static_cast<I>(ch.base[t] + static_cast<I>(j));
                vals[n] = val[k + rank];
                if (++n == piece) {
                    row_dot_pairs<Unit>(cols, static_cast<const T*>(vals), 0, n, x, incx, s0, s1);
                    n = 0;
                }
            }
            k += static_cast<std::size_t>(std::popcount(lanes));
        }
        row_dot_pairs<Unit>(cols, static_cast<const T*>(vals), 0, n, x, incx, s0, s1);
        s[j] = s0 + s1;
    }
}

/// y[r] = alpha * (row r of A) . x + beta * y[r] for the rows of the lowered chunks [cb, ce), as
/// csr_spmv_rows does for rows; the values of chunk c begin at ptr[8c].
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void diagonal_chunks_spmv(const I* ptr, V val, const diagonal_chunks<I>& ch, std::size_t cb, std::size_t ce,
                                                T alpha, const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy,
                                                spmv_streams stream) noexcept {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const std::ptrdiff_t sy = Unit ? 1 : incy;
    // y's chunks of 8 rows by non-temporal stores, as csr_spmv_rows_streaming writes y's lines
    // (spmv_streams::matrix_and_y), where stream_store can write them as rows of 8.
    bool streams_y = false;
    if constexpr (Unit) streams_y = stream == spmv_streams::matrix_and_y && beta == T(0) && rows_streamable(y, H, H);
    const auto run = [&]<bool Stream>() {
        alignas(64) T s[H];
        for (std::size_t c = cb; c < ce; ++c) {
            chunk_sums<Unit, Stream>(ch, c, val + static_cast<std::size_t>(ptr[c * H]), x, incx, s);
            T* yc = y + static_cast<std::ptrdiff_t>(c * H) * sy;
            // The expressions of spmv_row_loops, so that each y is rounded as there.
            if (Stream && streams_y) {
                if (alpha != T(1))
                    for (std::size_t j = 0; j < H; ++j) s[j] = alpha * s[j];
                stream_store(yc, s);
            } else if (beta == T(0) && alpha == T(1))
                for (std::size_t j = 0; j < H; ++j) yc[static_cast<std::ptrdiff_t>(j) * sy] = s[j];
            else if (beta == T(0))
                for (std::size_t j = 0; j < H; ++j) yc[static_cast<std::ptrdiff_t>(j) * sy] = alpha * s[j];
            else
                for (std::size_t j = 0; j < H; ++j) {
                    T& yj = yc[static_cast<std::ptrdiff_t>(j) * sy];
                    yj = alpha * s[j] + beta * yj;
                }
        }
    };
    if (stream != spmv_streams::none) run.template operator()<true>();
    else run.template operator()<false>();
    if (streams_y) stream_fence();
}

/// csr_spmv_rows for the whole rows [rb, re) of a program with diagonal chunks: lowered chunks run
/// as diagonals, every other row (chunks left in CSR, rows before the first or after the last
/// chunk) as CSR.
template <bool Unit, class T, class I, value_stream<T> V>
inline void spmv_rows_with_chunks(const I* ptr, const I* idx, V val, const diagonal_chunks<I>& ch, std::size_t rb, std::size_t re,
                                  T alpha, const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy, spmv_streams stream) noexcept {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    std::size_t row = rb; // rows before it are done
    const std::size_t c_end = re / H;
    for (std::size_t c = (rb + H - 1) / H; c < c_end;) {
        if (!ch.lowered[c]) {
            ++c;
            continue;
        }
        std::size_t run_end = c + 1;
        while (run_end < c_end && ch.lowered[run_end]) ++run_end;
        if (row < c * H) csr_spmv_rows_streaming<Unit>(ptr, idx, val, row, c * H, alpha, x, incx, beta, y, incy, stream);
        diagonal_chunks_spmv<Unit>(ptr, val, ch, c, run_end, alpha, x, incx, beta, y, incy, stream);
        row = run_end * H;
        c = run_end;
    }
    if (row < re) csr_spmv_rows_streaming<Unit>(ptr, idx, val, row, re, alpha, x, incx, beta, y, incy, stream);
}

} // namespace waferblas::kernels
