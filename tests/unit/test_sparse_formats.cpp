// Sparse formats: construction, validation messages, triplet assembly, conversions, transposes.
#include <doctest/doctest.h>

#include <complex>
#include <cstdint>
#include <string>

#include <waferblas/waferblas.hpp>

using namespace waferblas;

namespace {
std::string message_of(auto&& f) {
    try {
        f();
    } catch (const error& e) {
        return e.what();
    }
    return "(no exception)";
}
} // namespace

TEST_CASE_TEMPLATE("csr_matrix stores rows, cols and nnz of the given arrays", T, float, double, std::complex<float>,
                   std::complex<double>) {
    csr_matrix<T> A(2, 3, {0, 2, 3}, {0, 2, 2}, {T(1), T(2), T(3)});
    CHECK(A.rows() == 2);
    CHECK(A.cols() == 3);
    CHECK(A.nnz() == 3);
    CHECK(A.row_nnz(0) == 2);
    csr_matrix<T, std::int64_t> empty(0, 0);
    CHECK(empty.nnz() == 0);
    CHECK(empty.row_ptr().size() == 1);
}

TEST_CASE("csr_matrix validation names the first offending entry") {
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 2, 3}, {0, 3, 1}, {1, 2, 3}); }).find("row 0: column index 3 at position 1 is out of range [0, 3)") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 2, 3}, {2, 0, 1}, {1, 2, 3}); }).find("row 0: column indices unsorted (2 then 0) at position 1") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 2, 3}, {1, 1, 1}, {1, 2, 3}); }).find("row 0: duplicate column index 1 at position 1") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 2}, {1, 2}, {1, 2}); }).find("row pointer has 2 entries, expected 3") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(2, 3, {1, 2, 3}, {0, 1, 2}, {1, 2, 3}); }).find("row pointer[0] = 1, expected 0") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(3, 3, {0, 2, 1, 3}, {0, 1, 2}, {1, 2, 3}); }).find("row pointer decreases at row 1 (2 > 1)") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 1, 2}, {0, 1}, {1, 2, 3}); }).find("2 indices but 3 values") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 1, 3}, {0, 1}, {1, 2}); }).find("row pointer ends at 3") != std::string::npos);
    CHECK(message_of([] { csr_matrix<double>(-1, 3); }).find("negative dimension") != std::string::npos);
    CHECK_THROWS_AS(csr_matrix<double>(2, 3, {0, 2, 3}, {0, -1, 1}, {1, 2, 3}), invalid_matrix_error);
}

TEST_CASE("csc_matrix validation speaks of columns and rows") {
    CHECK(message_of([] { csc_matrix<double>(3, 2, {0, 2, 3}, {0, 3, 1}, {1, 2, 3}); }).find("column 0: row index 3 at position 1 is out of range [0, 3)") != std::string::npos);
}

TEST_CASE("coo_matrix rejects out-of-range entries where they are added") {
    coo_matrix<double> t(2, 2);
    CHECK_THROWS_WITH_AS(t.add(2, 0, 1.0), "coo_matrix: entry 0 at (2, 0) is outside the 2x2 matrix", invalid_matrix_error);
    CHECK_THROWS_AS(t.add(0, -1, 1.0), invalid_matrix_error);
    CHECK_THROWS_AS(coo_matrix<double>(2, 2, {0, 1}, {0}, {1.0, 2.0}), invalid_matrix_error);
}

TEST_CASE("to_csr sums duplicates in insertion order by default and can reject them") {
    coo_matrix<double> t(3, 3);
    t.add(2, 1, 1.0);
    t.add(0, 2, 2.0);
    t.add(0, 0, 3.0);
    t.add(0, 2, 4.0);
    const auto A = to_csr(t);
    CHECK(A == csr_matrix<double>(3, 3, {0, 2, 2, 3}, {0, 2, 1}, {3.0, 6.0, 1.0}));
    CHECK_THROWS_WITH_AS(to_csr(t, duplicates::reject), "duplicate entry at (0, 2) (triplet 3)", invalid_matrix_error);
    CHECK_THROWS_WITH_AS(to_csc(t, duplicates::reject), "duplicate entry at (0, 2) (triplet 3)", invalid_matrix_error);
}

TEST_CASE_TEMPLATE("conversions among COO, CSR and CSC round-trip", T, float, std::complex<double>) {
    coo_matrix<T, std::int64_t> t(4, 5);
    t.add(3, 4, T(1));
    t.add(0, 1, T(2));
    t.add(2, 0, T(3));
    t.add(0, 0, T(4));
    const auto A = to_csr(t);
    const auto Ac = to_csc(A);
    CHECK(Ac.rows() == 4);
    CHECK(Ac.cols() == 5);
    Ac.validate();
    CHECK(to_csr(Ac) == A);
    CHECK(to_csc(t) == Ac);
    CHECK(to_csr(to_coo(A)) == A);
    CHECK(to_csc(to_coo(Ac)) == Ac);
}

TEST_CASE("transpose and conj_transpose give CSR of A^T and A^H") {
    using C = std::complex<double>;
    csr_matrix<C> A(2, 3, {0, 2, 3}, {0, 2, 1}, {C(1, 1), C(2, -1), C(3, 2)});
    const auto At = transpose(A);
    CHECK(At == csr_matrix<C>(3, 2, {0, 1, 2, 3}, {0, 1, 0}, {C(1, 1), C(3, 2), C(2, -1)}));
    const auto Ah = conj_transpose(A);
    CHECK(Ah == csr_matrix<C>(3, 2, {0, 1, 2, 3}, {0, 1, 0}, {C(1, -1), C(3, -2), C(2, 1)}));
    CHECK(transpose(At) == A);
    CHECK(transpose(to_csc(A)) == At);
}

TEST_CASE("sizes that do not fit the index type raise overflow_error") {
    CHECK_THROWS_AS((void)checked_index<std::int32_t>(std::size_t{1} << 31, "rows"), overflow_error);
    CHECK(checked_index<std::int64_t>(std::size_t{1} << 31, "rows") == (std::int64_t{1} << 31));
    CHECK_THROWS_AS((void)checked_index<std::int32_t>(-1, "rows"), invalid_argument_error);
}
