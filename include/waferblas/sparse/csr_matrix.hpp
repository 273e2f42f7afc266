// waferblas/sparse/csr_matrix.hpp — compressed sparse row matrix.
//
//   // 2x3: [1 0 2; 0 0 3]
//   waferblas::csr_matrix<double> A(2, 3, {0, 2, 3}, {0, 2, 2}, {1.0, 2.0, 3.0});
//   A.rows(); A.cols(); A.nnz();   // 2, 3, 3
//
// Construction from arrays validates them and throws invalid_matrix_error naming the first bad
// entry (out-of-range, unsorted or duplicate column index, bad row pointer). Column indices within a
// row are kept strictly increasing; use coo_matrix + to_csr to build from unsorted triplets. A
// matrix moved from is an empty 0x0 matrix, which every routine accepts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "compressed.hpp"

namespace waferblas {

template <scalar T, index I = std::int32_t>
class csr_matrix {
public:
    using value_type = T;
    using index_type = I;

    csr_matrix() = default;

    /// An all-zero rows x cols matrix.
    csr_matrix(I rows, I cols) : s_(rows, cols) {
        s_.validate("csr_matrix", "row", "column");
        s_.note_values();
    }

    /// From CSR arrays; validated.
    csr_matrix(I rows, I cols, std::vector<I> row_ptr, std::vector<I> col_idx, std::vector<T> values)
        : s_(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(values)) {
        s_.validate("csr_matrix", "row", "column");
        s_.note_values();
    }

    /// From CSR arrays the caller guarantees valid (no check).
    csr_matrix(unchecked_t, I rows, I cols, std::vector<I> row_ptr, std::vector<I> col_idx, std::vector<T> values)
        : s_(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(values)) {
        s_.note_values();
    }

    explicit csr_matrix(unchecked_t, detail::compressed<T, I> s) : s_(std::move(s)) { s_.note_values(); }
    /// From CSR arrays the caller guarantees valid, and whether every value is one (no check, no
    /// scan). The arrays move straight into the storage: a storage moved in would leave one behind,
    /// and a moved-from storage allocates its one-entry row pointer (two of the seven allocations
    /// of a small plan's build, when kept matrices were built so).
    csr_matrix(unchecked_t, detail::values_noted_t, bool values_all_one, I rows, I cols, std::vector<I> row_ptr,
               std::vector<I> col_idx, std::vector<T> values)
        : s_(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(values)) {
        s_.values_all_one = values_all_one;
    }

    [[nodiscard]] I rows() const noexcept { return s_.outer; }
    [[nodiscard]] I cols() const noexcept { return s_.inner; }
    [[nodiscard]] I nnz() const noexcept { return s_.nnz(); }
    [[nodiscard]] I row_nnz(I i) const noexcept { return s_.ptr[static_cast<std::size_t>(i) + 1] - s_.ptr[static_cast<std::size_t>(i)]; }

    [[nodiscard]] std::span<const I> row_ptr() const noexcept { return s_.ptr; }
    [[nodiscard]] std::span<const I> col_idx() const noexcept { return s_.idx; }
    [[nodiscard]] std::span<const T> values() const noexcept { return s_.val; }
    /// Values may be changed in place: the structure stays valid. all_values_one() is false from
    /// then on, whatever is written (re-construct the matrix to find it again).
    [[nodiscard]] std::span<T> values() noexcept {
        s_.values_all_one = false;
        return s_.val;
    }

    /// Whether every stored value is exactly one (true when none is stored), as in a Matrix Market
    /// `pattern` file or a graph's adjacency matrix: found on construction (a scan that stops at
    /// the first other value).
    /// For real T, the products that gather by row (spmv/spmm of A, row_blocks plans) then read no
    /// values (4 instead of 12 bytes per nonzero for double and int32 indices) and give bitwise the
    /// results of reading the ones; scatters (A^T, A^H) and checkerboard plans still read them.
    [[nodiscard]] bool all_values_one() const noexcept { return s_.values_all_one; }

    /// Re-checks every invariant (useful after editing through values()).
    void validate() const { s_.validate("csr_matrix", "row", "column"); }

    [[nodiscard]] const detail::compressed<T, I>& storage() const noexcept { return s_; }
    [[nodiscard]] detail::compressed<T, I>&& release() && noexcept { return std::move(s_); }

    bool operator==(const csr_matrix&) const = default;

private:
    detail::compressed<T, I> s_;
};

} // namespace waferblas
