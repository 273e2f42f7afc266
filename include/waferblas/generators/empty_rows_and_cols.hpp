// waferblas/generators/empty_rows_and_cols.hpp — forces rows and columns of a matrix to be empty.
//
//   auto A = waferblas::generators::random_sparse<double>(60, 50, 0.2, 1);
//   auto B = waferblas::generators::with_empty_rows_and_cols(A, 0.25, 0.1, 2);   // 15 rows, 5 cols emptied
//   std::vector<std::int32_t> r{0, 59}, c{49};
//   auto C = waferblas::generators::with_empty_rows_and_cols(A, r, c);            // exactly these
//
// Any generator composes with it: empty rows and columns are the edge case of row partitions and
// of gathering x, and a random pattern rarely has them. Entries elsewhere are kept unchanged;
// other rows or columns that were already empty stay empty.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../sparse/csr_matrix.hpp"
#include "support.hpp"

namespace waferblas::generators {

namespace detail {

/// A with every entry in a marked row or marked column removed. O(rows + nnz).
template <scalar T, index I>
csr_matrix<T, I> drop_marked(const csr_matrix<T, I>& a, const std::vector<char>& row_marked, const std::vector<char>& col_marked) {
    std::vector<I> ptr(static_cast<std::size_t>(a.rows()) + 1, I{0}), col;
    std::vector<T> val;
    col.reserve(static_cast<std::size_t>(a.nnz()));
    val.reserve(static_cast<std::size_t>(a.nnz()));
    const auto rp = a.row_ptr();
    const auto ci = a.col_idx();
    const auto v = a.values();
    for (std::size_t i = 0; i < static_cast<std::size_t>(a.rows()); ++i) {
        if (!row_marked[i])
            for (auto k = static_cast<std::size_t>(rp[i]); k < static_cast<std::size_t>(rp[i + 1]); ++k)
                if (!col_marked[static_cast<std::size_t>(ci[k])]) {
                    col.push_back(ci[k]);
                    val.push_back(v[k]);
                }
        ptr[i + 1] = static_cast<I>(col.size());
    }
    return csr_matrix<T, I>(unchecked, a.rows(), a.cols(), std::move(ptr), std::move(col), std::move(val));
}

/// Marks exactly k of n positions, uniformly among all k-subsets (Floyd's algorithm: k draws).
inline std::vector<char> choose(std::uint64_t n, std::uint64_t k, random_stream& rng) {
    std::vector<char> marked(n, 0);
    for (std::uint64_t j = n - k; j < n; ++j) {
        const std::uint64_t t = rng.below(j + 1);
        marked[marked[t] ? j : t] = 1;
    }
    return marked;
}

template <index I>
std::vector<char> mark(std::span<const I> which, I n, const char* what) {
    std::vector<char> marked(static_cast<std::size_t>(n), 0);
    for (const I i : which) {
        if (i < 0 || i >= n)
            throw invalid_argument_error(std::string("with_empty_rows_and_cols: ") + what + " " + std::to_string(i) +
                                         " is outside [0, " + std::to_string(n) + ")");
        marked[static_cast<std::size_t>(i)] = 1;
    }
    return marked;
}

} // namespace detail

/// A with the listed rows and columns emptied; an index outside A throws invalid_argument_error.
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> with_empty_rows_and_cols(const csr_matrix<T, I>& a,
                                                        std::type_identity_t<std::span<const I>> empty_rows,
                                                        std::type_identity_t<std::span<const I>> empty_cols) {
    return detail::drop_marked(a, detail::mark(empty_rows, a.rows(), "row"), detail::mark(empty_cols, a.cols(), "column"));
}

/// A with floor(row_fraction * rows) rows and floor(col_fraction * cols) columns, chosen uniformly
/// at random (deterministic in seed), emptied. Fractions must lie in [0, 1].
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> with_empty_rows_and_cols(const csr_matrix<T, I>& a, double row_fraction,
                                                        double col_fraction, std::uint64_t seed) {
    detail::check_probability(row_fraction, "with_empty_rows_and_cols: row_fraction");
    detail::check_probability(col_fraction, "with_empty_rows_and_cols: col_fraction");
    const auto m = static_cast<std::uint64_t>(a.rows()), n = static_cast<std::uint64_t>(a.cols());
    detail::random_stream rng(seed, detail::stream::structure);
    // min: a fraction of 1 times a huge count can round above the count.
    auto count = [](double f, std::uint64_t total) {
        return std::min(total, static_cast<std::uint64_t>(std::floor(f * static_cast<double>(total))));
    };
    const auto rows = detail::choose(m, count(row_fraction, m), rng);
    const auto cols = detail::choose(n, count(col_fraction, n), rng);
    return detail::drop_marked(a, rows, cols);
}

} // namespace waferblas::generators
