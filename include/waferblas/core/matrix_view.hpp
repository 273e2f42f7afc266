// waferblas/core/matrix_view.hpp — a non-owning view of a dense matrix, row- or column-major.
//
//   std::vector<double> b(rows * 8);
//   waferblas::matrix_view<double> B(b.data(), rows, 8, waferblas::layout::row_major);
//   waferblas::matrix_view<const double> Bc = B;          // const view of the same storage
//
// Element (i, j) lives at data()[i * ld + j] (row-major) or data()[i + j * ld] (column-major); the
// leading dimension ld defaults to the tight value and must not be smaller.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

#include "error.hpp"
#include "vector_view.hpp"

namespace waferblas {

enum class layout { row_major, col_major };

template <class T>
class matrix_view {
public:
    using element_type = T;
    using value_type = std::remove_cv_t<T>;

    constexpr matrix_view() noexcept = default;

    /// ld = 0 means the tight leading dimension (cols for row-major, rows for column-major).
    matrix_view(T* data, std::size_t rows, std::size_t cols, layout lay = layout::row_major, std::size_t ld = 0)
        : data_(data), rows_(rows), cols_(cols), layout_(lay) {
        const std::size_t inner = lay == layout::row_major ? cols : rows;
        ld_ = ld == 0 ? std::max<std::size_t>(inner, 1) : ld;
        if (ld_ < inner)
            throw invalid_argument_error("matrix_view: leading dimension " + std::to_string(ld_) +
                                         " is smaller than the " + (lay == layout::row_major ? "column" : "row") +
                                         " count " + std::to_string(inner));
        if (rows > 0 && cols > 0 && data == nullptr) throw invalid_argument_error("matrix_view: null data with non-zero size");
        const std::size_t outer = lay == layout::row_major ? rows : cols, limit = detail::max_offset_elements<T>;
        if (outer > 0 && inner > 0 && (inner > limit || outer - 1 > (limit - inner) / ld_))
            throw invalid_argument_error("matrix_view: " + std::to_string(rows) + "x" + std::to_string(cols) + " with leading dimension " +
                                         std::to_string(ld_) + " reaches beyond the address space");
    }

    template <class U>
        requires(!std::same_as<U, T> && std::is_convertible_v<U (*)[], T (*)[]>)
    matrix_view(const matrix_view<U>& o) noexcept // NOLINT(google-explicit-constructor): adds const
        : data_(o.data()), rows_(o.rows()), cols_(o.cols()), ld_(o.ld()), layout_(o.storage_layout()) {}

    [[nodiscard]] T* data() const noexcept { return data_; }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
    [[nodiscard]] std::size_t ld() const noexcept { return ld_; }
    [[nodiscard]] layout storage_layout() const noexcept { return layout_; }
    [[nodiscard]] bool row_major() const noexcept { return layout_ == layout::row_major; }

    [[nodiscard]] T& operator()(std::size_t i, std::size_t j) const noexcept {
        return layout_ == layout::row_major ? data_[i * ld_ + j] : data_[i + j * ld_];
    }

    [[nodiscard]] vector_view<T> row(std::size_t i) const {
        if (i >= rows_) throw dimension_error("matrix_view::row: row " + std::to_string(i) + " of " + std::to_string(rows_));
        return row_major() ? vector_view<T>(cols_ ? data_ + i * ld_ : data_, cols_, 1)
                           : vector_view<T>(cols_ ? data_ + i : data_, cols_, static_cast<std::ptrdiff_t>(ld_));
    }
    [[nodiscard]] vector_view<T> col(std::size_t j) const {
        if (j >= cols_) throw dimension_error("matrix_view::col: column " + std::to_string(j) + " of " + std::to_string(cols_));
        return row_major() ? vector_view<T>(rows_ ? data_ + j : data_, rows_, static_cast<std::ptrdiff_t>(ld_))
                           : vector_view<T>(rows_ ? data_ + j * ld_ : data_, rows_, 1);
    }

    /// Lowest and one-past-highest addresses touched (for aliasing checks).
    [[nodiscard]] std::pair<const void*, const void*> address_range() const noexcept {
        if (rows_ == 0 || cols_ == 0) return {nullptr, nullptr};
        const std::size_t outer = row_major() ? rows_ : cols_, inner = row_major() ? cols_ : rows_;
        return {data_, data_ + (outer - 1) * ld_ + inner};
    }

private:
    T* data_ = nullptr;
    std::size_t rows_ = 0, cols_ = 0, ld_ = 1;
    layout layout_ = layout::row_major;
};

template <class T>
[[nodiscard]] matrix_view<T> as_matrix_view(matrix_view<T> m) noexcept { return m; }

/// Anything as_matrix_view accepts: what a WaferBLAS routine takes as a dense matrix.
template <class M>
concept matrix_like = requires(M&& m) { as_matrix_view(std::forward<M>(m)); };

template <matrix_like M>
using matrix_value_t = typename decltype(as_matrix_view(std::declval<M>()))::value_type;

} // namespace waferblas
