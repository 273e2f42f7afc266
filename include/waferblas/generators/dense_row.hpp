// waferblas/generators/dense_row.hpp — a diagonal plus one dense row (and column): extreme row imbalance.
//
//   auto D = waferblas::generators::dense_row<double>(1000, 17, 3);   // row 17 full: nnz = 2n - 1
//   auto H = waferblas::generators::arrowhead<double>(1000, 0, 3);    // row 0 and column 0 full: 3n - 2
//
// One row holding about half of all entries is what breaks a partition by rows; the arrowhead
// adds the dense column, which breaks a partition by columns (and x broadcast) as well. Values are
// non-zero random (components of magnitude in [0.5, 1.5), random signs), drawn in row-major order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "../sparse/csr_matrix.hpp"
#include "support.hpp"

namespace waferblas::generators {

namespace detail {

/// n x n: the diagonal, row k entirely, and column k entirely if `with_column`.
template <scalar T, index I>
csr_matrix<T, I> diagonal_plus_cross(std::int64_t n, std::int64_t k, std::uint64_t seed, bool with_column, const char* name) {
    const I dim = checked_index<I>(n, (std::string(name) + ": n").c_str());
    if (k < 0 || k >= n)
        throw invalid_argument_error(std::string(name) + ": dense index " + std::to_string(k) + " is outside [0, " +
                                     std::to_string(n) + ")");
    // n - 1 off-diagonal entries in the row, as many in the column: 2n - 1 or 3n - 2 in all.
    const std::int64_t nnz = checked_add(n, checked_mul(with_column ? 2 : 1, n - 1, name), name);
    (void)checked_index<I>(nnz, (std::string(name) + ": stored entries").c_str());

    auto ptr = waferblas::detail::large_vector<I>(static_cast<std::size_t>(n) + 1);
    auto col = waferblas::detail::large_reserved<I>(static_cast<std::size_t>(nnz));
    auto val = waferblas::detail::large_reserved<T>(static_cast<std::size_t>(nnz));
    random_stream rng(seed, stream::values);
    auto put = [&](std::int64_t j) {
        col.push_back(static_cast<I>(j));
        val.push_back(rng.nonzero<T>());
    };
    for (std::int64_t i = 0; i < n; ++i) {
        if (i == k) {
            for (std::int64_t j = 0; j < n; ++j) put(j);
        } else if (with_column) {
            put(std::min(i, k));
            put(std::max(i, k));
        } else {
            put(i);
        }
        ptr[static_cast<std::size_t>(i) + 1] = static_cast<I>(col.size());
    }
    return csr_matrix<T, I>(unchecked, dim, dim, std::move(ptr), std::move(col), std::move(val));
}

} // namespace detail

/// n x n: the diagonal plus row `row` completely dense (nnz = 2n - 1); requires 0 <= row < n.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> dense_row(std::int64_t n, std::int64_t row, std::uint64_t seed) {
    return detail::diagonal_plus_cross<T, I>(n, row, seed, false, "dense_row");
}

/// n x n arrowhead: the diagonal plus row k and column k completely dense (nnz = 3n - 2); 0 <= k < n.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> arrowhead(std::int64_t n, std::int64_t k, std::uint64_t seed) {
    return detail::diagonal_plus_cross<T, I>(n, k, seed, true, "arrowhead");
}

} // namespace waferblas::generators
