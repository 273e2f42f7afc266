// SpMV plans with spmv_layout::diagonal_chunks: the chunks found (checked against the CSR rows they
// stand for), results those of a CSR plan up to rounding (the same terms in the same order; a fused
// multiply-add may differ) and bitwise the same on every backend and thread count, for every stride
// and scaling; masked lanes that must not read x, refreshed values, the CSR form given back, and
// where no chunks are formed. Built portable and with -march=native (the AVX-512 kernel, where the
// CPU has it).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "backends.hpp"
#include "test_matrices.hpp"

#include <waferblas/waferblas.hpp>

using namespace waferblas;

namespace {

/// Stencils and bands of several shapes, with the rows that break chunks: boundaries, rows left
/// empty, identity (Dirichlet) rows; row counts that are not multiples of 8.
template <class T, class I>
std::vector<testing::matrix_case<T, I>> chunkable_cases() {
    namespace gen = generators;
    std::vector<testing::matrix_case<T, I>> cases;
    const auto add = [&](std::string name, csr_matrix<T, I> A) { cases.push_back({std::move(name), std::move(A)}); };
    add("poisson3d 13x11x9", gen::poisson3d<T, I>(13, 11, 9));
    add("poisson3d 16x16x16", gen::poisson3d<T, I>(16, 16, 16));
    add("poisson2d 61x37", gen::poisson2d<T, I>(61, 37));
    add("banded 1001 (3, 5)", gen::banded<T, I>(1001, 3, 5, 7));
    add("banded 515 (0, 0)", gen::banded<T, I>(515, 0, 0, 3));
    add("banded 700 (20, 11)", gen::banded<T, I>(700, 20, 11, 5));
    // A banded matrix with every 53rd row emptied and every 37th made an identity row.
    const auto B = gen::banded<T, I>(1203, 2, 2, 9);
    coo_matrix<T, I> t(B.rows(), B.cols());
    for (I i = 0; i < B.rows(); ++i) {
        if (i % 53 == 5) continue;
        if (i % 37 == 2) {
            t.add(i, i, T(1));
            continue;
        }
        for (auto k = B.row_ptr()[static_cast<std::size_t>(i)]; k < B.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k)
            t.add(i, B.col_idx()[static_cast<std::size_t>(k)], B.values()[static_cast<std::size_t>(k)]);
    }
    add("banded with empty and identity rows", to_csr(t));
    add("poisson3d 12x12x12 of ones", testing::pattern_of(gen::poisson3d<T, I>(12, 12, 12)));
    return cases;
}

/// Admissible error of a chunked product against the CSR one: the same sums up to fused roundings.
template <class T, class I>
double chunk_tolerance(const csr_matrix<T, I>& A) {
    std::size_t longest = 1;
    for (I i = 0; i < A.rows(); ++i) longest = std::max(longest, static_cast<std::size_t>(A.row_nnz(i)));
    return testing::tolerance<T>(longest);
}

/// Every lowered chunk's diagonals, read back lane by lane, are its rows' CSR columns in order,
/// with the parity of each nonzero's place in its row; the values are those columns' values.
template <class T, class I>
void check_chunks_stand_for_rows(const csr_matrix<T, I>& A, const sparse_program<T, I>& prog) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const auto& ch = prog.chunks();
    const auto ptr = A.row_ptr();
    const auto stored = prog.row_blocks().values;
    REQUIRE(ch.chunks() == static_cast<std::size_t>(A.rows()) / H);
    REQUIRE(ch.first_diagonal.size() == ch.chunks() + 1);
    for (std::size_t c = 0; c < ch.chunks(); ++c) {
        if (!ch.lowered[c]) {
            CHECK(ch.first_diagonal[c] == ch.first_diagonal[c + 1]);
            continue;
        }
        std::size_t cursor[H];
        for (std::size_t j = 0; j < H; ++j) cursor[j] = static_cast<std::size_t>(ptr[c * H + j]);
        auto v = static_cast<std::size_t>(ptr[c * H]); // the chunk's values, in chunk order
        for (std::size_t t = ch.first_diagonal[c]; t < ch.first_diagonal[c + 1]; ++t) {
            CHECK((ch.even[t] & ch.odd[t]) == 0);
            CHECK((ch.even[t] | ch.odd[t]) != 0);
            for (std::size_t j = 0; j < H; ++j) {
                const bool even = ch.even[t] >> j & 1u, odd = ch.odd[t] >> j & 1u;
                if (!even && !odd) continue;
                const std::size_t k = cursor[j]++;
                REQUIRE(k < static_cast<std::size_t>(ptr[c * H + j + 1]));
                CHECK(A.col_idx()[k] == ch.base[t] + static_cast<I>(j));
                CHECK(even == ((k - static_cast<std::size_t>(ptr[c * H + j])) % 2 == 0));
                CHECK(stored[v++] == A.values()[k]);
            }
        }
        for (std::size_t j = 0; j < H; ++j) CHECK(cursor[j] == static_cast<std::size_t>(ptr[c * H + j + 1]));
    }
}

