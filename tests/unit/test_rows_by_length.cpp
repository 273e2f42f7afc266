// SpMV plans with spmv_layout::rows_by_length: each PE's whole rows stored in order of length
// (stable), rows shared between PEs left in place; the CSR plan's results bit for bit, its
// statistics and wafer estimate, its matrix given back; refreshed values; rows beyond the counting
// sort; programs whose rows are already in order keep CSR; what refuses such a program. (Every backend against the
// sequential one, on the generated and the shared matrices: test_backends.)
// Rows are ordered whatever the matrix's size here, so that small matrices test the layout (the
// default, 4 MiB of values and indices, is tested in test_dataflow).
#define WAFERBLAS_ROWS_BY_LENGTH_MIN_BYTES 0
#include <doctest/doctest.h>

#include <complex>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "test_matrices.hpp"

#include <waferblas/waferblas.hpp>

using namespace waferblas;

namespace {

/// Rows of the given lengths (columns spread over `cols`), values from the row and column.
template <class T, class I>
csr_matrix<T, I> rows_of_lengths(const std::vector<std::size_t>& lengths, std::size_t cols) {
    coo_matrix<T, I> t(static_cast<I>(lengths.size()), static_cast<I>(cols));
    for (std::size_t r = 0; r < lengths.size(); ++r)
        for (std::size_t k = 0; k < lengths[r]; ++k)
            t.add(static_cast<I>(r), static_cast<I>((k * cols) / lengths[r] + r % (cols / lengths[r])), T(1) + T(static_cast<real_t<T>>((r + 3 * k) % 7)) / T(4));
    return to_csr(t);
}

/// Power-law and irregular matrices besides the shared sweep, including rows past the counting sort
/// (256 nonzeros and more, two of one length to show the sort is stable there too).
template <class T, class I>
std::vector<testing::matrix_case<T, I>> irregular_cases() {
    auto cases = testing::generated_cases<T, I>();
    cases.push_back({"rmat scale 11 edge factor 8", generators::rmat<T, I>(11, 8, 31)});
    cases.push_back({"dense row 300 of 1000", generators::dense_row<T, I>(1000, 300, 32)});
    cases.push_back({"rows of 0 to 1000 nonzeros",
                     rows_of_lengths<T, I>({3, 300, 0, 1000, 257, 5, 300, 1, 0, 256, 255, 2, 300, 7, 1, 600, 4, 4, 9, 1}, 1200)});
    return cases;
}

/// The program's stored order: a permutation whose PE p holds its own whole rows in order of length,
/// stably, and every other row (one shared with an earlier PE) in place; kept exactly when it moves
/// a row and more than one row in 8 differs in length from the row before.
template <class T, class I>
void check_stored_order(const csr_matrix<T, I>& A, const sparse_program<T, I>& prog) {
    const auto order = prog.stored_row_order();
    const auto& part = prog.partition();
    const auto ptr = A.row_ptr();
    const auto length = [&](I r) { return ptr[static_cast<std::size_t>(r) + 1] - ptr[static_cast<std::size_t>(r)]; };
    std::vector<I> q(static_cast<std::size_t>(A.rows()));
    std::iota(q.begin(), q.end(), I{0});
    const std::span<const I> stored = order.empty() ? std::span<const I>(q) : order;
    REQUIRE(stored.size() == q.size());
    bool any_moved = false, any_unsorted = false;
    for (std::size_t p = 0; p < part.parts(); ++p) {
        const auto rb = static_cast<std::size_t>(part.row_begin[p]) + (part.first_row_shared(ptr, p) ? 1 : 0);
        const auto re = static_cast<std::size_t>(part.row_begin[p + 1]);
        if (rb > static_cast<std::size_t>(part.row_begin[p])) CHECK(stored[rb - 1] == static_cast<I>(rb - 1)); // shared: in place
        if (rb >= re) continue;
        for (std::size_t r = rb; r + 1 < re; ++r) any_unsorted = any_unsorted || length(static_cast<I>(r)) > length(static_cast<I>(r + 1));
        std::vector<I> own(stored.begin() + static_cast<std::ptrdiff_t>(rb), stored.begin() + static_cast<std::ptrdiff_t>(re));
        for (std::size_t i = 1; i < own.size() && !order.empty(); ++i) {
            INFO("PE " << p << " stored row " << rb + i);
            CHECK(length(own[i - 1]) <= length(own[i]));
            if (length(own[i - 1]) == length(own[i])) CHECK(own[i - 1] < own[i]); // stable
        }
        for (std::size_t i = 0; i < own.size(); ++i) any_moved = any_moved || own[i] != static_cast<I>(rb + i);
        std::sort(own.begin(), own.end());
        for (std::size_t i = 0; i < own.size(); ++i) CHECK(own[i] == static_cast<I>(rb + i)); // PE p's rows, each once
    }
    CHECK(any_moved == !order.empty()); // an order that changes nothing is not kept
    std::size_t changes = 0;
    for (I r = 1; r < A.rows(); ++r) changes += length(r) != length(r - 1) ? 1 : 0;
    CHECK(order.empty() == (!any_unsorted || changes * 8 <= static_cast<std::size_t>(A.rows())));
}

template <class T, class I>
void check_like_csr() {
    const pe_grid grids[] = {{1, 1}, {1, 2}, {1, 3}, {2, 3}, {1, 7}};
    for (const auto& c : irregular_cases<T, I>()) {
        const auto& A = c.A;
        for (const pe_grid& grid : grids) {
            INFO(c.name << " on " << to_string(grid));
            const auto sorted = plan_spmv(A, grid, placement::row_blocks, op::none, spmv_layout::rows_by_length);
            const auto plain = plan_spmv(A, grid, placement::row_blocks);
            CHECK(plain.program().stored_row_order().empty());
            check_stored_order(A, sorted.program());
            const auto back = sorted.program().matrix();
            CHECK(back == A);
            CHECK(back.all_values_one() == A.all_values_one());
            CHECK(sorted.statistics().summary() == plain.statistics().summary());
            const auto wafer_sorted = model::estimate(sorted, model::wse2()), wafer_plain = model::estimate(plain, model::wse2());
            CHECK(wafer_sorted.cycles == wafer_plain.cycles); // the wafer runs the rows, in whatever order
            CHECK(wafer_sorted.pe_compute_cycles == wafer_plain.pe_compute_cycles);
            const auto x = testing::patterned_vector<T>(static_cast<std::size_t>(A.cols()), 1);
            const auto y0 = testing::patterned_vector<T>(static_cast<std::size_t>(A.rows()), 2);
            for (const auto& [alpha, beta] : {std::pair<T, T>{T(1), T(0)}, {T(2), T(0)}, {T(0.5), T(-1.5)}}) {
                auto y_plain = y0, y_sorted = y0;
                plain.execute(backend::sequential{}, alpha, x, beta, y_plain);
                sorted.execute(backend::sequential{}, alpha, x, beta, y_sorted);
                CHECK(testing::same_bits(y_sorted, y_plain));
            }
        }
    }
}

} // namespace

