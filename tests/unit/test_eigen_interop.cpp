// Eigen interop: sparse round trips in both storage orders and from uncompressed matrices, explicit
// zeros kept, invalid Eigen structure rejected, and dense maps that view (not copy) WaferBLAS data.
#include <doctest/doctest.h>

#include <complex>
#include <cstdint>
#include <utility>
#include <vector>

#include <waferblas/eigen.hpp>
#include <waferblas/generators.hpp>

#include "test_matrices.hpp"

using namespace waferblas;

#define ALL_TI                                                                                                         \
    std::pair<float, std::int32_t>, std::pair<double, std::int32_t>, std::pair<std::complex<float>, std::int32_t>,     \
        std::pair<std::complex<double>, std::int32_t>, std::pair<float, std::int64_t>,                                 \
        std::pair<double, std::int64_t>, std::pair<std::complex<float>, std::int64_t>,                                 \
        std::pair<std::complex<double>, std::int64_t>

namespace {

/// Every stored entry of A appears in E at the same position with the same value, and nothing else.
template <class T, class I, int Options>
bool same_entries(const csr_matrix<T, I>& A, const Eigen::SparseMatrix<T, Options, I>& E) {
    if (E.rows() != A.rows() || E.cols() != A.cols() || E.nonZeros() != A.nnz()) return false;
    for (I i = 0; i < A.rows(); ++i)
        for (auto k = A.row_ptr()[static_cast<std::size_t>(i)]; k < A.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k)
            if (E.coeff(i, A.col_idx()[static_cast<std::size_t>(k)]) != A.values()[static_cast<std::size_t>(k)]) return false;
    return true;
}

/// y = A x straight from the CSR arrays.
template <class T, class I>
std::vector<T> csr_times(const csr_matrix<T, I>& A, const std::vector<T>& x) {
    std::vector<T> y(static_cast<std::size_t>(A.rows()), T(0));
    for (std::size_t i = 0; i < y.size(); ++i)
        for (auto k = A.row_ptr()[i]; k < A.row_ptr()[i + 1]; ++k)
            y[i] += A.values()[static_cast<std::size_t>(k)] * x[static_cast<std::size_t>(A.col_idx()[static_cast<std::size_t>(k)])];
    return y;
}

} // namespace

TEST_CASE_TEMPLATE("eigen: to_eigen and from_eigen round-trip every generated matrix in both storage orders", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& c : testing::generated_cases<T, I>()) {
        INFO(c.name);
        const Eigen::SparseMatrix<T, Eigen::RowMajor, I> E = to_eigen(c.A);
        CHECK(E.isCompressed());
        CHECK(same_entries(c.A, E));
        CHECK(from_eigen(E) == c.A);
        const Eigen::SparseMatrix<T, Eigen::ColMajor, I> F = E; // Eigen transposes the storage
        CHECK(from_eigen(F) == c.A);
        const Eigen::SparseMatrix<T, Eigen::ColMajor, I> G = to_eigen(to_csc(c.A));
        CHECK(from_eigen(G) == c.A);
    }
}

TEST_CASE_TEMPLATE("eigen: to_eigen computes the same product as the CSR arrays", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    const auto A = generators::random_sparse<T, I>(37, 23, 0.2, 4);
    std::vector<T> x(23);
    for (std::size_t j = 0; j < x.size(); ++j) x[j] = T(static_cast<real_t<T>>(j % 7) - 3);
    const Eigen::Matrix<T, Eigen::Dynamic, 1> y = to_eigen(A) * as_eigen_map(x);
    const auto want = csr_times(A, x);
    CHECK(testing::relative_error(std::vector<T>(y.data(), y.data() + y.size()), want) <= testing::tolerance<T>(23));
}

TEST_CASE_TEMPLATE("eigen: from_eigen reads uncompressed matrices and keeps explicit zeros", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    // [5 0 7; 0 0 0; 0 (0) 9] with an explicit zero at (2, 1), inserted out of order.
    auto fill = [](auto& M) {
        M.reserve(Eigen::VectorXi::Constant(3, 3)); // room left in every outer vector: uncompressed
        M.insert(2, 2) = T(9);
        M.insert(0, 2) = T(7);
        M.insert(2, 1) = T(0);
        M.insert(0, 0) = T(5);
    };
    const csr_matrix<T, I> want(3, 3, {0, 2, 2, 4}, {0, 2, 1, 2}, {T(5), T(7), T(0), T(9)});
    Eigen::SparseMatrix<T, Eigen::RowMajor, I> R(3, 3);
    fill(R);
    REQUIRE_FALSE(R.isCompressed());
    CHECK(from_eigen(R) == want);
    Eigen::SparseMatrix<T, Eigen::ColMajor, I> C(3, 3);
    fill(C);
    REQUIRE_FALSE(C.isCompressed());
    CHECK(from_eigen(C) == want);
    C.makeCompressed();
    CHECK(from_eigen(C) == want);
    CHECK(to_eigen(want).nonZeros() == 4); // the explicit zero survives the way back too
}

