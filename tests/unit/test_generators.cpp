// Matrix generators: exact shapes and entry counts, the structure each family promises, values that
// are never zero, determinism in the seed, statistics of the random families, and argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <waferblas/generators.hpp>
#include <waferblas/sparse/convert.hpp>

#include "test_matrices.hpp"

using namespace waferblas;
namespace gen = waferblas::generators;

#define ALL_TI                                                                                                         \
    std::pair<float, std::int32_t>, std::pair<double, std::int32_t>, std::pair<std::complex<float>, std::int32_t>,     \
        std::pair<std::complex<double>, std::int32_t>, std::pair<float, std::int64_t>,                                 \
        std::pair<double, std::int64_t>, std::pair<std::complex<float>, std::int64_t>,                                 \
        std::pair<std::complex<double>, std::int64_t>

namespace {

template <class T, class I>
std::optional<T> entry(const csr_matrix<T, I>& A, std::int64_t i, std::int64_t j) {
    const auto b = A.col_idx().begin() + A.row_ptr()[static_cast<std::size_t>(i)];
    const auto e = A.col_idx().begin() + A.row_ptr()[static_cast<std::size_t>(i) + 1];
    const auto it = std::lower_bound(b, e, static_cast<I>(j));
    if (it == e || *it != j) return std::nullopt;
    return A.values()[static_cast<std::size_t>(it - A.col_idx().begin())];
}

template <class T, class I>
bool same_pattern(const csr_matrix<T, I>& A, const auto& B) {
    return A.rows() == B.rows() && A.cols() == B.cols() &&
           std::equal(A.row_ptr().begin(), A.row_ptr().end(), B.row_ptr().begin(), B.row_ptr().end()) &&
           std::equal(A.col_idx().begin(), A.col_idx().end(), B.col_idx().begin(), B.col_idx().end());
}

template <class T, class I>
bool structurally_symmetric(const csr_matrix<T, I>& A) { return same_pattern(A, transpose(A)); }

/// Every real and imaginary component has magnitude in [0.5, 1.5] (so none is zero).
template <class T>
bool components_in_range(std::span<const T> v, bool positive = false) {
    auto ok = [&](auto c) {
        const double d = static_cast<double>(c);
        return std::abs(d) >= 0.5 && std::abs(d) <= 1.5 && (!positive || d > 0);
    };
    return std::all_of(v.begin(), v.end(), [&](const T& x) {
        if constexpr (is_complex_v<T>) return ok(x.real()) && ok(x.imag());
        else return ok(x);
    });
}

template <class T, class I>
I max_row_nnz(const csr_matrix<T, I>& A) {
    I m = 0;
    for (I i = 0; i < A.rows(); ++i) m = std::max(m, A.row_nnz(i));
    return m;
}

/// The stencil written out naively from its definition, assembled through triplets.
template <class T, class I>
csr_matrix<T, I> reference_laplacian(std::int64_t nx, std::int64_t ny, std::int64_t nz, T diag) {
    const auto n = static_cast<I>(nx * ny * nz);
    coo_matrix<T, I> t(n, n);
    auto id = [&](std::int64_t x, std::int64_t y, std::int64_t z) { return static_cast<I>(x + nx * (y + ny * z)); };
    for (std::int64_t z = 0; z < nz; ++z)
        for (std::int64_t y = 0; y < ny; ++y)
            for (std::int64_t x = 0; x < nx; ++x) {
                const I i = id(x, y, z);
                t.add(i, i, diag);
                for (const auto& [dx, dy, dz] : {std::array{-1, 0, 0}, std::array{1, 0, 0}, std::array{0, -1, 0},
                                                std::array{0, 1, 0}, std::array{0, 0, -1}, std::array{0, 0, 1}}) {
                    const auto xx = x + dx, yy = y + dy, zz = z + dz;
                    if (xx >= 0 && xx < nx && yy >= 0 && yy < ny && zz >= 0 && zz < nz) t.add(i, id(xx, yy, zz), T(-1));
                }
            }
    return to_csr(t, duplicates::reject);
}

/// |x - mean| within 6 standard deviations of a binomial count: fails by chance with p < 1e-8.
bool within_binomial(double x, double trials, double p) {
    const double mean = trials * p, sd = std::sqrt(trials * p * (1 - p));
    return std::abs(x - mean) <= 6 * sd;
}

} // namespace

