// waferblas/sparse/csc_matrix.hpp — compressed sparse column matrix.
//
//   // 2x3: [1 0 2; 0 0 3]
//   waferblas::csc_matrix<double> A(2, 3, {0, 1, 1, 3}, {0, 0, 1}, {1.0, 2.0, 3.0});
//
// The column-wise twin of csr_matrix, with the same validation: row indices strictly increase
// within a column (and a matrix moved from is an empty 0x0 one). The CSC arrays of A are the CSR
// arrays of A^T, which is how routines use it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "compressed.hpp"

namespace waferblas {

template <scalar T, index I = std::int32_t>
class csc_matrix {
public:
    using value_type = T;
    using index_type = I;

    csc_matrix() = default;
    csc_matrix(I rows, I cols) : s_(cols, rows) {
        s_.validate("csc_matrix", "column", "row");
        s_.note_values();
    }
    csc_matrix(I rows, I cols, std::vector<I> col_ptr, std::vector<I> row_idx, std::vector<T> values)
        : s_(cols, rows, std::move(col_ptr), std::move(row_idx), std::move(values)) {
        s_.validate("csc_matrix", "column", "row");
        s_.note_values();
    }
    csc_matrix(unchecked_t, I rows, I cols, std::vector<I> col_ptr, std::vector<I> row_idx, std::vector<T> values)
        : s_(cols, rows, std::move(col_ptr), std::move(row_idx), std::move(values)) {
        s_.note_values();
    }
    /// s holds the arrays compressed by column (outer = columns).
    explicit csc_matrix(unchecked_t, detail::compressed<T, I> s) : s_(std::move(s)) { s_.note_values(); }

    [[nodiscard]] I rows() const noexcept { return s_.inner; }
    [[nodiscard]] I cols() const noexcept { return s_.outer; }
    [[nodiscard]] I nnz() const noexcept { return s_.nnz(); }
    [[nodiscard]] I col_nnz(I j) const noexcept { return s_.ptr[static_cast<std::size_t>(j) + 1] - s_.ptr[static_cast<std::size_t>(j)]; }

    [[nodiscard]] std::span<const I> col_ptr() const noexcept { return s_.ptr; }
    [[nodiscard]] std::span<const I> row_idx() const noexcept { return s_.idx; }
    [[nodiscard]] std::span<const T> values() const noexcept { return s_.val; }
    /// As csr_matrix::values(): all_values_one() is false from then on.
    [[nodiscard]] std::span<T> values() noexcept {
        s_.values_all_one = false;
        return s_.val;
    }
    /// As csr_matrix::all_values_one().
    [[nodiscard]] bool all_values_one() const noexcept { return s_.values_all_one; }

    void validate() const { s_.validate("csc_matrix", "column", "row"); }

    [[nodiscard]] const detail::compressed<T, I>& storage() const noexcept { return s_; }
    [[nodiscard]] detail::compressed<T, I>&& release() && noexcept { return std::move(s_); }

    bool operator==(const csc_matrix&) const = default;

private:
    detail::compressed<T, I> s_;
};

} // namespace waferblas
