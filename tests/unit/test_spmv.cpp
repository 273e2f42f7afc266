// SpMV against Eigen: every generated shape, all four value types, both index types, every op,
// CSR and CSC operands, strided vectors, and plans on grids from 1x1 to 16x16 in both placements.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "test_matrices.hpp"

using namespace waferblas;
using namespace waferblas::testing;

namespace {

constexpr op all_ops[] = {op::none, op::transpose, op::conj_transpose};
const pe_grid test_grids[] = {{1, 1}, {2, 3}, {4, 4}, {16, 16}};
constexpr placement all_placements[] = {placement::row_blocks, placement::checkerboard};

template <class T, class I>
void check_all_paths(const std::string& name, const csr_matrix<T, I>& A) {
    const T alpha = make_scalar<T>(0.75, -0.5);
    const T beta = T(real_t<T>(-1.25));
    const auto Ac = to_csc(A);
    for (op o : all_ops) {
        const std::size_t m = static_cast<std::size_t>(o == op::none ? A.rows() : A.cols());
        const std::size_t n = static_cast<std::size_t>(o == op::none ? A.cols() : A.rows());
        const auto x = random_vector<T>(n, 11);
        const auto y0 = random_vector<T>(m, 12);
        const spmv_reference<T, I> ref(A, o, alpha, x, beta, y0);
        const std::string what = name + " op=" + to_string(o);

        auto y = y0;
        spmv(o, alpha, A, x, beta, y);
        ref.check(y, what + " csr");
        y = y0;
        spmv(o, alpha, Ac, x, beta, y);
        ref.check(y, what + " csc");

        // Strided operands: x every third element, y walked backwards with stride -2.
        std::vector<T> xs(3 * n + 1), ys(2 * m + 1);
        for (std::size_t i = 0; i < n; ++i) xs[3 * i] = x[i];
        for (std::size_t i = 0; i < m; ++i) ys[2 * (m - 1 - i)] = y0[i];
        spmv(o, alpha, A, vector_view<const T>(xs.data(), n, 3), beta,
             vector_view<T>(m ? ys.data() + 2 * (m - 1) : ys.data(), m, -2));
        std::vector<T> back(m);
        for (std::size_t i = 0; i < m; ++i) back[i] = ys[2 * (m - 1 - i)];
        ref.check(back, what + " strided");

        for (const auto& grid : test_grids)
            for (placement pl : all_placements) {
                const auto plan = plan_spmv(A, grid, pl, o);
                y = y0;
                plan.execute(alpha, x, beta, y);
                ref.check(y, what + " plan " + to_string(grid) + " " + to_string(pl));
                if (pl != placement::row_blocks || o != op::none) continue;
                const auto borrowed = plan_spmv(borrow(A), grid);
                y = y0;
                borrowed.execute(alpha, x, beta, y);
                ref.check(y, what + " borrowed plan " + to_string(grid));
            }
    }
}

} // namespace

TEST_CASE_TEMPLATE("spmv matches Eigen on every generated matrix", TI, std::pair<float, std::int32_t>,
                   std::pair<double, std::int32_t>, std::pair<std::complex<float>, std::int32_t>,
                   std::pair<std::complex<double>, std::int32_t>, std::pair<double, std::int64_t>,
                   std::pair<std::complex<float>, std::int64_t>) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& c : generated_cases<T, I>()) check_all_paths<T, I>(c.name, c.A);
}

TEST_CASE("spmv with beta = 0 never reads y, so NaN in y does not propagate") {
    const csr_matrix<double> A(2, 2, {0, 1, 2}, {0, 1}, {2.0, 3.0});
    const std::vector<double> x{1.0, 1.0};
    std::vector<double> y(2, std::nan(""));
    spmv(1.0, A, x, 0.0, y);
    CHECK(y == std::vector<double>{2.0, 3.0});
    y.assign(2, std::nan(""));
    plan_spmv(A, pe_grid{2, 2}, placement::checkerboard).execute(1.0, x, 0.0, y);
    CHECK(y == std::vector<double>{2.0, 3.0});
    y.assign(2, std::nan(""));
    spmv(op::transpose, 1.0, A, x, 0.0, y);
    CHECK(y == std::vector<double>{2.0, 3.0});
}

