// waferblas/kernels/dense_operand.hpp — raw strided access to dense operands inside kernels.
//
// Kernels see vectors as (pointer, stride) and matrices as (pointer, row stride, column stride),
// with the unit-stride case made a compile-time fact so that it vectorises.
#pragma once

#include <cstddef>

#include "../core/matrix_view.hpp"
#include "../core/vector_view.hpp"

namespace waferblas::kernels {

template <class T>
struct strided_matrix {
    T* data;
    std::ptrdiff_t row_stride, col_stride;
    std::size_t rows, cols;

    [[nodiscard]] T* row(std::size_t i) const noexcept { return data + static_cast<std::ptrdiff_t>(i) * row_stride; }
};

template <class T>
[[nodiscard]] strided_matrix<T> strided(const matrix_view<T>& m) noexcept {
    const auto ld = static_cast<std::ptrdiff_t>(m.ld());
    return m.row_major() ? strided_matrix<T>{m.data(), ld, 1, m.rows(), m.cols()}
                         : strided_matrix<T>{m.data(), 1, ld, m.rows(), m.cols()};
}

/// y = alpha * s + beta * y, where beta == 0 means y is write-only (BLAS convention: NaN in y is
/// not propagated).
template <class T>
inline void combine(T& y, T alpha, T s, T beta) noexcept {
    y = beta == T(0) ? alpha * s : alpha * s + beta * y;
}

/// y = beta * y, with beta == 0 writing exact zeros.
template <class T>
inline void scale_or_zero(T& y, T beta) noexcept {
    y = beta == T(0) ? T(0) : beta * y;
}

} // namespace waferblas::kernels