// ---------------------------------------------------------------------------------------------- Poisson

TEST_CASE_TEMPLATE("generators: poisson2d is the 5-point stencil with x fastest and nnz = 5n - 2(nx + ny)", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    // Named copies, not structured bindings: clang 14 lets no lambda capture one (INFO's included).
    for (const auto& shape : {std::pair{1, 1}, std::pair{1, 7}, std::pair{7, 1}, std::pair{4, 3}, std::pair{12, 10}}) {
        const int nx = shape.first, ny = shape.second;
        INFO(nx << "x" << ny);
        const auto A = gen::poisson2d<T, I>(nx, ny);
        A.validate();
        const std::int64_t n = nx * ny;
        CHECK(A.rows() == n);
        CHECK(A.cols() == n);
        CHECK(A.nnz() == 5 * n - 2 * (nx + ny));
        CHECK(A == reference_laplacian<T, I>(nx, ny, 1, T(4)));
        CHECK(A == transpose(A));
    }
}

TEST_CASE_TEMPLATE("generators: poisson3d is the 7-point stencil with nnz = 7n - 2(nx ny + ny nz + nx nz)", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& shape : {std::array{1, 1, 1}, std::array{6, 5, 4}, std::array{3, 1, 2}, std::array{1, 1, 9},
                              std::array{2, 3, 4}, std::array{5, 5, 1}}) {
        const int nx = shape[0], ny = shape[1], nz = shape[2];
        INFO(nx << "x" << ny << "x" << nz);
        const auto A = gen::poisson3d<T, I>(nx, ny, nz);
        A.validate();
        const std::int64_t n = nx * ny * nz;
        CHECK(A.rows() == n);
        CHECK(A.nnz() == 7 * n - 2 * (nx * ny + ny * nz + nx * nz));
        CHECK(A == reference_laplacian<T, I>(nx, ny, nz, T(6)));
        CHECK(A == transpose(A));
    }
}

TEST_CASE("generators: poisson rows sum to zero inside the grid and the diagonal is 4 or 6") {
    const auto A = gen::poisson3d<double>(4, 4, 4);
    const std::int64_t interior = 1 + 4 * (1 + 4 * 1); // (1, 1, 1)
    CHECK(entry(A, interior, interior) == 6.0);
    double sum = 0;
    for (auto k = A.row_ptr()[interior]; k < A.row_ptr()[interior + 1]; ++k) sum += A.values()[static_cast<std::size_t>(k)];
    CHECK(sum == 0.0);
    CHECK(entry(A, interior, interior + 16) == -1.0); // z neighbour is nx*ny away
    CHECK(entry(gen::poisson2d<double>(3, 3), 4, 4) == 4.0);
}

TEST_CASE("generators: poisson with an empty side is 0x0, negative sides and oversized grids throw") {
    CHECK(gen::poisson2d<double>(0, 5).rows() == 0);
    CHECK(gen::poisson3d<double>(3, 0, 2).nnz() == 0);
    CHECK_THROWS_AS((void)gen::poisson2d<double>(-1, 5), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::poisson3d<double>(2, 2, -3), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::poisson3d<double>(2000, 2000, 2000), overflow_error);              // n > 2^31 - 1
    CHECK_THROWS_AS((void)gen::poisson2d<double>(30000, 30000), overflow_error);                  // n fits, nnz does not
    CHECK_THROWS_AS((void)(gen::poisson3d<double, std::int64_t>(1 << 22, 1 << 22, 1 << 22)), overflow_error); // 2^66
    CHECK(gen::poisson2d<float, std::int64_t>(50000, 1).nnz() == 5 * 50000 - 2 * 50001);
}

// ---------------------------------------------------------------------------------------------- banded, identity