TEST_CASE("spmv rejects mismatched sizes, naming the operand and both sizes") {
    const csr_matrix<double> A(2, 3);
    std::vector<double> x(3), y(2), wrong(4);
    CHECK_THROWS_WITH_AS(spmv(1.0, A, wrong, 0.0, y), "spmv: x has 4, expected 3", dimension_error);
    CHECK_THROWS_WITH_AS(spmv(1.0, A, x, 0.0, wrong), "spmv: y has 4, expected 2", dimension_error);
    CHECK_THROWS_WITH_AS(spmv(op::transpose, 1.0, A, x, 0.0, y), "spmv: x has 3, expected 2", dimension_error);
    const auto plan = plan_spmv(A, pe_grid{2, 2});
    CHECK_THROWS_WITH_AS(plan.execute(1.0, wrong, 0.0, y), "spmv_plan::execute: x has 4, expected 3", dimension_error);
}

TEST_CASE("spmv rejects x and y that overlap in memory") {
    const csr_matrix<double> A(3, 3, {0, 1, 2, 3}, {0, 1, 2}, {1.0, 1.0, 1.0});
    std::vector<double> v(4);
    CHECK_THROWS_AS(spmv(1.0, A, vector_view<const double>(v.data(), 3), 0.0, vector_view<double>(v.data() + 1, 3)),
                    invalid_argument_error);
    CHECK_THROWS_AS(plan_spmv(A, pe_grid{1, 1}).execute(1.0, vector_view<const double>(v.data(), 3), 0.0, vector_view<double>(v.data(), 3)),
                    invalid_argument_error);
}

TEST_CASE("a plan refreshes values without re-planning and refuses a different pattern") {
    csr_matrix<double> A(2, 2, {0, 2, 3}, {0, 1, 1}, {1.0, 2.0, 3.0});
    for (placement pl : all_placements) {
        auto plan = plan_spmv(A, pe_grid{2, 2}, pl, op::transpose);
        csr_matrix<double> B = A;
        B.values()[1] = 10.0;
        plan.refresh_values(B);
        std::vector<double> y(2);
        plan.execute(1.0, std::vector<double>{1.0, 1.0}, 0.0, y);
        CHECK(y == std::vector<double>{1.0, 13.0});
        CHECK_THROWS_AS(plan.refresh_values(csr_matrix<double>(2, 2, {0, 1, 3}, {0, 0, 1}, {1.0, 2.0, 3.0})), invalid_argument_error);
        CHECK_THROWS_AS(plan.refresh_values(csr_matrix<double>(2, 3)), invalid_argument_error);
    }
}

TEST_CASE("a plan built from a moved matrix computes what one built from a copy does, for every op") {
    const auto A = generators::rmat<double>(9, 6, 4);
    for (placement pl : all_placements)
        for (op o : all_ops) {
            const auto copied = plan_spmv(A, pe_grid{3, 2}, pl, o);
            auto moved_from = A;
            const auto moved = plan_spmv(std::move(moved_from), pe_grid{3, 2}, pl, o);
            CHECK(moved.nnz() == A.nnz());
            const auto x = random_vector<double>(static_cast<std::size_t>(copied.cols()), 7);
            std::vector<double> want(static_cast<std::size_t>(copied.rows())), got(want.size());
            copied.execute(backend::sequential{}, 1.0, x, 0.0, want);
            moved.execute(backend::sequential{}, 1.0, x, 0.0, got);
            CHECK(got == want);
        }
}

