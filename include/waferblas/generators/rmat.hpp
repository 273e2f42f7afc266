// waferblas/generators/rmat.hpp — R-MAT power-law graphs (the Graph500 Kronecker generator).
//
//   auto G = waferblas::generators::rmat<double>(10, 16, 42);   // 1024 x 1024 from 16384 edges
//
// edge_factor * 2^scale edges are drawn; each picks its cell by descending `scale` levels of the
// quadtree, entering the top-left, top-right, bottom-left or bottom-right quadrant with
// probability a, b, c and d = 1 - a - b - c (Graph500: 0.57, 0.19, 0.19, 0.05). Repeated edges
// are summed into one entry and self-loops are kept, so nnz <= edge_factor * 2^scale. Unlike the
// Graph500 benchmark there is no per-level noise and no vertex relabelling: the heavy rows and
// columns are the low-numbered ones, a predictable worst case for load balance.
//
// Edge weights have every component in [0.5, 1.5) and positive, so summed duplicates never cancel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../sparse/convert.hpp"
#include "support.hpp"

namespace waferblas::generators {

/// 2^scale x 2^scale R-MAT matrix from edge_factor * 2^scale edges; deterministic in seed.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> rmat(int scale, std::int64_t edge_factor, std::uint64_t seed, double a = 0.57,
                                    double b = 0.19, double c = 0.19) {
    if (scale < 0 || scale > 62) throw invalid_argument_error("rmat: scale " + std::to_string(scale) + " is not in [0, 62]");
    if (edge_factor < 0) throw invalid_argument_error("rmat: negative edge_factor " + std::to_string(edge_factor));
    detail::check_probability(a, "rmat: a");
    detail::check_probability(b, "rmat: b");
    detail::check_probability(c, "rmat: c");
    if (a + b + c > 1.0) throw invalid_argument_error("rmat: a + b + c = " + std::to_string(a + b + c) + " exceeds 1");

    const std::int64_t n = std::int64_t{1} << scale;
    const I dim = checked_index<I>(n, "rmat: 2^scale");
    const auto edges = static_cast<std::size_t>(checked_index<I>(detail::checked_mul(edge_factor, n, "rmat: edge count"), "rmat: edge count"));

    std::vector<I> src(edges), dst(edges);
    std::vector<T> w(edges);
    detail::random_stream pattern(seed, detail::stream::structure);
    detail::random_stream values(seed, detail::stream::values);
    const double ab = a + b, abc = a + b + c;
    for (std::size_t e = 0; e < edges; ++e) {
        std::int64_t i = 0, j = 0;
        for (std::int64_t bit = n >> 1; bit > 0; bit >>= 1) {
            const double u = pattern.uniform();
            if (u < a) continue;
            if (u < ab) j |= bit;
            else if (u < abc) i |= bit;
            else {
                i |= bit;
                j |= bit;
            }
        }
        src[e] = static_cast<I>(i);
        dst[e] = static_cast<I>(j);
        w[e] = values.positive<T>();
    }
    // Counting sort with duplicates summed: O(nnz + 2^scale), no comparison sort.
    return to_csr(coo_matrix<T, I>(dim, dim, std::move(src), std::move(dst), std::move(w)), duplicates::sum);
}

} // namespace waferblas::generators