TEST_CASE_TEMPLATE("generators: banded stores exactly the band, clipped to the matrix, with non-zero values", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& widths : {std::array<std::int64_t, 3>{1, 0, 0}, {10, 0, 0}, {10, 2, 3}, {10, 9, 9}, {10, 20, 1}, {80, 3, 5}, {0, 2, 2}}) {
        const std::int64_t n = widths[0], l = widths[1], u = widths[2];
        INFO(n << " " << l << " " << u);
        const auto A = gen::banded<T, I>(n, l, u, 5);
        A.validate();
        CHECK(A.rows() == n);
        CHECK(A.cols() == n);
        std::int64_t band = 0;
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < n; ++j) band += (j - i >= -l && j - i <= u);
        CHECK(A.nnz() == band); // together with the next check: every band position is stored
        for (std::int64_t i = 0; i < n; ++i)
            for (auto k = A.row_ptr()[static_cast<std::size_t>(i)]; k < A.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k) {
                const std::int64_t d = A.col_idx()[static_cast<std::size_t>(k)] - i;
                CHECK((d >= -l && d <= u));
            }
        if (l < n && u < n) CHECK(A.nnz() == n * (l + u + 1) - l * (l + 1) / 2 - u * (u + 1) / 2);
        CHECK(components_in_range<T>(A.values()));
    }
}

TEST_CASE("generators: banded is deterministic in the seed, and the seed changes only the values") {
    const auto A = gen::banded<double>(50, 2, 4, 1);
    CHECK(A == gen::banded<double>(50, 2, 4, 1));
    const auto B = gen::banded<double>(50, 2, 4, 2);
    CHECK(same_pattern(A, B));
    CHECK_FALSE(std::equal(A.values().begin(), A.values().end(), B.values().begin()));
    CHECK_THROWS_AS((void)gen::banded<double>(10, -1, 2, 0), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::banded<double>(-10, 1, 2, 0), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::banded<double>(std::int64_t{1} << 31, 0, 0, 0), overflow_error);
}

TEST_CASE_TEMPLATE("generators: identity stores ones on the diagonal", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    const auto A = gen::identity<T, I>(7);
    A.validate();
    CHECK(A.nnz() == 7);
    for (I i = 0; i < 7; ++i) CHECK(entry(A, i, i) == T(1));
    CHECK(gen::identity<T, I>(0).rows() == 0);
    CHECK_THROWS_AS((void)(gen::identity<T, I>(-1)), invalid_argument_error);
}

// ---------------------------------------------------------------------------------------------- random_sparse

TEST_CASE_TEMPLATE("generators: random_sparse is valid, non-zero, and its pattern depends on the seed only", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    const auto A = gen::random_sparse<T, I>(90, 70, 0.05, 3);
    A.validate();
    CHECK(A.rows() == 90);
    CHECK(A.cols() == 70);
    CHECK(A.nnz() > 0);
    CHECK(components_in_range<T>(A.values()));
    CHECK(A == gen::random_sparse<T, I>(90, 70, 0.05, 3));
    CHECK(same_pattern(A, gen::random_sparse<double, std::int32_t>(90, 70, 0.05, 3)));
    CHECK_FALSE(same_pattern(A, gen::random_sparse<T, I>(90, 70, 0.05, 4)));
}

TEST_CASE("generators: random_sparse output is pinned for a seed (portable: raw mt19937_64 bits, no std distributions)") {
    const auto A = gen::random_sparse<double>(6, 5, 0.3, 7);
    CHECK(std::vector<int>(A.row_ptr().begin(), A.row_ptr().end()) == std::vector<int>{0, 1, 3, 3, 6, 6, 9});
    CHECK(std::vector<int>(A.col_idx().begin(), A.col_idx().end()) == std::vector<int>{0, 2, 4, 0, 3, 4, 2, 3, 4});
    CHECK(A.values()[0] == -1.0857683668243658);
}

TEST_CASE("generators: random_sparse at density 0 is empty and at density 1 is dense") {
    CHECK(gen::random_sparse<double>(30, 20, 0.0, 1).nnz() == 0);
    const auto D = gen::random_sparse<float>(30, 20, 1.0, 1);
    D.validate();
    CHECK(D.nnz() == 600);
    CHECK(max_row_nnz(D) == 20);
    CHECK(gen::random_sparse<double>(0, 20, 0.5, 1).rows() == 0);
    CHECK(gen::random_sparse<double>(20, 0, 0.5, 1).nnz() == 0);
}