TEST_CASE_TEMPLATE("a plan that borrows A copies nothing, reads A's current values, and gives a copying plan's bits", T, float, double,
                   std::complex<float>, std::complex<double>) {
    const T alpha = make_scalar<T>(0.5, 0.25), beta = make_scalar<T>(-1.0, 0.5);
    for (const auto& c : generated_cases<T, std::int32_t>()) {
        INFO(c.name);
        csr_matrix<T> A = c.A;
        const auto plan = plan_spmv(borrow(A), pe_grid{1, 3});
        REQUIRE(plan.program().borrows_matrix());
        CHECK(plan.program().row_blocks().values.data() == std::as_const(A).values().data());
        CHECK(plan.program().row_blocks().col_idx.data() == A.col_idx().data());
        CHECK(plan.program().matrix() == A);
        const auto copied = plan_spmv(A, pe_grid{1, 3});
        CHECK_FALSE(copied.program().borrows_matrix());
        CHECK(plan.program().partition().nz_begin == copied.program().partition().nz_begin);
        CHECK(plan.statistics().summary() == copied.statistics().summary());
        const auto x = random_vector<T>(static_cast<std::size_t>(A.cols()), 3);
        const auto y0 = random_vector<T>(static_cast<std::size_t>(A.rows()), 4);
        const auto run = [&](const auto& p) {
            auto y = y0;
            p.execute(backend::sequential{}, alpha, x, beta, y);
            return y;
        };
        CHECK(first_difference(run(plan), run(copied)) == -1); // SpMM: check_plans_agree in test_backends

        // New values in place (clearing a matrix of ones' note): the next execution reads them.
        for (auto& v : A.values()) v = v * make_scalar<T>(-2.0, 1.0) + T(real_t<T>(1));
        CHECK(first_difference(run(plan), run(plan_spmv(A, pe_grid{1, 3}))) == -1);
    }
}

TEST_CASE("a borrowing plan refuses a matrix assigned to or moved from after planning, refreshes of another matrix, and plans "
          "that rearrange A") {
    auto A = generators::banded<double>(50, 2, 1, 9);
    auto plan = plan_spmv(borrow(A), pe_grid{2, 2});
    std::vector<double> x(50, 1.0), y(50);
    plan.refresh_values(A); // its own matrix: the values are read in place anyway
    CHECK_THROWS_WITH_AS(plan.refresh_values(csr_matrix<double>(A)),
                         "refresh_values: the program borrows its matrix and reads its values in place; change them in that matrix, "
                         "or plan again to read another one",
                         invalid_argument_error);
    const auto copy = plan; // copies borrow the same matrix
    CHECK(copy.program().borrows_matrix());
    A = generators::banded<double>(50, 2, 1, 10); // the same shape, new arrays
    const std::string replaced = "sparse_program: the borrowed matrix, 50x50 with 196 nonzeros when lowered, was assigned to or moved from "
                                 "since (its arrays were replaced); plan again from the matrix that holds the arrays now";
    CHECK_THROWS_WITH_AS(plan.execute(1.0, x, 0.0, y), replaced.c_str(), invalid_argument_error);
    CHECK_THROWS_WITH_AS(plan.refresh_values(A), replaced.c_str(), invalid_argument_error);
    CHECK_THROWS_AS(copy.statistics(), invalid_argument_error);
    A = csr_matrix<double>(60, 50);
    CHECK_THROWS_WITH_AS(plan.execute(1.0, x, 0.0, y),
                         "sparse_program: the borrowed matrix, 50x50 with 196 nonzeros when lowered, was assigned to or moved from since "
                         "(now 60x50 with 0 nonzeros); plan again from the matrix that holds the arrays now",
                         invalid_argument_error);

    const auto B = generators::banded<double>(40, 2, 2, 3);
    const std::string needs = "sparse_program::lower: a borrowed matrix needs placement::row_blocks, op::none and spmv_layout::csr (asked: ";
    const std::string copy_kept = "); those plans keep a rearranged copy of A: plan from A itself";
    CHECK_THROWS_WITH_AS(plan_spmv(borrow(B), pe_grid{2, 2}, placement::checkerboard),
                         (needs + "placement::checkerboard, op::none, spmv_layout::csr" + copy_kept).c_str(), invalid_argument_error);
    CHECK_THROWS_WITH_AS(plan_spmv(borrow(B), pe_grid{2, 2}, placement::row_blocks, op::transpose),
                         (needs + "placement::row_blocks, op::transpose, spmv_layout::csr" + copy_kept).c_str(), invalid_argument_error);
    CHECK_THROWS_WITH_AS(plan_spmv(borrow(B), pe_grid{2, 2}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks),
                         (needs + "placement::row_blocks, op::none, spmv_layout::diagonal_chunks" + copy_kept).c_str(), invalid_argument_error);
    CHECK_THROWS_WITH_AS(plan_spmv(borrow(B), pe_grid{2, 2}, placement::row_blocks, op::none, spmv_layout::rows_by_length),
                         (needs + "placement::row_blocks, op::none, spmv_layout::rows_by_length" + copy_kept).c_str(), invalid_argument_error);
    CHECK_THROWS_WITH_AS(plan_spmm(borrow(B), pe_grid{2, 2}, placement::checkerboard),
                         (needs + "placement::checkerboard, op::none, spmv_layout::csr" + copy_kept).c_str(), invalid_argument_error);
    CHECK_THROWS_WITH_AS(plan_spmm(borrow(B), pe_grid{2, 2}, placement::row_blocks, op::conj_transpose),
                         (needs + "placement::row_blocks, op::conj_transpose, spmv_layout::csr" + copy_kept).c_str(), invalid_argument_error);
}

