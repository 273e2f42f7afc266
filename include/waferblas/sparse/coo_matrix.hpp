// waferblas/sparse/coo_matrix.hpp — coordinate (triplet) matrix, the assembly format.
//
//   waferblas::coo_matrix<double> T(3, 3);
//   T.add(0, 0, 4.0); T.add(2, 1, -1.0); T.add(0, 0, 1.0);   // order free, duplicates allowed
//   auto A = waferblas::to_csr(T);                            // duplicates summed: A(0,0) = 5
//   auto B = waferblas::to_csr(T, waferblas::duplicates::reject);  // throws, naming (0, 0)
//
// Entries are kept in insertion order; add() checks bounds, so an out-of-range index is reported
// where it is added, not later.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "../core/scalar.hpp"

namespace waferblas {

/// What converting triplets does with repeated (i, j): add them up, or throw invalid_matrix_error.
enum class duplicates { sum, reject };

template <scalar T, index I = std::int32_t>
class coo_matrix {
public:
    using value_type = T;
    using index_type = I;

    coo_matrix() = default;
    coo_matrix(I rows, I cols) : rows_(rows), cols_(cols) {
        if (rows < 0 || cols < 0) throw invalid_argument_error("coo_matrix: negative dimension");
    }
    /// From parallel arrays; every index is checked.
    coo_matrix(I rows, I cols, std::vector<I> row_idx, std::vector<I> col_idx, std::vector<T> values)
        : coo_matrix(rows, cols) {
        if (row_idx.size() != col_idx.size() || row_idx.size() != values.size())
            throw invalid_matrix_error("coo_matrix: " + std::to_string(row_idx.size()) + " row indices, " +
                                       std::to_string(col_idx.size()) + " column indices and " +
                                       std::to_string(values.size()) + " values");
        for (std::size_t k = 0; k < row_idx.size(); ++k) check(row_idx[k], col_idx[k], k);
        row_ = std::move(row_idx);
        col_ = std::move(col_idx);
        val_ = std::move(values);
        (void)checked_index<I>(row_.size(), "coo_matrix: entry count");
    }

    void reserve(std::size_t n) {
        row_.reserve(n);
        col_.reserve(n);
        val_.reserve(n);
    }

    /// Appends entry (i, j) = v; throws invalid_matrix_error if (i, j) is outside the matrix.
    void add(I i, I j, T v) {
        check(i, j, row_.size());
        if (row_.size() >= static_cast<std::size_t>(std::numeric_limits<I>::max()))
            throw overflow_error("coo_matrix: more entries than the " + std::to_string(sizeof(I) * 8) +
                                 "-bit index type can count");
        row_.push_back(i);
        col_.push_back(j);
        val_.push_back(v);
    }

    [[nodiscard]] I rows() const noexcept { return rows_; }
    [[nodiscard]] I cols() const noexcept { return cols_; }
    /// Stored entries, duplicates included.
    [[nodiscard]] I nnz() const noexcept { return static_cast<I>(row_.size()); }

    [[nodiscard]] std::span<const I> row_idx() const noexcept { return row_; }
    [[nodiscard]] std::span<const I> col_idx() const noexcept { return col_; }
    [[nodiscard]] std::span<const T> values() const noexcept { return val_; }
    [[nodiscard]] std::span<T> values() noexcept { return val_; }

    bool operator==(const coo_matrix&) const = default;

private:
    void check(I i, I j, std::size_t k) const {
        if (i < 0 || i >= rows_ || j < 0 || j >= cols_)
            throw invalid_matrix_error("coo_matrix: entry " + std::to_string(k) + " at (" + std::to_string(i) + ", " +
                                       std::to_string(j) + ") is outside the " + std::to_string(rows_) + "x" +
                                       std::to_string(cols_) + " matrix");
    }

    I rows_ = 0, cols_ = 0;
    std::vector<I> row_, col_;
    std::vector<T> val_;
};

} // namespace waferblas