// Two of the four scalar types here; test_backends runs the layout on double, float and
// complex<float> against the CSR plan on every backend.
TEST_CASE_TEMPLATE("rows by length: each PE's rows in order of length, the CSR plan's bits, statistics and matrix", P,
                   std::pair<float, std::int64_t>, std::pair<std::complex<double>, std::int32_t>) {
    check_like_csr<typename P::first_type, typename P::second_type>();
}

TEST_CASE("rows by length: rows already in order keep CSR, and the order is kept only where it changes something") {
    // Lengths 1, 2, 2, 3, 5: in order on every grid, nothing is stored.
    const auto inorder = rows_of_lengths<double, std::int32_t>({1, 2, 2, 3, 5}, 8);
    for (const std::size_t pes : {std::size_t{1}, std::size_t{2}, std::size_t{4}}) {
        const auto plan = plan_spmv(inorder, pe_grid{1, pes}, placement::row_blocks, op::none, spmv_layout::rows_by_length);
        CHECK(plan.program().stored_row_order().empty());
        CHECK(plan.program().row_blocks().row_of == nullptr);
    }
    // One dense row among rows of one nonzero: out of order, but the lengths repeat (1 change in 8
    // rows or fewer): kept as CSR.
    const auto dense = generators::dense_row<double, std::int32_t>(64, 40, 3);
    CHECK(plan_spmv(dense, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::rows_by_length).program().stored_row_order().empty());
    // Lengths 3, 1 on one PE: swapped.
    const auto swapped = rows_of_lengths<double, std::int32_t>({3, 1}, 4);
    const auto plan = plan_spmv(swapped, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::rows_by_length);
    const auto order = plan.program().stored_row_order();
    REQUIRE(order.size() == 2);
    CHECK(order[0] == 1);
    CHECK(order[1] == 0);
    CHECK(plan.program().row_blocks().row_ptr[1] == 1); // stored row 0 is row 1: one nonzero
}