TEST_CASE("a borrowing plan tells its matrix's new arrays from the old ones even where they lie at the old addresses") {
    // An allocator hands freed blocks out again: after A's arrays are freed, a copy of another
    // matrix of A's shape and count often lands on them. The plan must still refuse it (its
    // partition does not fit C's rows: on a chain, a row split where none was planned).
    auto A = generators::banded<double>(50, 2, 1, 9);
    const auto C = generators::banded<double>(50, 1, 2, 11); // 196 nonzeros too, another pattern
    REQUIRE(C.nnz() == A.nnz());
    const auto plan = plan_spmv(borrow(A), pe_grid{1, 3});
    const std::array<const void*, 3> arrays{A.row_ptr().data(), A.col_idx().data(), std::as_const(A).values().data()};
    A = csr_matrix<double>(50, 50); // frees A's arrays
    A = C;
    INFO("arrays at the old addresses: row pointer ", A.row_ptr().data() == arrays[0], ", column indices ", A.col_idx().data() == arrays[1],
         ", values ", std::as_const(A).values().data() == arrays[2]);
    std::vector<double> x(50, 1.0), y(50);
    CHECK_THROWS_WITH_AS(plan.execute(backend::sequential{}, 1.0, x, 0.0, y),
                         "sparse_program: the borrowed matrix, 50x50 with 196 nonzeros when lowered, was assigned to or moved from since "
                         "(its arrays were replaced); plan again from the matrix that holds the arrays now",
                         invalid_argument_error);
}