template <class T, class I>
void check_like_csr() {
    for (const auto& c : chunkable_cases<T, I>()) {
        const auto& A = c.A;
        for (const std::size_t pes : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
            INFO(c.name << " on 1 x " << pes);
            const pe_grid grid{1, pes};
            const auto chunked = plan_spmv(A, grid, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
            const auto plain = plan_spmv(A, grid, placement::row_blocks, op::none, spmv_layout::csr);
            CHECK(plain.program().chunks().empty());
            if (pes <= 2) REQUIRE_FALSE(chunked.program().chunks().empty()); // small grids: nearly all rows in chunks
            if (!chunked.program().chunks().empty()) check_chunks_stand_for_rows(A, chunked.program());
            CHECK(chunked.program().matrix() == A);
            const auto x = testing::patterned_vector<T>(static_cast<std::size_t>(A.cols()), 1);
            const auto y0 = testing::patterned_vector<T>(static_cast<std::size_t>(A.rows()), 2);
            std::vector<T> xs(3 * x.size()); // x with stride 3: the lane-by-lane kernel
            for (std::size_t i = 0; i < x.size(); ++i) xs[3 * i] = x[i];
            const vector_view<const T> x_strided(xs.data(), x.size(), 3);
            for (const auto& [alpha, beta] : {std::pair<T, T>{1, 0}, {2, 0}, {T(0.5), T(-1.5)}}) {
                INFO("alpha " << alpha << " beta " << beta);
                auto y_plain = y0, y_first = y0;
                plain.execute(backend::sequential{}, alpha, x, beta, y_plain);
                chunked.execute(backend::sequential{}, alpha, x, beta, y_first);
                CHECK(testing::relative_error(y_first, y_plain) <= chunk_tolerance(A));
                std::vector<T> ys_first(2 * y0.size()), ys_plain(2 * y0.size());
                for (std::size_t i = 0; i < y0.size(); ++i) ys_first[2 * i] = ys_plain[2 * i] = y0[i];
                chunked.execute(backend::sequential{}, alpha, x_strided, beta, vector_view<T>(ys_first.data(), y0.size(), 2));
                plain.execute(backend::sequential{}, alpha, x_strided, beta, vector_view<T>(ys_plain.data(), y0.size(), 2));
                CHECK(testing::relative_error(ys_first, ys_plain) <= chunk_tolerance(A));
                testing::for_each_backend(false, [&](const auto& b, const std::string& name) {
                    INFO(name);
                    auto y = y0;
                    chunked.execute(b, alpha, x, beta, y);
                    CHECK(testing::same_bits(y, y_first));
                    std::vector<T> ys(2 * y0.size());
                    for (std::size_t i = 0; i < y0.size(); ++i) ys[2 * i] = y0[i];
                    chunked.execute(b, alpha, x_strided, beta, vector_view<T>(ys.data(), y0.size(), 2));
                    CHECK(testing::same_bits(ys, ys_first));
                });
            }
        }
    }
}

} // namespace

TEST_CASE_TEMPLATE("diagonal chunks: the rows they stand for, results within rounding of a CSR plan, the same bits on every backend", P,
                   std::pair<double, std::int32_t>, std::pair<float, std::int32_t>, std::pair<double, std::int64_t>,
                   std::pair<float, std::int64_t>) {
    check_like_csr<typename P::first_type, typename P::second_type>();
}

