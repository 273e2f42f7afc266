// waferblas/kernels/row_kernels.hpp — the AXPY work of one PE on a run of CSR rows.
//
// Dataflow view: nonzero a_ij is one task `y[i] += a_ij * x[j]` (SpMV) or `C[i,:] += a_ij * B[j,:]`
// (SpMM). On a CPU the tasks of one row are fused into one dot product (or one accumulated row of
// C), which is the same arithmetic in the same order.
#pragma once

#include <cstddef>
#include <type_traits>

#include "../core/scalar.hpp"
#include "dense_operand.hpp"
#include "prefetch.hpp"
#include "simd.hpp"

namespace waferblas::kernels {

/// sum_{k in [b, e)} val[k] * x[idx[k]]; x has stride incx (1 when Unit).
template <bool Unit, class T, class I>
[[nodiscard]] inline T row_dot(const I* idx, const T* val, std::size_t b, std::size_t e, const T* x,
                               std::ptrdiff_t incx) noexcept {
    T s0{}, s1{};
    std::size_t k = b;
    // Two accumulators break the add dependency chain; the order is fixed, so results are too.
    for (; k + 1 < e; k += 2) {
        if constexpr (Unit) {
            s0 += val[k] * x[idx[k]];
            s1 += val[k + 1] * x[idx[k + 1]];
        } else {
            s0 += val[k] * x[static_cast<std::ptrdiff_t>(idx[k]) * incx];
            s1 += val[k + 1] * x[static_cast<std::ptrdiff_t>(idx[k + 1]) * incx];
        }
    }
    if (k < e) {
        if constexpr (Unit) s0 += val[k] * x[idx[k]];
        else s0 += val[k] * x[static_cast<std::ptrdiff_t>(idx[k]) * incx];
    }
    return s0 + s1;
}

/// sum_{k in [b, e)} val[k] * B[idx[k], 0 .. W) with W a compile-time width, handed to
/// emit(t, sum_t): the sums stay in SIMD registers across the whole row instead of going through
/// memory per nonzero, in two sets (even and odd nonzeros) added at the end, the order row_dot
/// uses too.
template <std::size_t W, class T, class I, class Emit>
inline void row_axpys_fixed(const I* idx, const T* val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                            Emit&& emit) noexcept {
    T r0[W] = {}, r1[W] = {};
    std::size_t k = b;
    for (; k + 1 < e; k += 2) {
        const T a0 = val[k], a1 = val[k + 1];
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
        const T* b1 = B + static_cast<std::ptrdiff_t>(idx[k + 1]) * ldb;
#pragma GCC unroll 64
        for (std::size_t t = 0; t < W; ++t) {
            r0[t] += a0 * b0[t];
            r1[t] += a1 * b1[t];
        }
    }
    if (k < e) {
        const T a0 = val[k];
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
#pragma GCC unroll 64
        for (std::size_t t = 0; t < W; ++t) r0[t] += a0 * b0[t];
    }
#pragma GCC unroll 64
    for (std::size_t t = 0; t < W; ++t) emit(t, r0[t] + r1[t]);
}

/// Columns [c, n) in panels of W, then W/2, ..., 1 for the rest: one pass over the row per panel;
/// emit(j, sum_j) receives column j's sum.
template <std::size_t W, class T, class I, class Emit>
inline void row_axpys_panels(const I* idx, const T* val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                             std::size_t c, std::size_t n, Emit&& emit) noexcept {
    for (; c + W <= n; c += W)
        row_axpys_fixed<W>(idx, val, b, e, B + c, ldb, [&](std::size_t t, T v) { emit(c + t, v); });
    if constexpr (W > 1) row_axpys_panels<W / 2>(idx, val, b, e, B, ldb, c, n, emit);
}

/// Real unit-stride operands take the register-panel kernels.
template <bool Unit, class T>
inline constexpr bool uses_register_panels = Unit && std::is_floating_point_v<T>;

/// acc[0..n) = sum_{k in [b, e)} val[k] * B[idx[k], :]  (Unit: B rows are contiguous).
/// With register panels each acc[t] adds its terms in the same order whatever n is, so a column's
/// result does not depend on how many columns B has.
template <bool Unit, class T, class I>
inline void row_axpys(const I* idx, const T* val, std::size_t b, std::size_t e, const strided_matrix<const T>& B,
                      T* acc, std::size_t n) noexcept {
    if constexpr (uses_register_panels<Unit, T>) {
        row_axpys_panels<accumulator_panel<T>>(idx, val, b, e, B.data, B.row_stride, 0, n,
                                               [acc](std::size_t j, T v) { acc[j] = v; });
    } else {
        for (std::size_t t = 0; t < n; ++t) acc[t] = T{};
        for (std::size_t k = b; k < e; ++k) {
            const T a = val[k];
            const T* brow = B.row(static_cast<std::size_t>(idx[k]));
            if constexpr (Unit) {
                for (std::size_t t = 0; t < n; ++t) acc[t] += a * brow[t];
            } else {
                for (std::size_t t = 0; t < n; ++t) acc[t] += a * brow[static_cast<std::ptrdiff_t>(t) * B.col_stride];
            }
        }
    }
}

/// row_dot, with the value and index streams prefetched ahead when Stream (see prefetch.hpp).
template <bool Unit, bool Stream, class T, class I>
[[nodiscard]] inline T streamed_row_dot(const I* idx, const T* val, std::size_t b, std::size_t e, const T* x,
                                        std::ptrdiff_t incx) noexcept {
    if constexpr (Stream) {
        prefetch_ahead(val + b);
        prefetch_ahead(idx + b);
    }
    return row_dot<Unit>(idx, val, b, e, x, incx);
}

/// Whether a run of `nnz` nonzeros is worth prefetching: not when it fits in a core's L2, where
/// the two hints per row are pure overhead on short rows.
template <class T, class I>
[[nodiscard]] constexpr bool worth_streaming(std::size_t nnz) noexcept {
    return nnz * (sizeof(T) + sizeof(I)) > (std::size_t{1} << 20);
}

/// y[i] = alpha * (row i of A) . x + beta * y[i] for the whole rows i in [rb, re).
template <bool Unit, class T, class I>
inline void csr_spmv_rows(const I* ptr, const I* idx, const T* val, std::size_t rb, std::size_t re, T alpha, const T* x,
                          std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy) noexcept {
    const auto rows = [&]<bool Stream>() {
        // The beta test is hoisted out of the row loop: for short rows it is a measurable share.
        if (beta == T(0)) {
            for (std::size_t i = rb; i < re; ++i)
                y[static_cast<std::ptrdiff_t>(i) * incy] =
                    alpha * streamed_row_dot<Unit, Stream>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), x, incx);
        } else {
            for (std::size_t i = rb; i < re; ++i) {
                T& yi = y[static_cast<std::ptrdiff_t>(i) * incy];
                yi = alpha * streamed_row_dot<Unit, Stream>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), x, incx) +
                     beta * yi;
            }
        }
    };
    if (rb < re && worth_streaming<T, I>(static_cast<std::size_t>(ptr[re] - ptr[rb]))) rows.template operator()<true>();
    else rows.template operator()<false>();
}