TEST_CASE("a borrowing plan refuses a matrix moved from, and a moved-from plan refuses to run") {
    auto A = generators::rmat<double>(8, 6, 5);
    const auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 2);
    std::vector<double> want(static_cast<std::size_t>(A.rows())), got(want.size());
    plan_spmv(A, pe_grid{1, 2}).execute(backend::sequential{}, 1.0, x, 0.0, want);

    auto borrowing = plan_spmv(borrow(A), pe_grid{1, 2});
    const auto moved_to = std::move(A); // NOLINT(bugprone-use-after-move): the plan still points at A
    CHECK_THROWS_WITH_AS(borrowing.execute(backend::sequential{}, 1.0, x, 0.0, got),
                         ("sparse_program: the borrowed matrix, 256x256 with " + std::to_string(moved_to.nnz()) +
                          " nonzeros when lowered, was assigned to or moved from since (now 0x0 with 0 nonzeros); plan again from the "
                          "matrix that holds the arrays now")
                             .c_str(),
                         invalid_argument_error);
    A = moved_to; // a copy: other arrays
    CHECK_THROWS_AS(borrowing.execute(backend::sequential{}, 1.0, x, 0.0, got), invalid_argument_error);
    borrowing = plan_spmv(borrow(A), pe_grid{1, 2});
    borrowing.execute(backend::sequential{}, 1.0, x, 0.0, got);
    CHECK(got == want);

    // Plans moved from, borrowing or not, SpMV and SpMM: their partition went with the move.
    const std::string moved_from = "sparse_program: the program was moved from; assign a program to it before use";
    auto copying = plan_spmv(A, pe_grid{1, 2});
    for (auto* p : {&borrowing, &copying}) {
        const auto taken = std::move(*p);
        std::fill(got.begin(), got.end(), 0.0);
        taken.execute(backend::sequential{}, 1.0, x, 0.0, got);
        CHECK(got == want);
        CHECK_THROWS_WITH_AS(p->execute(backend::sequential{}, 1.0, x, 0.0, got), moved_from.c_str(), invalid_argument_error);
        CHECK_THROWS_WITH_AS((void)p->statistics(), moved_from.c_str(), invalid_argument_error);
        CHECK_THROWS_WITH_AS(p->refresh_values(A), moved_from.c_str(), invalid_argument_error);
        *p = taken; // assigned to again: usable
        p->execute(backend::sequential{}, 1.0, x, 0.0, got);
        CHECK(got == want);
    }
    // Assignments between a borrowing and a copying plan take the other's kind along.
    std::swap(borrowing, copying);
    CHECK(copying.program().borrows_matrix());
    CHECK_FALSE(borrowing.program().borrows_matrix());
    for (const auto* p : {&borrowing, &copying}) {
        std::fill(got.begin(), got.end(), 0.0);
        p->execute(backend::sequential{}, 1.0, x, 0.0, got);
        CHECK(got == want);
    }
    auto spmm = plan_spmm(borrow(A), pe_grid{1, 2});
    const auto spmm_taken = std::move(spmm);
    std::vector<double> Bd(static_cast<std::size_t>(A.cols()) * 2, 1.0), Cd(static_cast<std::size_t>(A.rows()) * 2);
    CHECK_THROWS_WITH_AS(spmm.execute(backend::sequential{}, 1.0, matrix_view<const double>(Bd.data(), A.cols(), 2), 0.0,
                                      matrix_view<double>(Cd.data(), A.rows(), 2)),
                         moved_from.c_str(), invalid_argument_error);
}

TEST_CASE("a borrowing SpMM plan reads A's current values, a matrix of ones included, and refuses A assigned to") {
    const auto R = generators::rmat<double>(8, 6, 7);
    auto A = csr_matrix<double>(R.rows(), R.cols(), {R.row_ptr().begin(), R.row_ptr().end()}, {R.col_idx().begin(), R.col_idx().end()},
                                std::vector<double>(static_cast<std::size_t>(R.nnz()), 1.0));
    REQUIRE(A.all_values_one());
    const std::size_t k = 5, m = static_cast<std::size_t>(A.rows()), n = static_cast<std::size_t>(A.cols());
    const auto b = random_vector<double>(n * k, 3);
    const auto run = [&](const auto& plan) {
        std::vector<double> c(m * k, 0.5);
        plan.execute(backend::sequential{}, 2.0, matrix_view<const double>(b.data(), n, k), -1.0, matrix_view<double>(c.data(), m, k));
        return c;
    };
    const auto plan = plan_spmm(borrow(A), pe_grid{1, 3});
    CHECK(first_difference(run(plan), run(plan_spmm(A, pe_grid{1, 3}))) == -1);
    A.values()[3] = -4.0; // no longer all ones: the next execution reads the values
    REQUIRE_FALSE(A.all_values_one());
    CHECK(first_difference(run(plan), run(plan_spmm(A, pe_grid{1, 3}))) == -1);
    CHECK(model::to_text(model::estimate(plan, model::wse2(), k)) ==
          model::to_text(model::estimate(plan_spmm(A, pe_grid{1, 3}), model::wse2(), k)));
    A = generators::rmat<double>(8, 6, 8);
    CHECK_THROWS_AS(run(plan), invalid_argument_error);
    CHECK_THROWS_AS((void)model::estimate(plan, model::wse2(), k), invalid_argument_error);
}

static_assert(std::string_view(to_string(spmv_layout::diagonal_chunks)) == "diagonal_chunks");

