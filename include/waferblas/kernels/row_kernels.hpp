// waferblas/kernels/row_kernels.hpp — the AXPY work of one PE on a run of CSR rows.
//
// Dataflow view: nonzero a_ij is one task `y[i] += a_ij * x[j]` (SpMV) or `C[i,:] += a_ij * B[j,:]`
// (SpMM). On a CPU the tasks of one row are fused into one dot product (or one accumulated row of
// C), which is the same arithmetic in the same order.
#pragma once

#include <cstddef>

#include "../core/scalar.hpp"
#include "dense_operand.hpp"

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

/// acc[0..n) = sum_{k in [b, e)} val[k] * B[idx[k], :]  (Unit: B rows are contiguous).
template <bool Unit, class T, class I>
inline void row_axpys(const I* idx, const T* val, std::size_t b, std::size_t e, const strided_matrix<const T>& B,
                      T* acc, std::size_t n) noexcept {
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

} // namespace waferblas::kernels
