// waferblas/sparse/convert.hpp — conversions among COO, CSR and CSC, and transposes.
//
//   auto A   = waferblas::to_csr(triplets);               // duplicates summed
//   auto Ac  = waferblas::to_csc(A);                      // same matrix, by column
//   auto At  = waferblas::transpose(A);                   // CSR of A^T
//   auto Ah  = waferblas::conj_transpose(A);              // CSR of A^H
//
// Every conversion is a counting sort: O(nnz + rows + cols), no comparison sort.
#pragma once

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "coo_matrix.hpp"
#include "csc_matrix.hpp"
#include "csr_matrix.hpp"

namespace waferblas {

namespace detail {

/// Compresses triplets along `outer` (rows for CSR), sorting inner indices and handling repeats.
template <scalar T, index I>
compressed<T, I> compress_triplets(I outer_n, I inner_n, std::span<const I> outer_idx, std::span<const I> inner_idx,
                                   std::span<const T> vals, duplicates dup, bool outer_is_row) {
    const std::size_t n = vals.size();
    // Bucket by inner index first, then stably by outer: each outer slice comes out sorted by inner,
    // with repeats adjacent and in insertion order (so summation order is deterministic).
    std::vector<I> inner_ptr(static_cast<std::size_t>(inner_n) + 1, I{0});
    for (std::size_t k = 0; k < n; ++k) ++inner_ptr[static_cast<std::size_t>(inner_idx[k]) + 1];
    std::partial_sum(inner_ptr.begin(), inner_ptr.end(), inner_ptr.begin());
    auto by_inner = large_vector<std::size_t>(n);
    for (std::size_t k = 0; k < n; ++k) by_inner[static_cast<std::size_t>(inner_ptr[static_cast<std::size_t>(inner_idx[k])]++)] = k;

    compressed<T, I> c(outer_n, inner_n);
    for (std::size_t k = 0; k < n; ++k) ++c.ptr[static_cast<std::size_t>(outer_idx[k]) + 1];
    std::partial_sum(c.ptr.begin(), c.ptr.end(), c.ptr.begin());
    std::vector<I> next(c.ptr.begin(), c.ptr.end() - 1);
    auto order = large_vector<std::size_t>(n);
    for (std::size_t k : by_inner) order[static_cast<std::size_t>(next[static_cast<std::size_t>(outer_idx[k])]++)] = k;

    // The arrays the matrix keeps, advised for huge pages before their first touch (memory.hpp).
    c.idx = large_reserved<I>(n);
    c.val = large_reserved<T>(n);
    auto ptr = large_vector<I>(c.ptr.size(), I{0});
    for (std::size_t o = 0; o < static_cast<std::size_t>(outer_n); ++o) {
        for (auto p = static_cast<std::size_t>(c.ptr[o]); p < static_cast<std::size_t>(c.ptr[o + 1]); ++p) {
            const std::size_t k = order[p];
            if (static_cast<I>(c.idx.size()) > ptr[o] && c.idx.back() == inner_idx[k]) {
                if (dup == duplicates::reject)
                {
                    const auto j = static_cast<std::size_t>(inner_idx[k]);
                    throw invalid_matrix_error("duplicate entry at (" + std::to_string(outer_is_row ? o : j) + ", " +
                                               std::to_string(outer_is_row ? j : o) + ") (triplet " + std::to_string(k) + ")");
                }
                c.val.back() += vals[k];
            } else {
                c.idx.push_back(inner_idx[k]);
                c.val.push_back(vals[k]);
            }
        }
        ptr[o + 1] = static_cast<I>(c.idx.size());
    }
    c.ptr = std::move(ptr);
    return c;
}

} // namespace detail

template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> to_csr(const coo_matrix<T, I>& a, duplicates dup = duplicates::sum) {
    return csr_matrix<T, I>(unchecked, detail::compress_triplets<T, I>(a.rows(), a.cols(), a.row_idx(), a.col_idx(),
                                                                      a.values(), dup, true));
}

template <scalar T, index I>
[[nodiscard]] csc_matrix<T, I> to_csc(const coo_matrix<T, I>& a, duplicates dup = duplicates::sum) {
    return csc_matrix<T, I>(unchecked, detail::compress_triplets<T, I>(a.cols(), a.rows(), a.col_idx(), a.row_idx(),
                                                                      a.values(), dup, false));
}

template <scalar T, index I>
[[nodiscard]] csc_matrix<T, I> to_csc(const csr_matrix<T, I>& a) {
    return csc_matrix<T, I>(unchecked, a.storage().swapped());
}

template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> to_csr(const csc_matrix<T, I>& a) {
    return csr_matrix<T, I>(unchecked, a.storage().swapped());
}

template <scalar T, index I>
[[nodiscard]] const csr_matrix<T, I>& to_csr(const csr_matrix<T, I>& a) noexcept { return a; }

/// Triplets in row-major order.
template <scalar T, index I>
[[nodiscard]] coo_matrix<T, I> to_coo(const csr_matrix<T, I>& a) {
    std::vector<I> r(static_cast<std::size_t>(a.nnz()));
    for (I i = 0; i < a.rows(); ++i)
        std::fill(r.begin() + a.row_ptr()[static_cast<std::size_t>(i)], r.begin() + a.row_ptr()[static_cast<std::size_t>(i) + 1], i);
    return coo_matrix<T, I>(a.rows(), a.cols(), std::move(r), {a.col_idx().begin(), a.col_idx().end()},
                            {a.values().begin(), a.values().end()});
}

/// Triplets in column-major order.
template <scalar T, index I>
[[nodiscard]] coo_matrix<T, I> to_coo(const csc_matrix<T, I>& a) {
    std::vector<I> c(static_cast<std::size_t>(a.nnz()));
    for (I j = 0; j < a.cols(); ++j)
        std::fill(c.begin() + a.col_ptr()[static_cast<std::size_t>(j)], c.begin() + a.col_ptr()[static_cast<std::size_t>(j) + 1], j);
    return coo_matrix<T, I>(a.rows(), a.cols(), {a.row_idx().begin(), a.row_idx().end()}, std::move(c),
                            {a.values().begin(), a.values().end()});
}

/// CSR of A^T.
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> transpose(const csr_matrix<T, I>& a) {
    return csr_matrix<T, I>(unchecked, a.storage().swapped());
}

/// CSR of A^H (the conjugate transpose; equal to transpose for real T).
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> conj_transpose(const csr_matrix<T, I>& a) {
    return csr_matrix<T, I>(unchecked, a.storage().swapped(true));
}

/// CSR of A^T for a CSC A: no arithmetic, the arrays are the same.
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> transpose(const csc_matrix<T, I>& a) {
    return csr_matrix<T, I>(unchecked, a.storage());
}

} // namespace waferblas
