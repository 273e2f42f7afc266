// Sparse formats: construction, validation messages, triplet assembly, conversions, transposes.
#include <doctest/doctest.h>

#include <complex>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <waferblas/generators.hpp>
#include <waferblas/waferblas.hpp>

#include "huge_pages.hpp"

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
    // A row pointer that jumps past the stored entries and comes back: named before any index is
    // read (row 0's range [0, 5) would run past the one stored index).
    CHECK(message_of([] { csr_matrix<double>(2, 3, {0, 5, 1}, {0}, {1}); }) == "csr_matrix: row pointer[1] = 5 exceeds the 1 stored entries");
    CHECK(message_of([] { csc_matrix<double>(3, 2, {0, 4, 2}, {0, 1}, {1, 2}); }) ==
          "csc_matrix: column pointer[1] = 4 exceeds the 2 stored entries");
    CHECK(message_of([] { csr_matrix<double>(-1, 3); }) == "csr_matrix: negative dimension (rows = -1, columns = 3)");
    // Not a failed allocation of -5 + 1 row pointers (std::length_error) but the same message.
    CHECK(message_of([] { csr_matrix<double>(-5, 3); }) == "csr_matrix: negative dimension (rows = -5, columns = 3)");
    CHECK(message_of([] { csr_matrix<float, std::int64_t>(-5, 3); }) == "csr_matrix: negative dimension (rows = -5, columns = 3)");
    CHECK(message_of([] { csc_matrix<double>(3, -5); }) == "csc_matrix: negative dimension (columns = -5, rows = 3)");
    CHECK(message_of([] { csr_matrix<double>(-5, 3, {0}, {}, {}); }) == "csr_matrix: negative dimension (rows = -5, columns = 3)");
    CHECK_THROWS_AS(csr_matrix<double>(2, 3, {0, 2, 3}, {0, -1, 1}, {1, 2, 3}), invalid_matrix_error);
}