template <class M>
concept borrowable = requires(M&& m) { borrow(std::forward<M>(m)); };
static_assert(borrowable<const csr_matrix<double>&> && borrowable<csr_matrix<float>&>);
static_assert(!borrowable<csr_matrix<double>> && !borrowable<const csr_matrix<double>&&>, "a temporary would dangle");
static_assert(std::is_constructible_v<borrowed_matrix<double>, csr_matrix<double>&> &&
                  !std::is_constructible_v<borrowed_matrix<double>, csr_matrix<double>> &&
                  !std::is_constructible_v<borrowed_matrix<double>, const csr_matrix<double>&&>,
              "nor through the constructor");

TEST_CASE("a plan gives identical results run to run and from several threads sharing it") {
    const auto A = generators::rmat<double>(10, 8, 3);
    const auto plan = plan_spmv(A, pe_grid{4, 4}, placement::row_blocks);
    const auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 5);
    std::vector<double> first(static_cast<std::size_t>(A.rows()));
    plan.execute(1.0, x, 0.0, first);
    std::vector<std::vector<double>> results(4, std::vector<double>(first.size()));
    std::vector<std::thread> threads;
    for (auto& r : results) threads.emplace_back([&] { plan.execute(1.0, x, 0.0, r); });
    for (auto& t : threads) t.join();
    for (const auto& r : results) CHECK(r == first);
}

TEST_CASE_TEMPLATE("matrices beyond streamed_matrix_bytes take the prefetching row loop, on every path", T, double, std::complex<float>) {
    // 220,000 rows of 5 nonzeros of 12 bytes, 13.2 MB: streamed as a whole, though a PE's share
    // (half of it or less, on every grid but 1 x 1) is not.
    const auto A = generators::banded<T>(220000, 2, 2, 8);
    REQUIRE(kernels::worth_streaming<T, std::int32_t>(static_cast<std::size_t>(A.nnz())));
    REQUIRE_FALSE(kernels::worth_streaming<T, std::int32_t>(static_cast<std::size_t>(A.nnz()) / 2));
    check_all_paths("banded 220000", A);
}

TEST_CASE("the SpMV's byte gates count the matrix's bytes: worth_streaming against streamed_matrix_bytes, claims_pes against "
          "claimed_matrix_bytes") {
    const auto check = [](std::size_t limit_bytes, auto gate) {
        const std::size_t limit = limit_bytes / 12; // nonzeros of 12 bytes (double, int32)
        CHECK_FALSE(gate(double{}, std::int32_t{}, limit));
        CHECK(gate(double{}, std::int32_t{}, limit + 1));
        CHECK(gate(double{}, std::int64_t{}, limit));      // 16 bytes each
        CHECK_FALSE(gate(float{}, std::int32_t{}, limit)); // 8 bytes each
    };
    check(kernels::streamed_matrix_bytes, [](auto v, auto i, std::size_t nnz) { return kernels::worth_streaming<decltype(v), decltype(i)>(nnz); });
    check(backend::claimed_matrix_bytes, [](auto v, auto i, std::size_t nnz) { return backend::claims_pes<decltype(v), decltype(i)>(nnz); });

    // spmv_streaming: nothing up to streamed_matrix_bytes of values and indices; beyond, the matrix,
    // and y too once the matrix and y (8 bytes a row for double) outgrow streamed_output_bytes.
    using kernels::spmv_streams;
    const std::size_t hinted = kernels::streamed_matrix_bytes / 12 + 1, rows = 1000;
    CHECK(kernels::spmv_streaming<double, std::int32_t>(hinted - 1, rows) == spmv_streams::none);
    CHECK(kernels::spmv_streaming<double, std::int32_t>(hinted, rows) == spmv_streams::matrix);
    const std::size_t nnz = 2 * hinted, matrix_bytes = 12 * nnz;
    REQUIRE(matrix_bytes < kernels::streamed_output_bytes);
    const std::size_t fill = (kernels::streamed_output_bytes - matrix_bytes) / 8; // rows that bring it to the limit
    CHECK(kernels::spmv_streaming<double, std::int32_t>(nnz, fill) == spmv_streams::matrix);
    CHECK(kernels::spmv_streaming<double, std::int32_t>(nnz, fill + 1) == spmv_streams::matrix_and_y);
    CHECK(kernels::spmv_streaming<double, std::int32_t>(kernels::streamed_output_bytes / 12 + 1, 0) == spmv_streams::matrix_and_y);
}

