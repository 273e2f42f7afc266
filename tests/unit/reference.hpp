// Test support: Eigen as the independent reference for products, and an error bound that is
// rigorous for floating-point sums: |y - y_ref| <= c * eps * (terms + 2) * (|alpha| |op(A)| |x| + |beta| |y0|).
#pragma once

#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <waferblas/eigen.hpp>
#include <waferblas/waferblas.hpp>

namespace waferblas::testing {

/// Index of the first entry where a and b differ in any bit, or -1 (0 when the sizes differ).
template <class T, class Alloc>
std::ptrdiff_t first_difference(const std::vector<T, Alloc>& a, const std::vector<T, Alloc>& b) {
    if (a.size() != b.size()) return 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

template <class T>
T random_value(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    if constexpr (is_complex_v<T>) return T(static_cast<real_t<T>>(d(rng)), static_cast<real_t<T>>(d(rng)));
    else return static_cast<T>(d(rng));
}

/// re + i im for complex T, re for real T.
template <class T>
T make_scalar(double re, double im) {
    if constexpr (is_complex_v<T>) return T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(im));
    else return static_cast<T>(re + 0 * im);
}

template <class T>
std::vector<T> random_vector(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<T> v(n);
    for (auto& e : v) e = random_value<T>(rng);
    return v;
}

/// Columns 0, k/2 and k-1 of the sequential k-column product A B (row-major B of random values from
/// `seed`) must be bitwise the same column computed alone: the kernels add a column's terms in the
/// same order whatever their panel widths, tiling of long rows or grouping of rows.
template <class T, class I>
void check_columns_alone(const csr_matrix<T, I>& A, std::size_t k, std::uint64_t seed) {
    const auto m = static_cast<std::size_t>(A.rows()), n = static_cast<std::size_t>(A.cols());
    const auto b = random_vector<T>(n * k, seed);
    std::vector<T> c(m * k);
    spmm(backend::sequential{}, op::none, T(1), A, matrix_view<const T>(b.data(), n, k), T(0), matrix_view<T>(c.data(), m, k));
    for (const std::size_t j : {std::size_t{0}, k / 2, k - 1}) {
        std::vector<T> bj(n), cj(m), col(m);
        for (std::size_t i = 0; i < n; ++i) bj[i] = b[i * k + j];
        spmm(backend::sequential{}, op::none, T(1), A, matrix_view<const T>(bj.data(), n, 1), T(0), matrix_view<T>(cj.data(), m, 1));
        for (std::size_t i = 0; i < m; ++i) col[i] = c[i * k + j];
        INFO("column " << j << " of " << k);
        CHECK(first_difference(col, cj) == -1);
    }
}

/// A FEM-like matrix: every row and column of `nodes` becomes `dofs` consecutive ones and every
/// nonzero a dense dofs x dofs block (a mesh node's degrees of freedom), so runs of `dofs` rows
/// have the same columns; random values.
template <class T, class I>
csr_matrix<T, I> node_blocked(const csr_matrix<T, I>& nodes, std::size_t dofs, std::uint64_t seed) {
    const auto ptr = nodes.row_ptr();
    const auto idx = nodes.col_idx();
    std::vector<I> row_ptr{0}, col_idx;
    for (std::size_t node = 0; node < static_cast<std::size_t>(nodes.rows()); ++node)
        for (std::size_t d = 0; d < dofs; ++d) {
            for (auto k = static_cast<std::size_t>(ptr[node]); k < static_cast<std::size_t>(ptr[node + 1]); ++k)
                for (std::size_t e = 0; e < dofs; ++e) col_idx.push_back(static_cast<I>(static_cast<std::size_t>(idx[k]) * dofs + e));
            row_ptr.push_back(static_cast<I>(col_idx.size()));
        }
    auto values = random_vector<T>(col_idx.size(), seed);
    return csr_matrix<T, I>(static_cast<I>(static_cast<std::size_t>(nodes.rows()) * dofs),
                            static_cast<I>(static_cast<std::size_t>(nodes.cols()) * dofs), std::move(row_ptr), std::move(col_idx),
                            std::move(values));
}

template <class T>
using dense_matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using dense_vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// op(A) as an Eigen row-major sparse matrix.
template <class T, class I>
Eigen::SparseMatrix<T, Eigen::RowMajor, I> eigen_op(const csr_matrix<T, I>& A, op o) {
    Eigen::SparseMatrix<T, Eigen::RowMajor, I> E = to_eigen(A);
    if (o == op::transpose) return E.transpose();
    if (o == op::conj_transpose) return E.adjoint();
    return E;
}

/// Largest admissible |result - reference| per entry: c * eps * (longest sum + 2) * magnitude.
template <class T>
real_t<T> error_bound(std::size_t terms, real_t<T> magnitude) {
    return 8 * std::numeric_limits<real_t<T>>::epsilon() * static_cast<real_t<T>>(terms + 2) * magnitude +
           std::numeric_limits<real_t<T>>::min();
}

/// Checks op-product results entrywise against the reference and the magnitude bound; returns the
/// first violating index or -1.
template <class T>
std::ptrdiff_t first_violation(const dense_matrix<T>& got, const dense_matrix<T>& want, const Eigen::Matrix<real_t<T>, Eigen::Dynamic, Eigen::Dynamic>& magnitude,
                               std::size_t terms) {
    if (got.rows() != want.rows() || got.cols() != want.cols() || magnitude.rows() != want.rows() || magnitude.cols() != want.cols())
        return 0; // a result of the wrong shape is wrong from its first entry
    // Raw column-major storage, not got(i, j): the sanitizer builds run at -O0, where each Eigen
    // accessor is a chain of calls and dominated the SpMM tests' time.
    const T* g = got.data();
    const T* w = want.data();
    const real_t<T>* bound = magnitude.data();
    const auto size = got.size();
    for (Eigen::Index e = 0; e < size; ++e)
        if (!(std::abs(g[e] - w[e]) <= error_bound<T>(terms, bound[e]))) return e;
    return -1;
}

/// Reference y = alpha op(A) x + beta y0 and the magnitude |alpha||op(A)||x| + |beta||y0|.
template <class T, class I>
struct spmv_reference {
    dense_matrix<T> y;
    Eigen::Matrix<real_t<T>, Eigen::Dynamic, Eigen::Dynamic> magnitude;
    std::size_t terms;