TEST_CASE("generators: random_sparse nnz is binomial(rows*cols, density), spread evenly over the matrix") {
    for (const auto& shape : {std::tuple{400, 300, 0.05}, std::tuple{3000, 2000, 1e-4}, std::tuple{100, 100, 0.9},
                              std::tuple{1, 5000, 0.2}, std::tuple{5000, 1, 0.2}}) {
        const int m = std::get<0>(shape), n = std::get<1>(shape);
        const double p = std::get<2>(shape);
        INFO(m << "x" << n << " at " << p);
        const auto A = gen::random_sparse<double>(m, n, p, 99);
        const double cells = double(m) * double(n);
        CHECK(within_binomial(A.nnz(), cells, p));
        std::int64_t top = 0, left = 0;
        for (int i = 0; i < m; ++i)
            for (auto k = A.row_ptr()[static_cast<std::size_t>(i)]; k < A.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k) {
                top += i < m / 2;
                left += A.col_idx()[static_cast<std::size_t>(k)] < n / 2;
            }
        // Given the total, the count in a region of the matrix is binomial in the region's share.
        CHECK(within_binomial(double(top), A.nnz(), double(m / 2) / m));
        CHECK(within_binomial(double(left), A.nnz(), double(n / 2) / n));
    }
}

TEST_CASE("generators: every cell of random_sparse, including the first and last of each row, has the same probability") {
    // Per-cell frequencies over many seeds catch off-by-one errors in skipping across rows.
    constexpr int m = 4, n = 5, seeds = 4000;
    constexpr double p = 0.3;
    std::vector<int> hits(m * n, 0);
    for (int s = 0; s < seeds; ++s) {
        const auto A = gen::random_sparse<float>(m, n, p, static_cast<std::uint64_t>(s));
        for (int i = 0; i < m; ++i)
            for (auto k = A.row_ptr()[static_cast<std::size_t>(i)]; k < A.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k) ++hits[static_cast<std::size_t>(i * n + A.col_idx()[static_cast<std::size_t>(k)])];
    }
    for (int c = 0; c < m * n; ++c) {
        INFO("cell " << c);
        CHECK(within_binomial(hits[static_cast<std::size_t>(c)], seeds, p));
    }
}

TEST_CASE("generators: random_sparse handles gaps beyond 2^62 cells without visiting them") {
    // 1000 x 2^62 cells at density 2^-62: about 1000 entries, most gaps longer than a row.
    const std::int64_t n = std::int64_t{1} << 62;
    const auto A = gen::random_sparse<double, std::int64_t>(1000, n, std::ldexp(1.0, -62), 5);
    A.validate();
    CHECK(within_binomial(double(A.nnz()), 1000.0 * std::ldexp(1.0, 62), std::ldexp(1.0, -62)));
    const auto left = std::count_if(A.col_idx().begin(), A.col_idx().end(), [&](std::int64_t j) { return j < n / 2; });
    CHECK(within_binomial(double(left), double(A.nnz()), 0.5));
    CHECK(gen::random_sparse<double, std::int64_t>(1000, std::numeric_limits<std::int64_t>::max(), 1e-300, 5).nnz() == 0);
}

TEST_CASE("generators: random_sparse rejects bad densities and sizes that do not fit") {
    CHECK_THROWS_AS((void)gen::random_sparse<double>(10, 10, -0.1, 1), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::random_sparse<double>(10, 10, 1.5, 1), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::random_sparse<double>(10, 10, std::nan(""), 1), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::random_sparse<double>(-1, 10, 0.1, 1), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::random_sparse<double>(std::int64_t{1} << 31, 10, 0.1, 1), overflow_error);
    CHECK_THROWS_AS((void)gen::random_sparse<double>(100000, 100000, 0.5, 1), overflow_error); // ~5e9 entries, refused up front
}

// ---------------------------------------------------------------------------------------------- R-MAT

TEST_CASE_TEMPLATE("generators: rmat is 2^scale square, sums duplicate edges, and stores positive weights", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    const auto A = gen::rmat<T, I>(10, 16, 42);
    A.validate();
    CHECK(A.rows() == 1024);
    CHECK(A.cols() == 1024);
    CHECK(A.nnz() < 16 * 1024); // heavy cells are hit repeatedly
    CHECK(A.nnz() > 4 * 1024);
    CHECK(A == gen::rmat<T, I>(10, 16, 42));
    CHECK(same_pattern(A, gen::rmat<double, std::int32_t>(10, 16, 42)));
    CHECK_FALSE(same_pattern(A, gen::rmat<T, I>(10, 16, 43)));
    // Sums of 1..k weights in [0.5, 1.5]: every component positive, a duplicate shows as > 1.5.
    const auto sum_positive = std::all_of(A.values().begin(), A.values().end(), [](const T& v) {
        if constexpr (is_complex_v<T>) return v.real() >= real_t<T>(0.5) && v.imag() >= real_t<T>(0.5);
        else return v >= T(0.5);
    });
    CHECK(sum_positive);
    CHECK(std::any_of(A.values().begin(), A.values().end(), [](const T& v) { return std::real(v) > real_t<T>(1.5); }));
}