/// C[i, :] = alpha * acc + beta * C[i, :].
template <bool Unit, class T>
inline void store_row(const strided_matrix<T>& C, std::size_t i, T alpha, const T* acc, T beta) noexcept {
    T* crow = C.row(i);
    if constexpr (Unit) {
        for (std::size_t t = 0; t < C.cols; ++t) combine(crow[t], alpha, acc[t], beta);
    } else {
        for (std::size_t t = 0; t < C.cols; ++t) combine(crow[static_cast<std::ptrdiff_t>(t) * C.col_stride], alpha, acc[t], beta);
    }
}

/// C[i, :] = alpha * (row [b, e) of A) B + beta * C[i, :] for a whole row i. With register panels
/// the sums go straight from registers into C (no trip through acc); otherwise through acc.
template <bool Unit, class T, class I>
inline void row_axpys_store(const I* idx, const T* val, std::size_t b, std::size_t e, const strided_matrix<const T>& B,
                            const strided_matrix<T>& C, std::size_t i, T alpha, T beta, T* acc) noexcept {
    if constexpr (uses_register_panels<Unit, T>) {
        T* crow = C.row(i);
        const auto panels = [&](auto&& emit) {
            row_axpys_panels<accumulator_panel<T>>(idx, val, b, e, B.data, B.row_stride, 0, C.cols, emit);
        };
        if (beta == T(0) && alpha == T(1)) panels([crow](std::size_t j, T v) { crow[j] = v; });
        else if (beta == T(0)) panels([crow, alpha](std::size_t j, T v) { crow[j] = alpha * v; });
        else panels([crow, alpha, beta](std::size_t j, T v) { crow[j] = alpha * v + beta * crow[j]; });
    } else {
        row_axpys<Unit>(idx, val, b, e, B, acc, C.cols);
        store_row<Unit>(C, i, alpha, acc, beta);
    }
}

} // namespace waferblas::kernels
