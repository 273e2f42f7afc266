// waferblas/generators/random_sparse.hpp — uniformly random sparsity (Erdős–Rényi / Bernoulli).
//
//   auto A = waferblas::generators::random_sparse<double>(3000, 2000, 1e-3, 7);   // ~6000 entries
//
// Each of the rows*cols positions is stored independently with probability `density`, so nnz is
// Binomial(rows*cols, density): mean rows*cols*density, standard deviation
// sqrt(rows*cols*density*(1 - density)). Values are non-zero random (components of magnitude in
// [0.5, 1.5), random signs). The pattern depends only on (rows, cols, density, seed), not on T or I.
//
// Cost is O(rows + nnz), not O(rows*cols): the gap to the next stored position is drawn directly
// from its geometric distribution, floor(log(U) / log(1 - density)). Being computed with std::log,
// a gap can differ on a standard library whose log rounds differently (the rest is bit-exact).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../sparse/csr_matrix.hpp"
#include "support.hpp"

namespace waferblas::generators {

namespace detail {

/// Moves cell (r, c) of an R x C grid forward by `gap` cells (row-major); false if it leaves the grid.
inline bool advance(std::uint64_t& r, std::uint64_t& c, double gap, std::uint64_t R, std::uint64_t C) {
    if (gap < 0x1p62) { // exact integer arithmetic
        auto g = static_cast<std::uint64_t>(gap);
        if (g < C - c) {
            c += g;
            return true;
        }
        g -= C - c; // cells skipped from the start of the next row
        if (g / C >= R - r - 1) return false;
        r += 1 + g / C;
        c = g % C;
        return true;
    }
    // Gaps this long (density below ~1e-19) only matter for grids beyond 2^62 cells; one cell of
    // rounding is immaterial at that scale. The comparisons are arranged so +inf leaves the grid.
    const double beyond = gap - static_cast<double>(C - c);
    const double rows_ahead = std::floor(beyond / static_cast<double>(C));
    if (!(rows_ahead < static_cast<double>(R - r - 1))) return false;
    const auto ra = static_cast<std::uint64_t>(rows_ahead);
    if (ra >= R - r - 1) return false;
    r += 1 + ra;
    const double within = beyond - rows_ahead * static_cast<double>(C);
    c = within <= 0 ? 0 : std::min(C - 1, static_cast<std::uint64_t>(within));
    return true;
}

} // namespace detail

/// rows x cols with each entry present independently with probability `density` in [0, 1].
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> random_sparse(std::int64_t rows, std::int64_t cols, double density, std::uint64_t seed) {
    const I m = checked_index<I>(rows, "random_sparse: rows");
    const I n = checked_index<I>(cols, "random_sparse: cols");
    detail::check_probability(density, "random_sparse: density");
    const auto R = static_cast<std::uint64_t>(rows), C = static_cast<std::uint64_t>(cols);
    if (R == 0 || C == 0 || density == 0.0) return csr_matrix<T, I>(m, n);

    // Refuse early when the count would all but certainly overflow I, rather than after
    // generating 2^31 entries; the exact check happens while appending.
    constexpr auto cap = static_cast<std::uint64_t>(std::numeric_limits<I>::max());
    const double expected = density * static_cast<double>(R) * static_cast<double>(C);
    if (expected - 8 * std::sqrt(expected) > static_cast<double>(cap))
        throw overflow_error("random_sparse: about " + std::to_string(expected) + " stored entries do not fit the " +
                             std::to_string(sizeof(I) * 8) + "-bit index type");

    auto ptr = waferblas::detail::large_vector<I>(R + 1, I{0});
    // Room for all but a vanishing fraction of draws, in storage advised for huge pages.
    const auto guess = expected <= static_cast<double>(cap) ? static_cast<std::size_t>(expected + 4 * std::sqrt(expected) + 16) : 0;
    auto col = waferblas::detail::large_reserved<I>(guess);
    auto val = waferblas::detail::large_reserved<T>(guess);
    detail::random_stream pattern(seed, detail::stream::structure);
    detail::random_stream values(seed, detail::stream::values);
    const double log_q = std::log1p(-density); // -inf for density 1: every gap is 0
    std::uint64_t r = 0, c = 0;
    while (true) {
        const double gap = density == 1.0 ? 0.0 : std::floor(std::log(pattern.uniform_positive()) / log_q);
        if (!detail::advance(r, c, gap, R, C)) break;
        if (col.size() >= cap)
            throw overflow_error("random_sparse: more stored entries than the " + std::to_string(sizeof(I) * 8) +
                                 "-bit index type can count");
        col.push_back(static_cast<I>(c));
        val.push_back(values.nonzero<T>());
        ++ptr[r + 1];
        if (++c == C) {
            c = 0;
            if (++r == R) break;
        }
    }
    for (std::size_t i = 0; i < R; ++i) ptr[i + 1] += ptr[i];
    return csr_matrix<T, I>(unchecked, m, n, std::move(ptr), std::move(col), std::move(val));
}

} // namespace waferblas::generators