TEST_CASE("the prefetching row loop adds the same terms in the same order as the plain one") {
    const auto A = generators::rmat<double>(14, 16, 6); // 16k rows, ~260k nonzeros
    const auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 9);
    const auto ptr = A.row_ptr();
    for (const auto stream : {kernels::spmv_streams::matrix_and_y, kernels::spmv_streams::matrix, kernels::spmv_streams::none}) {
        INFO("stream " << static_cast<int>(stream));
        std::vector<double> y(static_cast<std::size_t>(A.rows()), 1.0), want(y.size());
        for (std::size_t i = 0; i < want.size(); ++i)
            want[i] = 0.5 * kernels::row_dot<true>(A.col_idx().data(), A.values().data(), static_cast<std::size_t>(ptr[i]),
                                                   static_cast<std::size_t>(ptr[i + 1]), x.data(), 1) - 2.0 * y[i];
        kernels::csr_spmv_rows_streaming<true>(ptr.data(), A.col_idx().data(), A.values().data(), 0, y.size(), 0.5, x.data(), 1, -2.0,
                                               y.data(), 1, stream);
        CHECK(y == want);
    }
}

TEST_CASE_TEMPLATE("the row loop that streams y's whole lines stores the bits of the loop that writes y through the caches, at every "
                   "alignment of y, and nothing outside its rows",
                   T, float, double) {
    // spmv_streams::matrix_and_y with beta = 0 writes y's whole cache lines by non-temporal stores
    // and the rows before the first line boundary and after the last as usual. Rows [rb, re) of an
    // R-MAT matrix (rows of 0 to hundreds of nonzeros) into y shifted one element at a time from a
    // cache line, against spmv_streams::matrix, with alpha 1 and 0.5, values and unit_values.
    const auto A = generators::rmat<T>(10, 8, 12);
    const auto pattern = pattern_of(A);
    const auto x = random_vector<T>(static_cast<std::size_t>(A.cols()), 13);
    const auto m = static_cast<std::size_t>(A.rows());
    constexpr std::size_t line = 64 / sizeof(T);
    for (const auto& [rb, re] : {std::pair<std::size_t, std::size_t>{0, m}, {3, m - 5}, {17, 17 + 2 * line - 1}, {9, 12}}) {
        for (std::size_t shift = 0; shift < line; ++shift) {
            for (const T alpha : {T(1), T(0.5)}) {
                for (const bool ones : {false, true}) {
                    INFO("rows [" << rb << ", " << re << "), y " << shift << " elements past a cache line, alpha " << alpha
                                  << (ones ? ", unit_values" : ""));
                    aligned_vector<T> streamed(shift + m + line, T(7)), cached(shift + m + line, T(7));
                    const auto run = [&](T* y, kernels::spmv_streams how) {
                        if (ones)
                            kernels::csr_spmv_rows_streaming<true>(pattern.row_ptr().data(), pattern.col_idx().data(),
                                                                   kernels::unit_values<T>{}, rb, re, alpha, x.data(), 1, T(0), y, 1, how);
                        else
                            kernels::csr_spmv_rows_streaming<true>(A.row_ptr().data(), A.col_idx().data(), A.values().data(), rb, re,
                                                                   alpha, x.data(), 1, T(0), y, 1, how);
                    };
                    run(streamed.data() + shift, kernels::spmv_streams::matrix_and_y);
                    run(cached.data() + shift, kernels::spmv_streams::matrix);
                    CHECK(first_difference(streamed, cached) == -1);
                    if (rb > 0) CHECK(streamed[shift + rb - 1] == T(7));
                    CHECK(streamed[shift + re] == T(7));
                }
            }
        }
    }
}