TEST_CASE_TEMPLATE("a matrix moved from is a valid empty 0x0 matrix that every routine accepts", T, double, std::complex<float>) {
    auto A = generators::banded<T>(40, 2, 3, 5);
    const auto whole = A;
    const auto taken = std::move(A);
    CHECK(taken == whole);
    // NOLINTBEGIN(bugprone-use-after-move): the state a move leaves is what is tested
    CHECK(A.rows() == 0);
    CHECK(A.cols() == 0);
    CHECK(A.nnz() == 0);
    CHECK(A.row_ptr().size() == 1);
    CHECK(A == csr_matrix<T>(0, 0));
    CHECK_NOTHROW(A.validate());
    std::vector<T> x, y;
    spmv(T(1), A, x, T(0), y);
    CHECK(transpose(A) == A);
    CHECK(to_coo(A).nnz() == 0);
    CHECK(to_csc(A).nnz() == 0);
    std::ostringstream written;
    io::write_matrix_market(written, A);
    std::istringstream read(written.str());
    CHECK(io::read_matrix_market<T>(read) == A);
    auto csc = to_csc(whole);
    const auto csc_taken = std::move(csc);
    CHECK(csc.rows() == 0);
    CHECK(csc.cols() == 0);
    CHECK(csc.col_ptr().size() == 1);
    CHECK(to_csr(csc_taken) == whole);
    // NOLINTEND(bugprone-use-after-move)
    A = taken; // and it can be assigned to again
    CHECK(A == whole);
    // A move assignment leaves its source empty too.
    auto B = whole;
    A = std::move(B);
    CHECK(A == whole);
    CHECK(B.rows() == 0); // NOLINT(bugprone-use-after-move)
    CHECK(B.row_ptr().size() == 1);
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
    CHECK_THROWS_WITH_AS((void)to_csr(t, duplicates::reject), "duplicate entry at (0, 2) (triplet 3)", invalid_matrix_error);
    CHECK_THROWS_WITH_AS((void)to_csc(t, duplicates::reject), "duplicate entry at (0, 2) (triplet 3)", invalid_matrix_error);
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

TEST_CASE_TEMPLATE("all_values_one is found on construction and never outlives a chance to change the values", T, float, double,
                   std::complex<double>) {
    const csr_matrix<T> ones(2, 3, {0, 2, 3}, {0, 2, 1}, {T(1), T(1), T(1)});
    CHECK(ones.all_values_one());
    CHECK_FALSE(csr_matrix<T>(2, 3, {0, 2, 3}, {0, 2, 1}, {T(1), T(2), T(1)}).all_values_one());
    CHECK_FALSE(csr_matrix<T>(1, 2, {0, 2}, {0, 1}, {T(1), T(-1)}).all_values_one());
    CHECK(csr_matrix<T>(2, 2).all_values_one()); // vacuously: nothing stored
    CHECK(csr_matrix<T>(unchecked, 1, 1, {0, 1}, {0}, {T(1)}).all_values_one());

    // Every derived matrix finds it again: conversions, transposes, the CSC twin, a copy.
    CHECK(transpose(ones).all_values_one());
    CHECK(conj_transpose(ones).all_values_one());
    CHECK(to_csr(to_coo(ones)).all_values_one());
    const auto ones_csc = to_csc(ones);
    CHECK(ones_csc.all_values_one());
    CHECK(csr_matrix<T>(ones).all_values_one());
    // Triplets that sum to one are ones; ones that sum to two are not.
    coo_matrix<T> halves(1, 1);
    halves.add(0, 0, T(0.5));
    halves.add(0, 0, T(0.5));
    CHECK(to_csr(halves).all_values_one());
    halves.add(0, 0, T(1));
    CHECK_FALSE(to_csr(halves).all_values_one());

    // The mutable values() forgets it, whatever is then written; re-constructing finds it again.
    csr_matrix<T> edited = ones;
    std::span<T> v = edited.values();
    CHECK_FALSE(edited.all_values_one());
    v[0] = T(1);
    CHECK_FALSE(edited.all_values_one());
    CHECK(edited == ones); // equality compares the arrays only
    const csr_matrix<T> rebuilt(unchecked, std::move(edited).release());
    CHECK(rebuilt.all_values_one());
    csc_matrix<T> edited_csc = ones_csc;
    (void)edited_csc.values();
    CHECK_FALSE(edited_csc.all_values_one());
    CHECK(edited_csc == ones_csc);
}

TEST_CASE("a Matrix Market pattern file, or a real one of ones, reads as a matrix of ones") {
    std::istringstream pattern("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 3\n");
    const auto P = io::read_matrix_market<double>(pattern);
    CHECK(P.nnz() == 3);
    CHECK(P.all_values_one());
    std::istringstream real("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n2 2 1e0\n");
    CHECK(io::read_matrix_market<float>(real).all_values_one());
    std::istringstream skew("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 1\n");
    CHECK_FALSE(io::read_matrix_market<double>(skew).all_values_one()); // its mirror is -1
}

// ---- Huge pages ----------------------------------------------------------------------------------
//
// The arrays of a matrix WaferBLAS builds are advised for huge pages when they span 4 MiB or more
// (core/memory.hpp): streamed beyond the caches on 4 KiB pages, an SpMV ran up to 1.5x slower.

namespace {
/// Checks that each array of at least 4 MiB (and a page: the advice covers whole pages inside the
/// block) lies in advised memory; nothing is checked where the OS cannot say (no THP).
template <class T>
void check_advised(std::span<const T> a, const char* what) {
    INFO(what);
    if (a.size_bytes() < detail::huge_page_advice_bytes + 8192) return;
    const auto advised = waferblas_test::huge_page_advised(reinterpret_cast<const char*>(a.data()) + 4096);
    if (!advised) {
        MESSAGE("transparent huge pages are not available here: advice not checked");
        return;
    }
    CHECK(*advised);
}
template <class T, class I>
void check_advised(const csr_matrix<T, I>& A, const char* what) {
    check_advised(A.row_ptr(), what);
    check_advised(A.col_idx(), what);
    check_advised(A.values(), what);
}
} // namespace

TEST_CASE("large vectors and aligned_vector blocks are advised for huge pages, small ones are not required to be") {
    constexpr std::size_t n = 600'000; // 4.8 MB of doubles
    const auto v = detail::large_vector<double>(n, 1.5);
    check_advised(std::span<const double>(v), "large_vector");
    auto r = detail::large_reserved<std::int64_t>(n);
    CHECK(r.empty());
    CHECK(r.capacity() >= n);
    const auto* before = r.data();
    for (std::size_t i = 0; i < n; ++i) r.push_back(static_cast<std::int64_t>(i));
    CHECK(r.data() == before); // filled without reallocating
    check_advised(std::span<const std::int64_t>(r), "large_reserved");
    check_advised(std::span<const double>(detail::large_copy(std::span<const double>(v))), "large_copy");
    const aligned_vector<double> a(n, 2.0);
    check_advised(std::span<const double>(a.data(), a.size()), "aligned_vector");
    // The checker itself tells advised from plain memory: a std::vector gets no advice (unless glibc
    // is told to give every large block some, GLIBC_TUNABLES=glibc.malloc.hugetlb=1).
    const std::vector<double> plain(n, 1.0);
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    const bool glibc_advises = tunables && std::string(tunables).find("hugetlb") != std::string::npos;
    if (const auto advised = waferblas_test::huge_page_advised(reinterpret_cast<const char*>(plain.data()) + 4096); advised && !glibc_advises)
        CHECK_FALSE(*advised);
}

TEST_CASE("copies of a large matrix are advised for huge pages, hold their own arrays and keep values_all_one") {
    using I = std::int64_t;
    const auto A = generators::banded<double, I>(600'000, 1, 1, 3); // 1.8M entries: 14 MB per array
    const csr_matrix<double, I> copy = A; // NOLINT(performance-unnecessary-copy-initialization): the copy is the subject
    check_advised(copy, "copy constructor");
    CHECK(copy == A);
    CHECK(copy.values().data() != A.values().data());
    csr_matrix<double, I> assigned(2, 2);
    assigned = A;
    check_advised(assigned, "copy assignment");
    CHECK(assigned == A);
    auto& self = assigned;
    assigned = self; // self-assignment keeps the matrix
    CHECK(assigned == A);
    const auto C = to_csc(A);
    const csc_matrix<double, I> csc_copy = C; // NOLINT(performance-unnecessary-copy-initialization)
    check_advised(csc_copy.values(), "CSC copy");
    CHECK(csc_copy == C);

    // A matrix of ones stays one in its copies (kernels then skip the values), and a copy whose
    // values were handed out mutable forgets it without touching the original.
    std::vector<double> ones(static_cast<std::size_t>(A.nnz()), 1.0);
    const csr_matrix<double, I> P(A.rows(), A.cols(), std::vector<I>(A.row_ptr().begin(), A.row_ptr().end()),
                                  std::vector<I>(A.col_idx().begin(), A.col_idx().end()), std::move(ones));
    REQUIRE(P.all_values_one());
    csr_matrix<double, I> Q = P;
    CHECK(Q.all_values_one());
    Q.values()[0] = 2.0;
    CHECK_FALSE(Q.all_values_one());
    CHECK(P.all_values_one());
    CHECK(P.values()[0] == 1.0);
}

TEST_CASE("the arrays of large matrices built by triplets, transposes, the generators and the reader are advised for huge pages") {
    using I = std::int64_t;
    constexpr I n = 600'000; // 8-byte indices and values: 4.8 MB per array
    std::vector<I> r(static_cast<std::size_t>(n)), c(static_cast<std::size_t>(n));
    std::vector<double> v(static_cast<std::size_t>(n), 1.0);
    for (I i = 0; i < n; ++i) r[static_cast<std::size_t>(i)] = i, c[static_cast<std::size_t>(i)] = (i * 7) % n;
    const auto A = to_csr(coo_matrix<double, I>(n, n, std::move(r), std::move(c), std::move(v)));
    check_advised(A, "to_csr");
    check_advised(transpose(A), "transpose");
    const auto C = to_csc(A);
    check_advised(C.values(), "to_csc");
    check_advised(to_csr(C), "to_csr of a CSC matrix");
    check_advised(generators::banded<double, I>(n, 1, 1, 3), "banded");
    check_advised(generators::poisson3d<double, I>(64, 64, 64), "poisson3d");
    check_advised(generators::random_sparse<double, I>(1000, 1000, 0.6, 5), "random_sparse");
    check_advised(generators::dense_row<double, I>(n, 7, 11), "dense_row");
    check_advised(generators::rmat<double, I>(16, 16, 13), "rmat");

    // The reader: 270,000 complex entries (16 bytes each: 4.3 MB of values).
    std::ostringstream file;
    file << "%%MatrixMarket matrix coordinate complex general\n270000 270000 270000\n";
    for (int i = 1; i <= 270'000; ++i) file << i << ' ' << i << " 1 -1\n";
    std::istringstream in(file.str());
    const auto M = io::read_matrix_market<std::complex<double>, std::int32_t>(in);
    CHECK(M.nnz() == 270'000);
    check_advised(M.values(), "read_matrix_market");
}