TEST_CASE_TEMPLATE("eigen: empty and degenerate shapes convert both ways", TI, ALL_TI) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    // Named copies, not structured bindings: clang 14 lets no lambda capture one (INFO's included).
    for (const auto& shape : {std::pair{0, 0}, std::pair{0, 5}, std::pair{5, 0}, std::pair{3, 4}}) {
        const int m = shape.first, n = shape.second;
        INFO(m << "x" << n);
        const csr_matrix<T, I> A(static_cast<I>(m), static_cast<I>(n));
        const auto E = to_eigen(A);
        CHECK(E.rows() == m);
        CHECK(E.cols() == n);
        CHECK(E.nonZeros() == 0);
        CHECK(from_eigen(E) == A);
        CHECK(from_eigen(Eigen::SparseMatrix<T, Eigen::ColMajor, I>(m, n)) == A);
    }
    CHECK(from_eigen(to_eigen(csr_matrix<T, I>())) == csr_matrix<T, I>());
}

TEST_CASE("eigen: from_eigen rejects inner indices that Eigen stores unsorted") {
    Eigen::SparseMatrix<double, Eigen::RowMajor> E(2, 3);
    E.insert(0, 0) = 1.0;
    E.insert(0, 2) = 2.0;
    E.makeCompressed();
    std::swap(E.innerIndexPtr()[0], E.innerIndexPtr()[1]); // row 0 now lists column 2 before 0
    CHECK_THROWS_AS((void)from_eigen(E), invalid_matrix_error);
}

TEST_CASE_TEMPLATE("eigen: as_eigen_map views a vector in place, strided or not, const or not", T, float, std::complex<double>) {
    std::vector<T> v{T(1), T(2), T(3), T(4), T(5), T(6)};
    auto all = as_eigen_map(v);
    CHECK(all.size() == 6);
    all[1] = T(20);
    CHECK(v[1] == T(20)); // a view: writes reach v
    const vector_view<T> odd(v.data() + 1, 3, 2);
    auto m = as_eigen_map(odd);
    CHECK(m.size() == 3);
    CHECK(m[2] == T(6));
    m *= T(2);
    CHECK(v == std::vector<T>{T(1), T(40), T(3), T(8), T(5), T(12)});
    const std::vector<T>& cv = v;
    const auto c = as_eigen_map(cv);
    static_assert(!std::is_lvalue_reference_v<decltype(c.coeffRef(0))> ||
                  std::is_const_v<std::remove_reference_t<decltype(c.coeffRef(0))>>);
    CHECK(c.sum() == T(1 + 40 + 3 + 8 + 5 + 12));
    CHECK(as_eigen_map(vector_view<T>()).size() == 0);
    CHECK(as_eigen_map(vector_view<T>(v.data() + 5, 1, -1))[0] == T(12)); // stride is moot for 1 element
    CHECK_THROWS_AS((void)as_eigen_map(vector_view<T>(v.data() + 5, 3, -2)), invalid_argument_error);
    CHECK_THROWS_AS((void)as_eigen_map(vector_view<const T>(v.data(), 3, 0)), invalid_argument_error);
}

TEST_CASE("eigen: as_eigen_map views row- and column-major matrices with padding") {
    // 2x3 matrix [1 2 3; 4 5 6] stored with leading dimension 4 (padding holds -1).
    std::vector<double> rm{1, 2, 3, -1, 4, 5, 6, -1};
    std::vector<double> cm{1, 4, -1, -1, 2, 5, -1, -1, 3, 6, -1, -1};
    Eigen::MatrixXd want(2, 3);
    want << 1, 2, 3, 4, 5, 6;
    const auto R = as_eigen_map(matrix_view<double>(rm.data(), 2, 3, layout::row_major, 4));
    const auto C = as_eigen_map(matrix_view<const double>(cm.data(), 2, 3, layout::col_major, 4));
    CHECK(R == want);
    CHECK(C == want);
    as_eigen_map(matrix_view<double>(rm.data(), 2, 3, layout::row_major, 4))(1, 2) = 60;
    CHECK(rm[6] == 60);
    CHECK(rm[3] == -1); // padding untouched
    CHECK(as_eigen_map(matrix_view<double>()).size() == 0);
}
