// Test support: the shared sweep of generated matrices, where to find the shared .mtx collection,
// and error measures for comparing results.
//
//   for (const auto& c : waferblas::testing::generated_cases<double, std::int32_t>()) {
//       INFO(c.name);
//       ... c.A ...
//   }
//   CHECK(waferblas::testing::relative_error(y, y_ref) <= waferblas::testing::tolerance<T>(max_row_nnz));
//
// The sweep covers the shapes that break sparse kernels (empty, degenerate, rectangular, empty rows
// and columns, one dense row or column, power-law, matrices of ones) in about 18,000 stored entries
// in all, so tests that loop over it stay fast under sanitizers. Every case is deterministic.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include <waferblas/core/error.hpp>
#include <waferblas/core/vector_view.hpp>
#include <waferblas/generators.hpp>
#include <waferblas/sparse/csr_matrix.hpp>

namespace waferblas::testing {

template <scalar T, index I>
struct matrix_case {
    std::string name;
    csr_matrix<T, I> A;
};

/// A's pattern with every stored value one (csr_matrix::all_values_one): the kernels read no values.
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> pattern_of(const csr_matrix<T, I>& A) {
    return csr_matrix<T, I>(unchecked, A.rows(), A.cols(), {A.row_ptr().begin(), A.row_ptr().end()},
                            {A.col_idx().begin(), A.col_idx().end()}, std::vector<T>(static_cast<std::size_t>(A.nnz()), T(1)));
}

/// The shared sweep: degenerate shapes first, then structured, then random matrices; matrices of
/// ones (identity, and patterns of three shapes) take the kernels that read no values.
template <scalar T, index I>
[[nodiscard]] std::vector<matrix_case<T, I>> generated_cases() {
    namespace gen = generators;
    std::vector<matrix_case<T, I>> cases;
    auto add = [&](std::string name, csr_matrix<T, I> a) { cases.push_back({std::move(name), std::move(a)}); };

    add("0x0", csr_matrix<T, I>(0, 0));
    add("0x5", csr_matrix<T, I>(0, 5));
    add("5x0", csr_matrix<T, I>(5, 0));
    add("1x1", gen::random_sparse<T, I>(1, 1, 1.0, 11));
    add("1x1 with no stored entry", csr_matrix<T, I>(1, 1));
    add("6x4 with no stored entry", csr_matrix<T, I>(6, 4));
    add("identity 10", gen::identity<T, I>(10));
    add("random 7x13 density 0.3", gen::random_sparse<T, I>(7, 13, 0.3, 12));
    add("random 40x3 density 0.4", gen::random_sparse<T, I>(40, 3, 0.4, 13));
    {
        // First and last rows and columns emptied too: the boundaries of every partition.
        const auto base = gen::with_empty_rows_and_cols(gen::random_sparse<T, I>(60, 50, 0.2, 14), 0.2, 0.2, 15);
        const std::vector<I> rows{0, 59}, cols{0, 49};
        add("random 60x50 with empty rows and columns", gen::with_empty_rows_and_cols(base, rows, cols));
    }
    add("dense row 17 of 64", gen::dense_row<T, I>(64, 17, 16));
    add("dense last row of 33", gen::dense_row<T, I>(33, 32, 17));
    add("arrowhead 50", gen::arrowhead<T, I>(50, 0, 18));
    add("banded 80 (3, 5)", gen::banded<T, I>(80, 3, 5, 19));
    add("poisson2d 12x10", gen::poisson2d<T, I>(12, 10));
    add("poisson3d 6x5x4", gen::poisson3d<T, I>(6, 5, 4));
    add("rmat scale 9 edge factor 8", gen::rmat<T, I>(9, 8, 20));
    add("pattern of rmat scale 8 edge factor 8", pattern_of(gen::rmat<T, I>(8, 8, 26)));
    add("pattern of dense row 5 of 48", pattern_of(gen::dense_row<T, I>(48, 5, 27)));
    add("pattern of banded 70 (2, 4)", pattern_of(gen::banded<T, I>(70, 2, 4, 28)));
    add("random 3000x2000 density 1e-4", gen::random_sparse<T, I>(3000, 2000, 1e-4, 21));
    add("random 2000x1500 density 1e-3", gen::random_sparse<T, I>(2000, 1500, 1e-3, 22));
    add("random 500x400 density 0.01", gen::random_sparse<T, I>(500, 400, 0.01, 23));
    add("random 200x150 density 0.1", gen::random_sparse<T, I>(200, 150, 0.1, 24));
    add("random 60x50 density 0.5", gen::random_sparse<T, I>(60, 50, 0.5, 25));
    return cases;
}

/// The shared SuiteSparse .mtx collection: $WAFERBLAS_MATRICES if set (trusted as given, so a wrong
/// path fails loudly), else the build's default if that directory exists, else nullopt.
[[nodiscard]] inline std::optional<std::filesystem::path> shared_matrices_dir() {
    if (const char* env = std::getenv("WAFERBLAS_MATRICES"); env != nullptr && *env != '\0')
        return std::filesystem::path(env);
#ifdef WAFERBLAS_SHARED_MATRICES_DEFAULT
    std::error_code ec;
    if (std::filesystem::is_directory(WAFERBLAS_SHARED_MATRICES_DEFAULT, ec))
        return std::filesystem::path(WAFERBLAS_SHARED_MATRICES_DEFAULT);
#endif
    return std::nullopt;
}

/// max_i |x_i - ref_i| / max_i |ref_i| (the absolute max-norm error when ref is all zero).
/// Computed in double; throws dimension_error if the lengths differ.
template <vector_like X, vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
[[nodiscard]] double relative_error(X&& x, Y&& ref) {
    const auto a = as_vector_view(std::forward<X>(x));
    const auto b = as_vector_view(std::forward<Y>(ref));
    if (a.size() != b.size())
        throw dimension_error("relative_error: lengths " + std::to_string(a.size()) + " and " + std::to_string(b.size()));
    using wide = std::conditional_t<is_complex_v<vector_value_t<X>>, std::complex<double>, double>;
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto ai = static_cast<wide>(a[i]), bi = static_cast<wide>(b[i]);
        const double d = std::abs(ai - bi);
        // Not std::max: a NaN difference must make the error NaN, which no tolerance accepts.
        diff = (d > diff || std::isnan(d)) ? d : diff;
        scale = std::max(scale, std::abs(bi));
    }
    return scale > 0 ? diff / scale : diff;
}