    spmv_reference(const csr_matrix<T, I>& A, op o, T alpha, const std::vector<T>& x, T beta, const std::vector<T>& y0) {
        const auto E = eigen_op(A, o);
        const Eigen::Map<const dense_vector<T>> xe(x.data(), static_cast<Eigen::Index>(x.size()));
        const Eigen::Map<const dense_vector<T>> ye(y0.data(), static_cast<Eigen::Index>(y0.size()));
        y = alpha * (E * xe) + beta * ye;
        magnitude = std::abs(alpha) * (E.cwiseAbs() * xe.cwiseAbs()) + std::abs(beta) * ye.cwiseAbs();
        terms = 0;
        for (Eigen::Index i = 0; i < E.outerSize(); ++i)
            terms = std::max(terms, static_cast<std::size_t>(E.outerIndexPtr()[i + 1] - E.outerIndexPtr()[i]));
    }

    void check(const std::vector<T>& got, const std::string& what) const {
        REQUIRE(static_cast<Eigen::Index>(got.size()) == y.rows());
        const dense_matrix<T> g = Eigen::Map<const dense_vector<T>>(got.data(), static_cast<Eigen::Index>(got.size()));
        const auto bad = first_violation<T>(g, y, magnitude, terms);
        INFO(what << ": first wrong entry " << bad);
        CHECK(bad == -1);
    }
};

} // namespace waferblas::testing
