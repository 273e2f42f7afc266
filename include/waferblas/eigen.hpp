// waferblas/eigen.hpp — Eigen interop: sparse matrices by copy, dense vectors and matrices by view.
// Link waferblas::eigen (it brings Eigen3::Eigen).
//
//   #include <waferblas/eigen.hpp>
//
//   Eigen::SparseMatrix<double, Eigen::RowMajor> E = waferblas::to_eigen(A);   // A: csr_matrix<double>
//   waferblas::csr_matrix<double> B = waferblas::from_eigen(E);               // any storage order
//   std::vector<double> x(A.cols(), 1.0);
//   Eigen::VectorXd y = E * waferblas::as_eigen_map(x);                       // no copy of x
//
// from_eigen accepts row- or column-major and compressed or uncompressed matrices, keeps every
// stored entry (explicit zeros included) and validates the result: inner indices that are
// unsorted or repeated within an outer vector throw invalid_matrix_error. Eigen has no negative
// or zero strides, so as_eigen_map rejects such views with invalid_argument_error.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <cstddef>
#include <type_traits>
#include <vector>

#include "core/matrix_view.hpp"
#include "core/vector_view.hpp"
#include "sparse/convert.hpp"

namespace waferblas {

/// A copy of A as an Eigen row-major sparse matrix with the same index type.
template <scalar T, index I>
[[nodiscard]] Eigen::SparseMatrix<T, Eigen::RowMajor, I> to_eigen(const csr_matrix<T, I>& a) {
    const Eigen::Map<const Eigen::SparseMatrix<T, Eigen::RowMajor, I>> m(a.rows(), a.cols(), a.nnz(), a.row_ptr().data(),
                                                                         a.col_idx().data(), a.values().data());
    return Eigen::SparseMatrix<T, Eigen::RowMajor, I>(m);
}

/// A copy of A as an Eigen column-major sparse matrix (CSC is Eigen's default layout).
template <scalar T, index I>
[[nodiscard]] Eigen::SparseMatrix<T, Eigen::ColMajor, I> to_eigen(const csc_matrix<T, I>& a) {
    const Eigen::Map<const Eigen::SparseMatrix<T, Eigen::ColMajor, I>> m(a.rows(), a.cols(), a.nnz(), a.col_ptr().data(),
                                                                         a.row_idx().data(), a.values().data());
    return Eigen::SparseMatrix<T, Eigen::ColMajor, I>(m);
}

/// A copy of an Eigen sparse matrix as CSR; every stored entry is kept, explicit zeros included.
template <scalar T, int Options, index I>
[[nodiscard]] csr_matrix<T, I> from_eigen(const Eigen::SparseMatrix<T, Options, I>& m) {
    using sparse = Eigen::SparseMatrix<T, Options, I>;
    const I rows = checked_index<I>(m.rows(), "from_eigen: rows");
    const I cols = checked_index<I>(m.cols(), "from_eigen: cols");
    // InnerIterator visits exactly the stored entries, also in uncompressed mode (where each outer
    // vector has free room after its entries), so no compressed copy is needed.
    std::vector<I> ptr(static_cast<std::size_t>(m.outerSize()) + 1, I{0}), idx;
    std::vector<T> val;
    idx.reserve(static_cast<std::size_t>(m.nonZeros()));
    val.reserve(static_cast<std::size_t>(m.nonZeros()));
    for (Eigen::Index k = 0; k < m.outerSize(); ++k) {
        for (typename sparse::InnerIterator it(m, k); it; ++it) {
            idx.push_back(it.index());
            val.push_back(it.value());
        }
        ptr[static_cast<std::size_t>(k) + 1] = checked_index<I>(idx.size(), "from_eigen: stored entries");
    }
    if constexpr (sparse::IsRowMajor)
        return csr_matrix<T, I>(rows, cols, std::move(ptr), std::move(idx), std::move(val));
    else // validated as CSC, then a counting-sort transpose of the storage
        return to_csr(csc_matrix<T, I>(rows, cols, std::move(ptr), std::move(idx), std::move(val)));
}

namespace detail {
template <class T>
using eigen_vector = std::conditional_t<std::is_const_v<T>, const Eigen::Matrix<std::remove_const_t<T>, Eigen::Dynamic, 1>,
                                        Eigen::Matrix<std::remove_const_t<T>, Eigen::Dynamic, 1>>;
template <class T>
using eigen_matrix = std::conditional_t<std::is_const_v<T>, const Eigen::Matrix<std::remove_const_t<T>, Eigen::Dynamic, Eigen::Dynamic>,
                                        Eigen::Matrix<std::remove_const_t<T>, Eigen::Dynamic, Eigen::Dynamic>>;
} // namespace detail

/// An Eigen column vector viewing v's elements in place (const if v is); v's stride must be
/// positive (any stride is fine for fewer than 2 elements).
template <vector_like V>
    requires scalar<vector_value_t<V>>
[[nodiscard]] auto as_eigen_map(V&& v) {
    const auto view = as_vector_view(std::forward<V>(v));
    using T = typename decltype(view)::element_type;
    const std::ptrdiff_t stride = view.size() < 2 ? 1 : view.stride();
    if (stride <= 0)
        throw invalid_argument_error("as_eigen_map: stride " + std::to_string(stride) + " (Eigen maps need a positive stride)");
    return Eigen::Map<detail::eigen_vector<T>, Eigen::Unaligned, Eigen::InnerStride<>>(
        view.data(), static_cast<Eigen::Index>(view.size()), Eigen::InnerStride<>(stride));
}

/// An Eigen matrix viewing m in place, whatever its layout and leading dimension. The strides are
/// run-time values, so Eigen does not vectorise through this map: copy it for heavy dense work.
template <class T>
    requires scalar<std::remove_const_t<T>>
[[nodiscard]] auto as_eigen_map(matrix_view<T> m) {
    // Eigen's matrix is column-major: (i, j) at i * inner + j * outer.
    const auto ld = static_cast<Eigen::Index>(m.ld());
    const Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic> s = m.row_major() ? Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, ld)
                                                                          : Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(ld, 1);
    return Eigen::Map<detail::eigen_matrix<T>, Eigen::Unaligned, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>(
        m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()), s);
}

} // namespace waferblas