TEST_CASE("generators: rmat with Graph500 parameters has a heavy-tailed degree distribution, and uniform R-MAT does not") {
    const auto skewed = gen::rmat<double>(12, 16, 7);
    const double mean = double(skewed.nnz()) / double(skewed.rows());
    CHECK(double(max_row_nnz(skewed)) > 10 * mean);
    const auto uniform = gen::rmat<double>(12, 16, 7, 0.25, 0.25, 0.25);
    const double umean = double(uniform.nnz()) / double(uniform.rows());
    CHECK(double(max_row_nnz(uniform)) < 3 * umean);
}

TEST_CASE("generators: rmat quadrant probabilities: a, b, c and d = 1 - a - b - c each steer every edge") {
    const std::int64_t n = 64;
    const auto A = gen::rmat<double>(6, 4, 1, 1.0, 0.0, 0.0);
    CHECK(A.nnz() == 1);
    CHECK(entry(A, 0, 0).has_value());
    CHECK(entry(gen::rmat<double>(6, 4, 1, 0.0, 1.0, 0.0), 0, n - 1).has_value());
    CHECK(entry(gen::rmat<double>(6, 4, 1, 0.0, 0.0, 1.0), n - 1, 0).has_value());
    CHECK(entry(gen::rmat<double>(6, 4, 1, 0.0, 0.0, 0.0), n - 1, n - 1).has_value());
    // All 4 * 64 edges land on (0, 0) and are summed: 256 weights in [0.5, 1.5).
    CHECK(*entry(A, 0, 0) >= 128.0);
    CHECK(*entry(A, 0, 0) < 384.0);
}

TEST_CASE_TEMPLATE("generators: rmat of scale 0 is 1x1 holding the sum of edge_factor weights", T, float, std::complex<double>) {
    const auto A = gen::rmat<T>(0, 5, 3);
    CHECK(A.rows() == 1);
    CHECK(A.nnz() == 1);
    CHECK(std::real(A.values()[0]) >= real_t<T>(2.5));
    CHECK(std::real(A.values()[0]) <= real_t<T>(7.5));
    if constexpr (is_complex_v<T>) CHECK(std::imag(A.values()[0]) >= real_t<T>(2.5));
    CHECK(gen::rmat<T>(3, 0, 3).nnz() == 0);
}

TEST_CASE("generators: rmat rejects bad parameters and sizes that do not fit") {
    CHECK_THROWS_AS((void)gen::rmat<double>(-1, 16, 1), invalid_argument_error);
    CHECK_THROWS_AS((void)(gen::rmat<double, std::int64_t>(63, 1, 1)), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::rmat<double>(31, 1, 1), overflow_error);      // 2^31 rows with int32
    CHECK_THROWS_AS((void)gen::rmat<double>(20, 4096, 1), overflow_error);   // 2^32 edges with int32
    CHECK_THROWS_AS((void)gen::rmat<double>(4, -1, 1), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::rmat<double>(4, 4, 1, 0.6, 0.3, 0.2), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::rmat<double>(4, 4, 1, -0.1, 0.3, 0.2), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::rmat<double>(4, 4, 1, std::nan(""), 0.3, 0.2), invalid_argument_error);
    CHECK(gen::rmat<float, std::int64_t>(12, 2, 1).rows() == 4096);
}

// ---------------------------------------------------------------------------------------------- dense row, arrowhead