TEST_CASE_TEMPLATE("diagonal chunks: y streamed in chunks of 8 rows gives the bits of y stored through the caches", T, double, float) {
    // With spmv_streams::matrix_and_y (the matrix and y beyond a last-level cache) and beta = 0, a
    // 16-byte aligned y takes each chunk's 8 sums by non-temporal stores; elsewhere y is stored as
    // usual. Kernel on every chunk of a plan's program, y at every 16-byte alignment from a cache
    // line and 8 bytes off one (not streamed), alpha 1 and 2; then a plan of a stencil whose matrix
    // and y outgrow the L3 (streamed through execute) into an aligned y and into one offset by an
    // element.
    const auto A = generators::poisson3d<T>(16, 16, 16);
    const auto plan = plan_spmv(A, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
    const auto& ch = plan.program().chunks();
    REQUIRE_FALSE(ch.empty());
    const auto rb = plan.program().row_blocks();
    const auto x = testing::patterned_vector<T>(static_cast<std::size_t>(A.cols()), 7);
    const std::size_t m = static_cast<std::size_t>(A.rows());
    for (const std::size_t shift_bytes : {0u, 8u, 16u, 32u, 48u}) {
        if (shift_bytes % sizeof(T) != 0) continue;
        for (const T alpha : {T(1), T(2)}) {
            INFO("y " << shift_bytes << " bytes past a cache line, alpha " << alpha);
            const std::size_t lead = shift_bytes / sizeof(T);
            aligned_vector<T> streamed(lead + m + 8, T(5)), cached(lead + m + 8, T(5));
            for (const auto& [y, how] : {std::pair{streamed.data(), kernels::spmv_streams::matrix_and_y},
                                         std::pair{cached.data(), kernels::spmv_streams::matrix}})
                kernels::diagonal_chunks_spmv<true>(rb.row_ptr.data(), rb.values.data(), ch, 0, ch.chunks(), alpha, x.data(), 1, T(0),
                                                    y + lead, 1, how);
            CHECK(testing::same_bits(std::vector<T>(streamed.begin(), streamed.end()), std::vector<T>(cached.begin(), cached.end())));
            CHECK(streamed[lead + ch.chunks() * 8] == T(5)); // rows after the last chunk are not the kernel's
        }
    }
    // 7 nonzeros of 12 or 8 bytes and 8 or 4 bytes of y a row: 72^3 rows of doubles and 88^3 of
    // floats outgrow streamed_output_bytes.
    const std::int64_t s = std::is_same_v<T, double> ? 72 : 88;
    const auto B = generators::poisson3d<T>(s, s, s);
    REQUIRE(kernels::spmv_streaming<T, std::int32_t>(static_cast<std::size_t>(B.nnz()), static_cast<std::size_t>(B.rows())) ==
            kernels::spmv_streams::matrix_and_y);
    const auto big = plan_spmv(B, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
    REQUIRE_FALSE(big.program().chunks().empty());
    const auto xb = testing::patterned_vector<T>(static_cast<std::size_t>(B.cols()), 8);
    const auto n = static_cast<std::size_t>(B.rows());
    aligned_vector<T> aligned_y(n + 1), offset_y(n + 1);
    testing::for_each_backend(false, [&](const auto& b, const std::string& name) {
        INFO(name);
        big.execute(b, T(1), xb, T(0), vector_view<T>(aligned_y.data(), n));
        big.execute(b, T(1), xb, T(0), vector_view<T>(offset_y.data() + 1, n));
        CHECK(std::equal(aligned_y.begin(), aligned_y.begin() + static_cast<std::ptrdiff_t>(n), offset_y.begin() + 1,
                         [](T a, T c) { return std::memcmp(&a, &c, sizeof(T)) == 0; }));
    });
}

TEST_CASE("diagonal chunks: a lane a row lacks does not read x") {
    // Tridiagonal, without entry (100, 101): row 100's chunk masks that lane of the +1 diagonal.
    // x[101] is NaN, which only rows 100 (not any more), 101 and 102 would read.
    const auto T3 = generators::banded<double>(256, 1, 1, 4);
    coo_matrix<double> t(T3.rows(), T3.cols());
    for (std::int32_t i = 0; i < T3.rows(); ++i)
        for (auto k = T3.row_ptr()[static_cast<std::size_t>(i)]; k < T3.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k)
            if (!(i == 100 && T3.col_idx()[static_cast<std::size_t>(k)] == 101)) t.add(i, T3.col_idx()[static_cast<std::size_t>(k)], T3.values()[static_cast<std::size_t>(k)]);
    const auto A = to_csr(t);
    const auto plan = plan_spmv(A, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
    REQUIRE(plan.program().chunks().lowered[100 / 8] == 1);
    auto x = testing::patterned_vector<double>(256, 3);
    x[101] = std::numeric_limits<double>::quiet_NaN();
    x[0] = std::numeric_limits<double>::infinity(); // row 0 is first in its chunk: lane 0 of the -1 diagonal would read x[-1]
    std::vector<double> y(256, 0.0), y_ref(256, 0.0);
    plan.execute(backend::sequential{}, 1.0, x, 0.0, y);
    spmv(backend::sequential{}, op::none, 1.0, A, x, 0.0, y_ref);
    for (std::size_t i = 0; i < y.size(); ++i) {
        INFO("row " << i);
        CHECK(std::isnan(y[i]) == std::isnan(y_ref[i]));
        CHECK(std::isinf(y[i]) == std::isinf(y_ref[i]));
        if (std::isfinite(y_ref[i])) CHECK(std::abs(y[i] - y_ref[i]) <= 1e-14 * (1 + std::abs(y_ref[i])));
    }
    CHECK(std::isfinite(y[100]));
    CHECK(std::isnan(y[101]));
}

TEST_CASE("diagonal chunks: refresh_values, transposes, concurrent executions, values of one") {
    const auto A = generators::poisson3d<double>(14, 13, 12);
    auto plan = plan_spmv(A, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
    REQUIRE_FALSE(plan.program().chunks().empty());
    const auto x = testing::patterned_vector<double>(static_cast<std::size_t>(A.cols()), 5);

    SUBCASE("refresh_values puts new values in chunk order") {
        auto A2 = A;
        for (std::size_t k = 0; k < A2.values().size(); ++k) A2.values()[k] = 1.0 + static_cast<double>(k % 11);
        plan.refresh_values(A2);
        CHECK(plan.program().matrix() == A2);
        std::vector<double> y(static_cast<std::size_t>(A.rows())), y_ref(y.size());
        plan.execute(backend::sequential{}, 1.0, x, 0.0, y);
        spmv(backend::sequential{}, op::none, 1.0, A2, x, 0.0, y_ref);
        CHECK(testing::relative_error(y, y_ref) <= chunk_tolerance(A2));
        CHECK_THROWS_AS(plan.refresh_values(generators::poisson3d<double>(14, 13, 11)), invalid_argument_error);
    }
    SUBCASE("op::transpose lowers the transpose's chunks") {
        const auto N = generators::banded<double>(777, 2, 6, 8); // not symmetric
        const auto pt = plan_spmv(N, pe_grid{1, 2}, placement::row_blocks, op::transpose, spmv_layout::diagonal_chunks);
        const auto pc = plan_spmv(N, pe_grid{1, 2}, placement::row_blocks, op::transpose, spmv_layout::csr);
        REQUIRE_FALSE(pt.program().chunks().empty());
        const auto xn = testing::patterned_vector<double>(777, 6);
        std::vector<double> y1(777), y2(777);
        pt.execute(backend::sequential{}, 1.0, xn, 0.0, y1);
        pc.execute(backend::sequential{}, 1.0, xn, 0.0, y2);
        CHECK(testing::relative_error(y1, y2) <= chunk_tolerance(N));
    }
    SUBCASE("threads sharing one plan get the same results") {
        std::vector<double> y_ref(static_cast<std::size_t>(A.rows()));
        plan.execute(backend::sequential{}, 1.0, x, 0.0, y_ref);
        const auto ys = testing::concurrent_results<double>(4, y_ref.size(), [&](std::vector<double>& y) {
            plan.execute(backend::sequential{}, 1.0, x, 0.0, y);
        });
        for (const auto& y : ys) CHECK(testing::same_bits(y, y_ref));
    }
    SUBCASE("values of one: no values read, the same bits") {
        const auto P = testing::pattern_of(A);
        const auto pp = plan_spmv(P, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
        REQUIRE(pp.program().row_blocks().all_values_one);
        REQUIRE_FALSE(pp.program().chunks().empty());
        std::vector<double> y1(static_cast<std::size_t>(A.rows())), y2(y1.size());
        pp.execute(backend::sequential{}, 1.0, x, 0.0, y1);
        spmv(backend::sequential{}, op::none, 1.0, P, x, 0.0, y2);
        CHECK(testing::relative_error(y1, y2) <= chunk_tolerance(P));
    }
    SUBCASE("a plan built from an rvalue permutes the values it takes over") {
        auto copy = A;
        const auto pr = plan_spmv(std::move(copy), pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
        REQUIRE_FALSE(pr.program().chunks().empty());
        CHECK(pr.program().matrix() == A);
        std::vector<double> y1(static_cast<std::size_t>(A.rows())), y2(y1.size());
        pr.execute(backend::sequential{}, 1.0, x, 0.0, y1);
        spmv(backend::sequential{}, op::none, 1.0, A, x, 0.0, y2);
        CHECK(testing::relative_error(y1, y2) <= chunk_tolerance(A));
    }
}

TEST_CASE("diagonal chunks: none where they would not hold nearly all nonzeros, or do not apply") {
    const auto rmat = generators::rmat<double>(11, 8, 5);
    CHECK(plan_spmv(rmat, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks).program().chunks().empty());
    const auto random = generators::random_sparse<double>(500, 400, 0.02, 3);
    CHECK(plan_spmv(random, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks).program().chunks().empty());
    // Complex types keep CSR (the parity and masks would be the same, but no kernel is written for them).
    const auto Z = generators::poisson3d<std::complex<double>>(10, 10, 10);
    CHECK(plan_spmv(Z, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks).program().chunks().empty());
    // Many PEs on a small matrix: rows at PE boundaries stay outside chunks, too many of them.
    const auto small = generators::banded<double>(400, 1, 1, 2);
    CHECK(plan_spmv(small, pe_grid{1, 16}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks).program().chunks().empty());
    SUBCASE("chunks given up on after many were lowered: values back in CSR order, copied or in place") {
        // 800 rows of a tridiagonal band (its chunks are lowered as they are met), then 80 rows of 20
        // scattered nonzeros: far more than 1/32 of the nonzeros outside chunks, known only at the end.
        std::vector<std::int32_t> ptr{0}, idx;
        std::vector<double> val;
        for (std::int32_t r = 0; r < 880; ++r) {
            if (r < 800)
                for (std::int32_t c = std::max(r - 1, 0); c <= std::min(r + 1, 879); ++c) idx.push_back(c), val.push_back(1.0 + r % 7 + 0.125 * (c - r));
            else
                for (std::int32_t k = 0; k < 20; ++k) idx.push_back(k * 44 + r * 7 % 44), val.push_back(0.5 + k);
            ptr.push_back(static_cast<std::int32_t>(idx.size()));
        }
        const csr_matrix<double> M(880, 880, ptr, idx, val);
        const auto plain = plan_spmv(M, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::csr);
        const auto x = testing::patterned_vector<double>(880, 3);
        std::vector<double> want(880);
        plain.execute(backend::sequential{}, 1.0, x, 0.0, want);
        auto moved = M;
        for (const auto& plan : {plan_spmv(M, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks),
                                 plan_spmv(std::move(moved), pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks)}) {
            CHECK(plan.program().chunks().empty());
            CHECK(plan.program().matrix() == M);
            std::vector<double> y(880);
            plan.execute(backend::sequential{}, 1.0, x, 0.0, y);
            CHECK(y == want);
        }
    }
    for (const auto& c : testing::generated_cases<double, std::int32_t>()) {
        INFO(c.name);
        const auto plan = plan_spmv(c.A, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
        const auto plain = plan_spmv(c.A, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::csr);
        const auto x = testing::patterned_vector<double>(static_cast<std::size_t>(c.A.cols()), 7);
        std::vector<double> y1(static_cast<std::size_t>(c.A.rows()), 1.0), y2 = y1;
        plan.execute(backend::sequential{}, 2.0, x, 0.5, y1);
        plain.execute(backend::sequential{}, 2.0, x, 0.5, y2);
        CHECK(testing::relative_error(y1, y2) <= chunk_tolerance(c.A));
        CHECK(plan.program().matrix() == c.A);
    }
    // The checkerboard placement has no chunks to ask for; SpMM refuses a program with chunks.
    const auto A = generators::poisson3d<double>(10, 10, 10);
    const auto cb = plan_spmv(A, pe_grid{2, 2}, placement::checkerboard, op::none, spmv_layout::diagonal_chunks);
    CHECK_THROWS_AS((void)cb.program().chunks(), invalid_argument_error);
    const auto prog = sparse_program<double>::lower(A, pe_grid{1, 1}, placement::row_blocks, op::none, spmv_layout::diagonal_chunks);
    REQUIRE_FALSE(prog.chunks().empty());
    std::vector<double> B(1000 * 4, 1.0), C(1000 * 4);
    CHECK_THROWS_AS(detail::execute_spmm(backend::sequential{}, prog, 1.0, matrix_view<const double>(B.data(), 1000, 4), 0.0,
                                         matrix_view<double>(C.data(), 1000, 4)),
                    invalid_argument_error);
}