/// Admissible relative_error for results built from sums of up to k terms in T: 16 k eps, eps of
/// real_t<T>. Two summation orders of k terms differ by at most ~2 k eps |A||x|; the factor 8 on
/// top allows for complex arithmetic (several roundings per product) and for the cancellation that
/// makes |A x| smaller than |A||x| with values of random sign.
template <scalar T>
[[nodiscard]] double tolerance(std::size_t k) {
    return 16.0 * static_cast<double>(std::max<std::size_t>(k, 1)) *
           static_cast<double>(std::numeric_limits<real_t<T>>::epsilon());
}

/// n values of a short repeating pattern, 0.25 .. 1.75 in steps of 1/8 (exact in every type), shifted
/// by `salt`: operands whose products are easy to tell apart.
template <scalar T>
[[nodiscard]] std::vector<T> patterned_vector(std::size_t n, std::size_t salt) {
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = T(0.25) + T(static_cast<real_t<T>>((i * 7 + salt) % 13)) / T(8);
    return v;
}

/// Whether two vectors hold the same bits (not merely equal values: -0.0 and NaNs count).
template <scalar T>
[[nodiscard]] bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// The results of `threads` calls of f(y) made at once from as many std::threads, each into its own
/// y of n elements (for tests of one plan shared by several threads).
template <scalar T, class F>
[[nodiscard]] std::vector<std::vector<T>> concurrent_results(std::size_t threads, std::size_t n, F&& f) {
    std::vector<std::vector<T>> ys(threads, std::vector<T>(n));
    std::vector<std::thread> running;
    for (auto& y : ys) running.emplace_back([&f, &y] { f(y); });
    for (auto& th : running) th.join();
    return ys;
}

} // namespace waferblas::testing
