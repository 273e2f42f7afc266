// waferblas/kernels/scatter.hpp — products with the transpose of a compressed matrix, as AXPYs.
//
// For CSR arrays of M, y = alpha M^T x is, row by row, `y[cols of row i] += (alpha x[i]) * M[i, :]`:
// literally one AXPY per nonzero, scattered into y. Used by the free functions for op(A) = A^T, A^H
// on CSR and for op(A) = A on CSC, where no transposed copy exists.
#pragma once

#include <cstddef>
#include <algorithm>
#include <span>
#include <vector>

#include "../core/scalar.hpp"
#include "dense_operand.hpp"
#include "out_of_line.hpp"

namespace waferblas::kernels {

/// One PE's share of a parallel scatter: out[j * inc] += (alpha x_i) * M[i, j] (conjugated when
/// Conj) for the nonzeros [kb, ke) of M, the first of which lies in row `row`.
template <bool Conj, class T, class I>
WAFERBLAS_NOINLINE void scatter_spmv_part(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, std::size_t row,
                                          std::size_t kb, std::size_t ke, T alpha, const T* x, std::ptrdiff_t incx, T* out,
                                          std::ptrdiff_t inc) noexcept {
    for (std::size_t i = row; kb < ke; ++i) {
        const std::size_t e = std::min(ke, static_cast<std::size_t>(ptr[i + 1]));
        const T t = alpha * x[static_cast<std::ptrdiff_t>(i) * incx];
        for (; kb < e; ++kb)
            out[static_cast<std::ptrdiff_t>(idx[kb]) * inc] += (Conj ? waferblas::conj(val[kb]) : val[kb]) * t;
    }
}

/// One PE's share of a parallel SpMM scatter: out[j, :] += alpha M[i, j] B[i, :] for the nonzeros
/// [kb, ke) of M, the first in row `row`.
template <bool Conj, class T, class I>
WAFERBLAS_NOINLINE void scatter_spmm_part(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, std::size_t row,
                                          std::size_t kb, std::size_t ke, T alpha, const strided_matrix<const T>& B,
                                          const strided_matrix<T>& out) noexcept {
    for (std::size_t i = row; kb < ke; ++i) {
        const std::size_t e = std::min(ke, static_cast<std::size_t>(ptr[i + 1]));
        const T* brow = B.row(i);
        for (; kb < e; ++kb) {
            const T a = alpha * (Conj ? waferblas::conj(val[kb]) : val[kb]);
            T* orow = out.row(static_cast<std::size_t>(idx[kb]));
            for (std::size_t t = 0; t < out.cols; ++t)
                orow[static_cast<std::ptrdiff_t>(t) * out.col_stride] += a * brow[static_cast<std::ptrdiff_t>(t) * B.col_stride];
        }
    }
}

/// y = alpha M^T x + beta y (or M^H when Conj) for M given by CSR arrays (rows = ptr.size()-1):
/// the whole matrix as one PE's share.
template <bool Conj, class T, class I>
WAFERBLAS_NOINLINE void scatter_spmv(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, T alpha, const T* x,
                                     std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy, std::size_t ylen) noexcept {
    for (std::size_t j = 0; j < ylen; ++j) scale_or_zero(y[static_cast<std::ptrdiff_t>(j) * incy], beta);
    scatter_spmv_part<Conj>(ptr, idx, val, 0, 0, val.size(), alpha, x, incx, y, incy);
}

/// C = alpha M^T B + beta C (or M^H when Conj): the whole matrix as one PE's share.
template <bool Conj, class T, class I>
WAFERBLAS_NOINLINE void scatter_spmm(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, T alpha,
                                     const strided_matrix<const T>& B, T beta, const strided_matrix<T>& C) noexcept {
    for (std::size_t j = 0; j < C.rows; ++j) {
        T* crow = C.row(j);
        for (std::size_t t = 0; t < C.cols; ++t) scale_or_zero(crow[static_cast<std::ptrdiff_t>(t) * C.col_stride], beta);
    }
    scatter_spmm_part<Conj>(ptr, idx, val, 0, 0, val.size(), alpha, B, C);
}

} // namespace waferblas::kernels

namespace waferblas::kernels {

/// y[i] = alpha conj(M)[i, :] x + beta y[i] for the rows i in [rb, re) of M given by CSR arrays:
/// the one gather that needs conjugated values (A^H for a CSC A), kept apart so the hot gather
/// kernels stay free of it. Whole rows, each summed in CSR order.
template <class T, class I>
WAFERBLAS_NOINLINE void conj_gather_spmv(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, std::size_t rb, std::size_t re,
                                         T alpha, const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy) noexcept {
    for (std::size_t i = rb; i < re; ++i) {
        T s{};
        for (auto k = static_cast<std::size_t>(ptr[i]); k < static_cast<std::size_t>(ptr[i + 1]); ++k)
            s += waferblas::conj(val[k]) * x[static_cast<std::ptrdiff_t>(idx[k]) * incx];
        combine(y[static_cast<std::ptrdiff_t>(i) * incy], alpha, s, beta);
    }
}

/// C[i, :] = alpha conj(M)[i, :] B + beta C[i, :] for the rows i in [rb, re) of M given by CSR
/// arrays; acc holds C.cols elements.
template <class T, class I>
WAFERBLAS_NOINLINE void conj_gather_spmm(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, std::size_t rb, std::size_t re,
                                         T alpha, const strided_matrix<const T>& B, T beta, const strided_matrix<T>& C, T* acc) noexcept {
    for (std::size_t i = rb; i < re; ++i) {
        std::fill(acc, acc + C.cols, T{});
        for (auto k = static_cast<std::size_t>(ptr[i]); k < static_cast<std::size_t>(ptr[i + 1]); ++k) {
            const T a = waferblas::conj(val[k]);
            const T* brow = B.row(static_cast<std::size_t>(idx[k]));
            for (std::size_t t = 0; t < C.cols; ++t) acc[t] += a * brow[static_cast<std::ptrdiff_t>(t) * B.col_stride];
        }
        T* crow = C.row(i);
        for (std::size_t t = 0; t < C.cols; ++t) combine(crow[static_cast<std::ptrdiff_t>(t) * C.col_stride], alpha, acc[t], beta);
    }
}

} // namespace waferblas::kernels
