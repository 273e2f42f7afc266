// waferblas/kernels/checkerboard.hpp — executing placement::checkerboard: one task per PE row.
//
// All PEs of PE row r add into the same y segment, so a CPU task runs a whole PE row: it scales the
// segment by beta, then adds the partial products of blocks (r, 0), (r, 1), ... in that order — the
// order of the reduction along the PE row, fixed for a given grid.
#pragma once

#include <cstddef>

#include "../dataflow/checkerboard_blocks.hpp"
#include "../dataflow/pe_grid.hpp"
#include "dense_operand.hpp"
#include "row_kernels.hpp"

namespace waferblas::kernels {

template <bool Unit, class T, class I>
WAFERBLAS_NOINLINE void checkerboard_spmv_task(const checkerboard_blocks<T, I>& b, const pe_grid& grid, std::size_t r, T alpha,
                                               const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy) noexcept {
    for (auto i = static_cast<std::size_t>(b.row_split[r]); i < static_cast<std::size_t>(b.row_split[r + 1]); ++i)
        scale_or_zero(y[static_cast<std::ptrdiff_t>(i) * incy], beta);
    const I* idx = b.idx.data();
    const T* val = b.val.data();
    const std::size_t first = r * grid.cols(), last = first + grid.cols();
    const auto blocks = [&]<bool Stream>() {
        for (std::size_t p = first; p < last; ++p)
            for (std::size_t s = b.block_seg[p]; s < b.block_seg[p + 1]; ++s) {
                const T sum = streamed_row_dot<Unit, Stream>(idx, val, static_cast<std::size_t>(b.seg_ptr[s]),
                                                             static_cast<std::size_t>(b.seg_ptr[s + 1]), x, incx);
                y[static_cast<std::ptrdiff_t>(b.seg_row[s]) * incy] += alpha * sum;
            }
    };
    if (worth_streaming<T, I>(b.idx.size())) blocks.template operator()<true>();
    else blocks.template operator()<false>();
}

template <bool Unit, class T, class I>
WAFERBLAS_NOINLINE void checkerboard_spmm_task(const checkerboard_blocks<T, I>& b, const pe_grid& grid, std::size_t r, T alpha,
                                               const strided_matrix<const T>& B, T beta, const strided_matrix<T>& C, T* acc) noexcept {
    const std::size_t n = C.cols;
    for (auto i = static_cast<std::size_t>(b.row_split[r]); i < static_cast<std::size_t>(b.row_split[r + 1]); ++i) {
        T* crow = C.row(i);
        for (std::size_t t = 0; t < n; ++t) scale_or_zero(crow[static_cast<std::ptrdiff_t>(t) * C.col_stride], beta);
    }
    for (std::size_t c = 0; c < grid.cols(); ++c) {
        const std::size_t p = r * grid.cols() + c;
        for (std::size_t s = b.block_seg[p]; s < b.block_seg[p + 1]; ++s) {
            row_axpys<Unit>(b.idx.data(), b.val.data(), static_cast<std::size_t>(b.seg_ptr[s]), static_cast<std::size_t>(b.seg_ptr[s + 1]), B, acc, n, acc + n);
            store_row<Unit>(C, static_cast<std::size_t>(b.seg_row[s]), alpha, acc, T(1));
        }
    }
}

} // namespace waferblas::kernels