TEST_CASE_TEMPLATE("generators: dense_row is the diagonal plus one full row: nnz = 2n - 1", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& shape : {std::pair{1, 0}, std::pair{64, 17}, std::pair{33, 32}, std::pair{10, 0}}) {
        const int n = shape.first, r = shape.second;
        INFO(n << " row " << r);
        const auto A = gen::dense_row<T, I>(n, r, 9);
        A.validate();
        CHECK(A.nnz() == 2 * n - 1);
        CHECK(A.row_nnz(static_cast<I>(r)) == n);
        for (int i = 0; i < n; ++i) {
            CHECK(entry(A, i, i).has_value());
            if (i != r) CHECK(A.row_nnz(static_cast<I>(i)) == 1);
        }
        CHECK(components_in_range<T>(A.values()));
    }
    CHECK_THROWS_AS((void)(gen::dense_row<T, I>(10, 10, 1)), invalid_argument_error);
    CHECK_THROWS_AS((void)(gen::dense_row<T, I>(10, -1, 1)), invalid_argument_error);
    CHECK_THROWS_AS((void)(gen::dense_row<T, I>(0, 0, 1)), invalid_argument_error);
}

TEST_CASE_TEMPLATE("generators: arrowhead adds the full column: nnz = 3n - 2, symmetric pattern", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& shape : {std::pair{1, 0}, std::pair{50, 0}, std::pair{50, 49}, std::pair{21, 7}}) {
        const int n = shape.first, k = shape.second;
        INFO(n << " arrow at " << k);
        const auto A = gen::arrowhead<T, I>(n, k, 9);
        A.validate();
        CHECK(A.nnz() == 3 * n - 2);
        CHECK(A.row_nnz(static_cast<I>(k)) == n);
        CHECK(std::count(A.col_idx().begin(), A.col_idx().end(), static_cast<I>(k)) == n);
        CHECK(structurally_symmetric(A));
        for (int i = 0; i < n; ++i) CHECK(entry(A, i, i).has_value());
        CHECK(components_in_range<T>(A.values()));
    }
    CHECK(gen::arrowhead<T, I>(30, 4, 1) == gen::arrowhead<T, I>(30, 4, 1));
    CHECK_THROWS_AS((void)(gen::arrowhead<T, I>(5, 5, 1)), invalid_argument_error);
}

// ---------------------------------------------------------------------------------------------- empty rows and columns

TEST_CASE_TEMPLATE("generators: with_empty_rows_and_cols empties exactly floor(fraction * count) rows and columns", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    const auto A = gen::random_sparse<T, I>(20, 30, 1.0, 1); // dense: no row or column empty by chance
    const auto B = gen::with_empty_rows_and_cols(A, 0.33, 0.2, 2);
    B.validate();
    int empty_rows = 0;
    for (I i = 0; i < 20; ++i) empty_rows += B.row_nnz(i) == 0;
    std::vector<int> per_col(30, 0);
    for (const I j : B.col_idx()) ++per_col[static_cast<std::size_t>(j)];
    CHECK(empty_rows == 6);
    CHECK(std::count(per_col.begin(), per_col.end(), 0) == 6);
    // What survives is untouched: B is A restricted to the kept rows and columns.
    CHECK(B.nnz() == (20 - 6) * (30 - 6));
    for (I i = 0; i < 20; ++i)
        for (auto k = B.row_ptr()[static_cast<std::size_t>(i)]; k < B.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k)
            CHECK(entry(A, i, B.col_idx()[static_cast<std::size_t>(k)]) == B.values()[static_cast<std::size_t>(k)]);
    CHECK(B == gen::with_empty_rows_and_cols(A, 0.33, 0.2, 2));
    CHECK_FALSE(same_pattern(B, gen::with_empty_rows_and_cols(A, 0.33, 0.2, 3)));
    CHECK(gen::with_empty_rows_and_cols(A, 1.0, 0.0, 2).nnz() == 0);
    CHECK(gen::with_empty_rows_and_cols(A, 0.0, 0.0, 2) == A);
}