TEST_CASE("rows by length: refresh_values, rvalues, transposes, concurrent executions") {
    const auto A = generators::rmat<double>(10, 8, 41);
    auto plan = plan_spmv(A, pe_grid{1, 3}, placement::row_blocks, op::none, spmv_layout::rows_by_length);
    REQUIRE_FALSE(plan.program().stored_row_order().empty());
    const auto x = testing::patterned_vector<double>(static_cast<std::size_t>(A.cols()), 5);
    const auto csr_result = [&](const csr_matrix<double>& M, op o = op::none) {
        std::vector<double> y(static_cast<std::size_t>(o == op::none ? M.rows() : M.cols()));
        plan_spmv(M, pe_grid{1, 3}, placement::row_blocks, o).execute(backend::sequential{}, 1.0, x, 0.0, y);
        return y;
    };

    SUBCASE("refresh_values puts new values in the stored order; another pattern is refused") {
        auto A2 = A;
        for (std::size_t k = 0; k < A2.values().size(); ++k) A2.values()[k] = 1.0 + static_cast<double>(k % 11);
        plan.refresh_values(A2);
        CHECK(plan.program().matrix() == A2);
        std::vector<double> y(static_cast<std::size_t>(A.rows()));
        plan.execute(backend::sequential{}, 1.0, x, 0.0, y);
        CHECK(testing::same_bits(y, csr_result(A2)));
        // The same shape and count, one column moved within a row: refused, values untouched.
        auto ptr = std::vector<std::int32_t>(A.row_ptr().begin(), A.row_ptr().end());
        auto idx = std::vector<std::int32_t>(A.col_idx().begin(), A.col_idx().end());
        std::size_t r = 0;
        while (ptr[r + 1] - ptr[r] != 1) ++r; // a row of one nonzero
        auto& col = idx[static_cast<std::size_t>(ptr[r])];
        col = col == 0 ? 1 : 0;
        const csr_matrix<double> moved(A.rows(), A.cols(), ptr, idx, std::vector<double>(A.values().begin(), A.values().end()));
        CHECK_THROWS_AS(plan.refresh_values(moved), invalid_argument_error);
        CHECK(plan.program().matrix() == A2);
        // Lengths traded between two rows (the same shape and count): refused too.
        auto small = plan_spmv(rows_of_lengths<double, std::int32_t>({3, 1, 2}, 6), pe_grid{1, 1}, placement::row_blocks, op::none,
                               spmv_layout::rows_by_length);
        REQUIRE_FALSE(small.program().stored_row_order().empty());
        CHECK_THROWS_AS(small.refresh_values(rows_of_lengths<double, std::int32_t>({1, 3, 2}, 6)), invalid_argument_error);
        CHECK_THROWS_AS(plan.refresh_values(generators::rmat<double>(10, 8, 42)), invalid_argument_error);
    }
    SUBCASE("a plan from an rvalue stores the same order and results") {
        auto copy = A;
        const auto pr = plan_spmv(std::move(copy), pe_grid{1, 3}, placement::row_blocks, op::none, spmv_layout::rows_by_length);
        const auto a = plan.program().stored_row_order(), b = pr.program().stored_row_order();
        CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
        CHECK(pr.program().matrix() == A);
        std::vector<double> y(static_cast<std::size_t>(A.rows()));
        pr.execute(backend::sequential{}, 1.0, x, 0.0, y);
        CHECK(testing::same_bits(y, csr_result(A)));
    }
    SUBCASE("op::transpose orders the transpose's rows") {
        const auto pt = plan_spmv(A, pe_grid{1, 3}, placement::row_blocks, op::transpose, spmv_layout::rows_by_length);
        REQUIRE_FALSE(pt.program().stored_row_order().empty());
        check_stored_order(transpose(A), pt.program());
        std::vector<double> y(static_cast<std::size_t>(A.cols()));
        pt.execute(backend::sequential{}, 1.0, x, 0.0, y);
        CHECK(testing::same_bits(y, csr_result(A, op::transpose)));
    }
    SUBCASE("threads sharing one plan get the same results") {
        const auto want = csr_result(A);
        const auto ys = testing::concurrent_results<double>(4, want.size(), [&](std::vector<double>& y) {
            plan.execute(backend::sequential{}, 1.0, x, 0.0, y);
        });
        for (const auto& y : ys) CHECK(testing::same_bits(y, want));
    }
}

TEST_CASE("rows by length: what refuses such a program, and a layout that is none of the three") {
    const auto A = generators::rmat<double>(9, 8, 43);
    const auto prog = sparse_program<double>::lower(A, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::rows_by_length);
    REQUIRE_FALSE(prog.stored_row_order().empty());
    const auto n = static_cast<std::size_t>(A.rows());
    std::vector<double> B(n * 4, 1.0), C(n * 4);
    CHECK_THROWS_WITH_AS(detail::execute_spmm(backend::sequential{}, prog, 1.0, matrix_view<const double>(B.data(), n, 4), 0.0,
                                              matrix_view<double>(C.data(), n, 4)),
                         doctest::Contains("order of length"), invalid_argument_error);
    // The checkerboard placement keeps no row order to ask for.
    const auto cb = plan_spmv(A, pe_grid{2, 2}, placement::checkerboard, op::none, spmv_layout::rows_by_length);
    CHECK_THROWS_AS((void)cb.program().stored_row_order(), invalid_argument_error);
    CHECK_THROWS_WITH_AS((void)plan_spmv(A, pe_grid{1, 2}, placement::row_blocks, op::none, static_cast<spmv_layout>(7)),
                         doctest::Contains("spmv_layout 7"), invalid_argument_error);
}