TEST_CASE("the row loops on unit_values give the bits of the same loops reading an array of ones, streamed or not") {
    for (const int scale : {14, 8}) { // ~260k nonzeros and ~2k
        const auto A = pattern_of(generators::rmat<double>(scale, 16, 7));
        auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 10);
        x[3] = -0.0, x[5] = std::numeric_limits<double>::infinity();
        const auto ptr = A.row_ptr();
        const std::vector<double> y0(static_cast<std::size_t>(A.rows()), 1.0);
        for (const auto stream : {kernels::spmv_streams::matrix, kernels::spmv_streams::none}) {
            INFO("scale " << scale << " stream " << static_cast<int>(stream));
            auto y = y0, want = y0;
            kernels::csr_spmv_rows_streaming<true>(ptr.data(), A.col_idx().data(), kernels::unit_values<double>{}, 0, y.size(), 0.5,
                                                   x.data(), 1, -2.0, y.data(), 1, stream);
            kernels::csr_spmv_rows_streaming<true>(ptr.data(), A.col_idx().data(), A.values().data(), 0, y.size(), 0.5, x.data(), 1,
                                                   -2.0, want.data(), 1, stream);
            CHECK(first_difference(y, want) == -1);
        }
    }
}

TEST_CASE("refreshing a checkerboard plan with many blocks per row matches a fresh plan, and a moved column is refused") {
    const auto A = generators::rmat<double>(9, 10, 21);
    auto A2 = A;
    for (std::size_t k = 0; k < A2.values().size(); ++k) A2.values()[k] = 0.25 + static_cast<double>(k % 13);
    for (const pe_grid grid : {pe_grid{3, 4}, pe_grid{1, 7}, pe_grid{5, 1}})
        for (op o : all_ops) {
            INFO(to_string(grid) << " " << to_string(o));
            auto plan = plan_spmv(A, grid, placement::checkerboard, o);
            plan.refresh_values(A2);
            const auto fresh = plan_spmv(A2, grid, placement::checkerboard, o);
            const auto x = random_vector<double>(static_cast<std::size_t>(plan.cols()), 4);
            std::vector<double> got(static_cast<std::size_t>(plan.rows())), want(got.size());
            plan.execute(backend::sequential{}, 1.0, x, 0.0, got);
            fresh.execute(backend::sequential{}, 1.0, x, 0.0, want);
            CHECK(got == want);
        }
    // Same row pointer, one column index moved inside a row: a different pattern.
    std::vector<std::int32_t> ptr(A.row_ptr().begin(), A.row_ptr().end()), idx(A.col_idx().begin(), A.col_idx().end());
    std::vector<double> val(A.values().begin(), A.values().end());
    std::size_t row = 0;
    while (A.row_nnz(static_cast<std::int32_t>(row)) == 0 || A.col_idx()[static_cast<std::size_t>(ptr[row + 1]) - 1] + 1 >= A.cols()) ++row;
    ++idx[static_cast<std::size_t>(ptr[row + 1]) - 1]; // the row's last column, one further right: still sorted
    auto plan = plan_spmv(A, pe_grid{3, 4}, placement::checkerboard);
    CHECK_THROWS_AS(plan.refresh_values(csr_matrix<double>(A.rows(), A.cols(), ptr, idx, val)), invalid_argument_error);
}

#if defined(__GNUC__) || defined(__clang__)
TEST_CASE("the out-of-line row kernels start on a 64-byte boundary, wherever the linker puts them") {
    // Their loops' place relative to cache lines then depends on the kernel alone: the same
    // csr_spmv_rows took 214-242 us on `arrow` (rows of 2 nonzeros) beginning 32 bytes past a line,
    // 131-175 us beginning on one or 48 bytes past it (row_kernels.hpp).
    const auto line_offset = [](auto* fn) { return reinterpret_cast<std::uintptr_t>(fn) % 64; };
    CHECK(line_offset(&kernels::csr_spmv_rows<true, double, std::int32_t, const double*>) == 0);
    CHECK(line_offset(&kernels::csr_spmv_rows<false, float, std::int64_t, const float*>) == 0);
    CHECK(line_offset(&kernels::csr_spmv_rows<true, double, std::int32_t, kernels::unit_values<double>>) == 0);
    CHECK(line_offset(&kernels::one_panel_rows<8, double, std::int32_t, const double*>) == 0);
}
#endif