TEST_CASE("generators: with_empty_rows_and_cols empties exactly the listed rows and columns") {
    const auto A = gen::poisson2d<double>(4, 4);
    const std::vector<std::int32_t> rows{0, 15, 15}, cols{5};
    const auto B = gen::with_empty_rows_and_cols(A, rows, cols);
    B.validate();
    CHECK(B.row_nnz(0) == 0);
    CHECK(B.row_nnz(15) == 0);
    CHECK(std::count(B.col_idx().begin(), B.col_idx().end(), 5) == 0);
    // Rows 0 and 15 hold 3 entries each; column 5 holds 5, none of them in rows 0 or 15.
    CHECK(B.nnz() == A.nnz() - 3 - 3 - 5);
    CHECK(B.row_nnz(1) == A.row_nnz(1) - 1); // (1, 5) removed
    const std::vector<std::int32_t> bad{16}, none{};
    CHECK_THROWS_AS((void)gen::with_empty_rows_and_cols(A, bad, none), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::with_empty_rows_and_cols(A, none, bad), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::with_empty_rows_and_cols(A, 1.5, 0.0, 1), invalid_argument_error);
    CHECK_THROWS_AS((void)gen::with_empty_rows_and_cols(A, 0.0, -0.5, 1), invalid_argument_error);
}

// ---------------------------------------------------------------------------------------------- the shared sweep

TEST_CASE_TEMPLATE("test support: generated_cases are valid, distinctly named, and stay small", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    const auto cases = testing::generated_cases<T, I>();
    std::size_t total = 0;
    std::vector<std::string> names;
    bool has_empty_row = false, has_rectangular = false;
    for (const auto& c : cases) {
        INFO(c.name);
        c.A.validate();
        names.push_back(c.name);
        total += static_cast<std::size_t>(c.A.nnz());
        for (I i = 0; i < c.A.rows(); ++i) has_empty_row |= c.A.row_nnz(i) == 0;
        has_rectangular |= c.A.rows() != c.A.cols();
        if (c.name.rfind("random 3000x2000", 0) == 0) CHECK(c.A.nnz() > 0);
    }
    std::sort(names.begin(), names.end());
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    CHECK(has_empty_row);
    CHECK(has_rectangular);
    CHECK(total < 100000);
}

TEST_CASE("test support (beside generated_cases): relative_error is the max-norm error relative to the reference, and NaN never passes") {
    const std::vector<double> ref{1.0, -4.0, 2.0}, x{1.0, -4.0, 2.5};
    CHECK(testing::relative_error(x, ref) == doctest::Approx(0.125));
    CHECK(testing::relative_error(ref, ref) == 0.0);
    const std::vector<double> zero(3, 0.0), small{0.0, 1e-3, 0.0};
    CHECK(testing::relative_error(small, zero) == doctest::Approx(1e-3)); // absolute when ref = 0
    const std::vector<double> nan{1.0, std::nan(""), 2.0};
    CHECK_FALSE(testing::relative_error(nan, ref) <= 1.0);
    const std::vector<std::complex<float>> zr{{0, 2}}, zx{{0, 2.5f}};
    CHECK(testing::relative_error(zx, zr) == doctest::Approx(0.25));
    CHECK_THROWS_AS((void)testing::relative_error(x, std::vector<double>{1.0}), dimension_error);
    CHECK(testing::tolerance<float>(10) > testing::tolerance<double>(10));
    CHECK(testing::tolerance<std::complex<double>>(100) == 100 * testing::tolerance<double>(1));
}

#ifndef _WIN32 // setenv/unsetenv are POSIX
TEST_CASE("test support (beside generated_cases): shared_matrices_dir prefers $WAFERBLAS_MATRICES, then the build default") {
    const char* saved = std::getenv("WAFERBLAS_MATRICES");
    const std::string restore = saved ? saved : "";
    ::setenv("WAFERBLAS_MATRICES", "/no/such/dir", 1);
    CHECK(testing::shared_matrices_dir() == std::filesystem::path("/no/such/dir")); // trusted, so a typo fails loudly later
    ::setenv("WAFERBLAS_MATRICES", "", 1);                                            // empty counts as unset
    const auto fallback = testing::shared_matrices_dir();
    ::unsetenv("WAFERBLAS_MATRICES");
    CHECK(testing::shared_matrices_dir() == fallback);
#ifdef WAFERBLAS_SHARED_MATRICES_DEFAULT
    CHECK(fallback.has_value() == std::filesystem::is_directory(WAFERBLAS_SHARED_MATRICES_DEFAULT));
    if (fallback) CHECK(*fallback == std::filesystem::path(WAFERBLAS_SHARED_MATRICES_DEFAULT));
#else
    CHECK_FALSE(fallback.has_value());
#endif
    if (saved) ::setenv("WAFERBLAS_MATRICES", restore.c_str(), 1);
}
#endif
