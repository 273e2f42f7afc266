// Backend agreement: the parallel backends (tbb and openmp, with 1 and 2 threads) against the
// sequential reference. Plans fix the split by their grid, so every backend must reproduce the
// sequential result bit for bit; so must the free functions when deterministic results are asked
// for. Otherwise the free functions may split by thread count and must match within the error
// bound. Also: several std::threads sharing one const plan or one const matrix at once.
// Plans with spmv_layout::rows_by_length order the rows of the small generated matrices too.
#define WAFERBLAS_ROWS_BY_LENGTH_MIN_BYTES 0
#include <waferblas/backend/openmp.hpp>
#include <waferblas/backend/tbb.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <waferblas/io/matrix_market.hpp>

#include "backends.hpp"
#include "reference.hpp"
#include "test_matrices.hpp"

using namespace waferblas;
using namespace waferblas::testing;

static_assert(backend_count() == 5, "this test needs both parallel backends: sequential, tbb{1}, tbb{2}, openmp{1}, openmp{2}");

namespace {

constexpr op all_ops[] = {op::none, op::transpose, op::conj_transpose};
const pe_grid agreement_grids[] = {{1, 1}, {2, 2}, {4, 4}, {16, 16}};
constexpr placement all_placements[] = {placement::row_blocks, placement::checkerboard};
constexpr std::size_t rhs_cols = 3;

template <class T>
bool bitwise_equal(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// Dense operands of an SpMM: B (n x rhs_cols, row-major) and C (m x rhs_cols, column-major with
/// a padded leading dimension, so C's rows are strided and its padding must stay untouched).
template <class T>
struct spmm_operands {
    std::size_t m, n, ldc;
    std::vector<T> b, c0;

    spmm_operands(std::size_t rows, std::size_t cols, std::uint64_t seed)
        : m(rows), n(cols), ldc(rows + 2), b(random_vector<T>(cols * rhs_cols, seed)),
          c0(random_vector<T>(ldc * rhs_cols, seed + 1)) {}

    [[nodiscard]] matrix_view<const T> B() const { return {b.data(), n, rhs_cols, layout::row_major}; }
    [[nodiscard]] matrix_view<T> C(std::vector<T>& c) const { return {c.data(), m, rhs_cols, layout::col_major, ldc}; }
};

/// Every plan (grid x placement x op) on every backend reproduces the sequential backend bitwise:
/// SpMV with unit and strided vectors, and SpMM; a row_blocks SpMV plan with its rows in order of
/// length (spmv_layout::rows_by_length), and row_blocks plans of A that borrow it (borrow(A)), give
/// the copying CSR plan's bits too.
template <class T, class I>
void check_plans_agree(const std::string& name, const csr_matrix<T, I>& A) {
    const T alpha = make_scalar<T>(0.75, -0.5);
    const T beta = make_scalar<T>(-1.25, 0.25);
    for (op o : all_ops) {
        const auto m = static_cast<std::size_t>(o == op::none ? A.rows() : A.cols());
        const auto n = static_cast<std::size_t>(o == op::none ? A.cols() : A.rows());
        const auto x = random_vector<T>(n, 21), y0 = random_vector<T>(m, 22);
        // Strided: x every other element, y backwards.
        std::vector<T> xs(2 * n + 1);
        for (std::size_t i = 0; i < n; ++i) xs[2 * i] = x[i];
        const auto strided_x = vector_view<const T>(xs.data(), n, 2);
        const auto strided_y = [&](std::vector<T>& y) { return vector_view<T>(m ? y.data() + m - 1 : y.data(), m, -1); };
        const spmm_operands<T> mm(m, n, 23);

        for (const pe_grid& grid : agreement_grids)
            for (placement pl : all_placements) {
                const std::string what = name + " " + to_string(o) + " " + to_string(grid) + " " + to_string(pl);
                const auto plan = plan_spmv(A, grid, pl, o);
                const auto sorted = plan_spmv(A, grid, pl, o, spmv_layout::rows_by_length);
                const auto mplan = plan_spmm(A, grid, pl, o);
                const bool borrows = pl == placement::row_blocks && o == op::none;
                const auto borrowed = borrows ? std::optional(plan_spmv(borrow(A), grid)) : std::nullopt;
                const auto mborrowed = borrows ? std::optional(plan_spmm(borrow(A), grid)) : std::nullopt;
                const backend::sequential seq;
                auto ref = y0, ref_strided = y0, ref_mm = mm.c0;
                plan.execute(seq, alpha, x, beta, ref);
                plan.execute(seq, alpha, strided_x, beta, strided_y(ref_strided));
                mplan.execute(seq, alpha, mm.B(), beta, mm.C(ref_mm));
                for_each_backend(false, [&](const auto& b, const std::string& bname) {
                    INFO(what << " on " << bname);
                    auto y = y0;
                    plan.execute(b, alpha, x, beta, y);
                    CHECK_MESSAGE(first_difference(y, ref) == -1, "spmv plan: first differing entry " << first_difference(y, ref));
                    y = y0;
                    plan.execute(b, alpha, strided_x, beta, strided_y(y));
                    CHECK_MESSAGE(first_difference(y, ref_strided) == -1, "strided spmv plan: first differing entry " << first_difference(y, ref_strided));
                    y = y0;
                    sorted.execute(b, alpha, x, beta, y);
                    CHECK_MESSAGE(first_difference(y, ref) == -1, "rows by length: first differing entry " << first_difference(y, ref));
                    y = y0;
                    sorted.execute(b, alpha, strided_x, beta, strided_y(y));
                    CHECK_MESSAGE(first_difference(y, ref_strided) == -1, "strided, rows by length: first differing entry " << first_difference(y, ref_strided));
                    auto c = mm.c0;
                    mplan.execute(b, alpha, mm.B(), beta, mm.C(c));
                    CHECK_MESSAGE(first_difference(c, ref_mm) == -1, "spmm plan: first differing entry " << first_difference(c, ref_mm));
                    if (!borrows) return;
                    y = y0;
                    borrowed->execute(b, alpha, strided_x, beta, strided_y(y));
                    CHECK_MESSAGE(first_difference(y, ref_strided) == -1, "strided, borrowed: first differing entry " << first_difference(y, ref_strided));
                    c = mm.c0;
                    mborrowed->execute(b, alpha, mm.B(), beta, mm.C(c));
                    CHECK_MESSAGE(first_difference(c, ref_mm) == -1, "spmm, borrowed: first differing entry " << first_difference(c, ref_mm));
                });
            }
    }
}

/// alpha op(A) B + beta C0 by Eigen, with the magnitude |alpha| |op(A)| |B| + |beta| |C0| for the
/// error bound; compares a column-major C (leading dimension mm.ldc) against it.
template <class T, class I>
struct spmm_reference {
    dense_matrix<T> want;
    Eigen::Matrix<real_t<T>, Eigen::Dynamic, Eigen::Dynamic> magnitude;
    std::size_t terms = 0;

    spmm_reference(const csr_matrix<T, I>& A, op o, T alpha, const spmm_operands<T>& mm, T beta) {
        using row_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const auto E = eigen_op(A, o);
        const Eigen::Map<const row_major> Be(mm.b.data(), static_cast<Eigen::Index>(mm.n), static_cast<Eigen::Index>(rhs_cols));
        const dense_matrix<T> C0 = column_major(mm.c0, mm);
        want = alpha * (E * Be) + beta * C0;
        magnitude = std::abs(alpha) * (E.cwiseAbs() * Be.cwiseAbs()) + std::abs(beta) * C0.cwiseAbs();
        for (Eigen::Index i = 0; i < E.outerSize(); ++i)
            terms = std::max(terms, static_cast<std::size_t>(E.outerIndexPtr()[i + 1] - E.outerIndexPtr()[i]));
    }

    static dense_matrix<T> column_major(const std::vector<T>& c, const spmm_operands<T>& mm) {
        dense_matrix<T> d(static_cast<Eigen::Index>(mm.m), static_cast<Eigen::Index>(rhs_cols));
        T* out = d.data(); // raw storage: Eigen's accessors are slow at the sanitizers' -O0
        for (std::size_t j = 0; j < rhs_cols; ++j)
            for (std::size_t i = 0; i < mm.m; ++i) out[i + j * mm.m] = c[i + j * mm.ldc];
        return d;
    }

    void check(const std::vector<T>& c, const spmm_operands<T>& mm) const {
        const auto bad = first_violation<T>(column_major(c, mm), want, magnitude, terms);
        INFO("first wrong entry " << bad);
        CHECK(bad == -1);
    }
};

/// The free functions, CSR and CSC operands, every op: with deterministic options bitwise identical
/// on every backend (and correct); without, correct within the error bound.
template <class T, class I>
void check_free_functions(const std::string& name, const csr_matrix<T, I>& A) {
    const T alpha = make_scalar<T>(-0.5, 1.0);
    const T beta = make_scalar<T>(0.5, -0.25);
    const auto Ac = to_csc(A);
    for (op o : all_ops) {
        const auto m = static_cast<std::size_t>(o == op::none ? A.rows() : A.cols());
        const auto n = static_cast<std::size_t>(o == op::none ? A.cols() : A.rows());
        const auto x = random_vector<T>(n, 31), y0 = random_vector<T>(m, 32);
        const spmv_reference<T, I> ref(A, o, alpha, x, beta, y0);
        const spmm_operands<T> mm(m, n, 33);
        const spmm_reference<T, I> mref(A, o, alpha, mm, beta);

        for (bool deterministic : {true, false}) {
            bool have_first = false;
            std::vector<T> first_csr, first_csc, first_mm_csr, first_mm_csc;
            for_each_backend(deterministic, [&](const auto& b, const std::string& bname) {
                const std::string what = name + " " + to_string(o) + " free function on " + bname +
                                         (deterministic ? " (deterministic)" : "");
                INFO(what);
                auto y = y0, yc = y0;
                spmv(b, o, alpha, A, x, beta, y);
                spmv(b, o, alpha, Ac, x, beta, yc);
                ref.check(y, what + " csr");
                ref.check(yc, what + " csc");
                auto c = mm.c0, cc = mm.c0;
                spmm(b, o, alpha, A, mm.B(), beta, mm.C(c));
                spmm(b, o, alpha, Ac, mm.B(), beta, mm.C(cc));
                mref.check(c, mm);
                mref.check(cc, mm);
                if (!deterministic) return;
                if (!have_first) {
                    have_first = true;
                    first_csr = y;
                    first_csc = yc;
                    first_mm_csr = c;
                    first_mm_csc = cc;
                    return;
                }
                CHECK_MESSAGE(first_difference(y, first_csr) == -1, "spmv csr differs from sequential at " << first_difference(y, first_csr));
                CHECK_MESSAGE(first_difference(yc, first_csc) == -1, "spmv csc differs from sequential at " << first_difference(yc, first_csc));
                CHECK_MESSAGE(first_difference(c, first_mm_csr) == -1, "spmm csr differs from sequential at " << first_difference(c, first_mm_csr));
                CHECK_MESSAGE(first_difference(cc, first_mm_csc) == -1, "spmm csc differs from sequential at " << first_difference(cc, first_mm_csc));
            });
        }
    }
}

std::vector<std::filesystem::path> shared_matrix_files() {
    std::vector<std::filesystem::path> files;
    if (const auto dir = shared_matrices_dir())
        for (const auto& e : std::filesystem::directory_iterator(*dir))
            if (e.path().extension() == ".mtx") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

TEST_CASE_TEMPLATE("plans give bitwise identical results on every backend and thread count (generated matrices)", TI,
                   std::pair<double, std::int32_t>, std::pair<std::complex<float>, std::int64_t>,
                   std::pair<float, std::int32_t>) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& c : generated_cases<T, I>()) check_plans_agree<T, I>(c.name, c.A);
}

TEST_CASE_TEMPLATE("free functions agree bitwise across backends when deterministic, within the bound otherwise (generated matrices)",
                   TI, std::pair<double, std::int32_t>, std::pair<std::complex<float>, std::int64_t>,
                   std::pair<float, std::int32_t>) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& c : generated_cases<T, I>()) check_free_functions<T, I>(c.name, c.A);
}

TEST_CASE("plans and deterministic free functions agree bitwise across backends on every shared matrix") {
    const auto files = shared_matrix_files();
    if (files.empty()) {
        MESSAGE("no shared matrix collection (set WAFERBLAS_MATRICES): skipped");
        return;
    }
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        if (io::read_matrix_market_header(f).field == io::mm_field::complex) {
            const auto A = io::read_matrix_market<std::complex<double>>(f);
            check_plans_agree(name, A);
            check_free_functions(name, A);
        } else {
            const auto A = io::read_matrix_market<double>(f);
            check_plans_agree(name, A);
            check_free_functions(name, A);
        }
    }
}

TEST_CASE("a plan whose PEs split no row runs as one pass over its rows on one thread: bitwise its PE tasks on the parallel backends") {
    // Large enough for the parallel backends to run the PE tasks (serial_threshold_flops).
    const auto band = generators::banded<double>(60000, 3, 3, 5);
    const auto rmat = generators::rmat<double>(14, 16, 6);
    for (const auto& [name, A] : {std::pair<std::string, const csr_matrix<double>&>{"banded", band}, {"rmat", rmat}})
        for (const spmv_layout layout : {spmv_layout::csr, spmv_layout::rows_by_length, spmv_layout::diagonal_chunks}) {
            INFO(name << ", layout " << to_string(layout));
            const auto plan = plan_spmv(A, pe_grid{1, 4}, placement::row_blocks, op::none, layout);
            if (name == "banded") REQUIRE_FALSE(plan.program().partition().splits_rows); // the one-pass path
            const auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 31);
            const auto y0 = random_vector<double>(static_cast<std::size_t>(A.rows()), 32);
            auto ref = y0;
            plan.execute(backend::sequential{}, 0.5, x, -2.0, ref);
            for_each_backend(false, [&](const auto& b, const std::string& bname) {
                INFO(bname);
                auto y = y0;
                plan.execute(b, 0.5, x, -2.0, y);
                CHECK(first_difference(y, ref) == -1);
            });
        }
}

TEST_CASE("threads sharing one const plan or one const matrix get identical results on tbb and openmp") {
    const auto A = generators::rmat<double>(11, 8, 5);
    const auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 41);
    const std::size_t m = static_cast<std::size_t>(A.rows());
    const auto row_plan = plan_spmv(A, pe_grid{4, 4}, placement::row_blocks);
    const auto borrowed_plan = plan_spmv(borrow(A), pe_grid{4, 4}); // reads A in place, as the free function does
    const auto board_plan = plan_spmv(A, pe_grid{4, 4}, placement::checkerboard, op::transpose);
    const execution_options deterministic{2, true};

    std::vector<double> want_row(m), want_board(m), want_free(m);
    row_plan.execute(backend::sequential{}, 1.0, x, 0.0, want_row);
    board_plan.execute(backend::sequential{}, 1.0, x, 0.0, want_board);
    spmv(backend::sequential{deterministic}, op::none, 1.0, A, x, 0.0, want_free);

    constexpr std::size_t thread_count = 4, repeats = 3;
    // Per thread: the results of each repeat on each of tbb and openmp, for three products.
    struct results {
        std::vector<std::vector<double>> row, borrowed, board, free;
    };
    std::vector<results> got(thread_count);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < thread_count; ++t)
        threads.emplace_back([&, t] {
            auto run = [&](const auto& b) {
                for (std::size_t r = 0; r < repeats; ++r) {
                    std::vector<double> y(m);
                    row_plan.execute(b, 1.0, x, 0.0, y);
                    got[t].row.push_back(y);
                    borrowed_plan.execute(b, 1.0, x, 0.0, y);
                    got[t].borrowed.push_back(y);
                    board_plan.execute(b, 1.0, x, 0.0, y);
                    got[t].board.push_back(y);
                    spmv(b, op::none, 1.0, A, x, 0.0, y);
                    got[t].free.push_back(y);
                }
            };
            run(backend::tbb{deterministic});
            run(backend::openmp{deterministic});
        });
    for (auto& th : threads) th.join();
    for (std::size_t t = 0; t < thread_count; ++t) {
        INFO("thread " << t);
        REQUIRE(got[t].row.size() == 2 * repeats);
        for (std::size_t r = 0; r < 2 * repeats; ++r) {
            INFO(std::string(r < repeats ? "tbb" : "openmp") << " run " << r % repeats);
            CHECK(bitwise_equal(got[t].row[r], want_row));
            CHECK(bitwise_equal(got[t].borrowed[r], want_row));
            CHECK(bitwise_equal(got[t].board[r], want_board));
            CHECK(bitwise_equal(got[t].free[r], want_free));
        }
    }
}

// Under ThreadSanitizer (label `backends`): the first statistics() of a plan counts its traffic
// (detail::computed_once), and the other threads read, wait for, or copy those counts meanwhile.
TEST_CASE("threads reading one plan's statistics, or copying the plan, while it counts its traffic get the same figures") {
    const auto A = generators::rmat<double>(10, 8, 17);
    const auto same = [](const program_statistics& a, const program_statistics& b) {
        if (a.pe.size() != b.pe.size()) return false;
        for (std::size_t p = 0; p < a.pe.size(); ++p)
            if (a.pe[p].words_sent != b.pe[p].words_sent || a.pe[p].words_received != b.pe[p].words_received ||
                a.pe[p].bytes_held != b.pe[p].bytes_held)
                return false;
        return a.comm.multicast_words == b.comm.multicast_words && a.comm.multicast_deliveries == b.comm.multicast_deliveries &&
               a.comm.reduction_words == b.comm.reduction_words && a.comm.point_to_point_words == b.comm.point_to_point_words &&
               a.comm.word_hops == b.comm.word_hops;
    };
    for (const placement pl : {placement::row_blocks, placement::checkerboard}) {
        INFO(to_string(pl));
        const auto want = plan_spmv(A, pe_grid{3, 4}, pl).statistics();
        CHECK(want.comm.word_hops + want.comm.multicast_words > 0);
        for (int round = 0; round < 3; ++round) {
            const auto plan = plan_spmv(A, pe_grid{3, 4}, pl);
            std::vector<program_statistics> got(4);
            std::vector<std::thread> threads;
            for (std::size_t t = 0; t < got.size(); ++t)
                threads.emplace_back([&, t] {
                    if (t % 2 == 0) {
                        got[t] = plan.statistics();
                    } else {
                        const auto copy = plan; // the counts when taken, else its own count
                        got[t] = copy.statistics();
                    }
                });
            for (auto& th : threads) th.join();
            for (const auto& g : got) CHECK(same(g, want));
        }
    }
}

TEST_CASE("the backends honour their thread count and deterministic flag") {
    CHECK(backend::tbb{3}.concurrency() == 3);
    CHECK(backend::openmp{3}.concurrency() == 3);
    CHECK_FALSE(backend::tbb{3}.deterministic());
    CHECK(backend::tbb{execution_options{2, true}}.deterministic());
    CHECK(backend::openmp{execution_options{2, true}}.deterministic());
    CHECK(backend::sequential{execution_options{0, true}}.deterministic());
    CHECK(backend::sequential{}.concurrency() == 1);
    // Every index is visited exactly once, whatever the thread count.
    for (std::size_t t : {std::size_t{1}, std::size_t{2}}) {
        std::vector<int> tbb_hits(1000), omp_hits(1000);
        backend::tbb{t}.parallel_for(tbb_hits.size(), [&](std::size_t i) { ++tbb_hits[i]; });
        backend::openmp{t}.parallel_for(omp_hits.size(), [&](std::size_t i) { ++omp_hits[i]; });
        CHECK(std::all_of(tbb_hits.begin(), tbb_hits.end(), [](int h) { return h == 1; }));
        CHECK(std::all_of(omp_hits.begin(), omp_hits.end(), [](int h) { return h == 1; }));
        // ...and when `t` workers claim the indices in turn (disjoint writes: each hit once).
        std::vector<int> tbb_claims(1000), omp_claims(1000);
        backend::parallel_claim(backend::tbb{t}, t, tbb_claims.size(), [&](std::size_t i) { ++tbb_claims[i]; });
        backend::parallel_claim(backend::openmp{t}, t, omp_claims.size(), [&](std::size_t i) { ++omp_claims[i]; });
        CHECK(std::all_of(tbb_claims.begin(), tbb_claims.end(), [](int h) { return h == 1; }));
        CHECK(std::all_of(omp_claims.begin(), omp_claims.end(), [](int h) { return h == 1; }));
    }
    // Counts beyond max_threads are clamped to it (an OpenMP count is an int: 2^31 threads asked
    // allocated for them and aborted), and OpenMP starts no more threads than tasks.
    constexpr auto huge = std::numeric_limits<std::size_t>::max();
    CHECK(backend::openmp{std::size_t{1} << 31}.concurrency() == max_threads);
    CHECK(backend::tbb{huge}.concurrency() == max_threads);
    set_num_threads(huge);
    CHECK(backend::openmp{}.concurrency() == max_threads);
    set_num_threads(0);
    std::vector<int> hits(8);
    backend::openmp{huge}.parallel_for(hits.size(), [&](std::size_t i) { ++hits[i]; });
    CHECK(hits == std::vector<int>(8, 1));
    // A task's exception reaches the caller; on OpenMP it may not leave the parallel region itself.
    const auto throws_at_3 = [](std::size_t i) {
        if (i == 3) throw std::runtime_error("task 3");
    };
    CHECK_THROWS_WITH_AS(backend::openmp{2}.parallel_for(100, throws_at_3), "task 3", std::runtime_error);
    CHECK_THROWS_WITH_AS(backend::sequential{}.parallel_for(100, throws_at_3), "task 3", std::runtime_error);
}

TEST_CASE("small calls run serially, large ones split one PE per thread, deterministic ones by the matrix alone") {
    using backend::free_function_pes;
    using backend::runs_serially;
    const std::size_t small = backend::serial_threshold_flops - 1, large = 100 * backend::serial_threshold_flops;
    CHECK(runs_serially(backend::tbb{2}, small));
    CHECK_FALSE(runs_serially(backend::tbb{2}, large));
    CHECK(runs_serially(backend::openmp{1}, large)); // one thread is always serial
    CHECK(runs_serially(backend::sequential{}, large));
    CHECK(free_function_pes(backend::tbb{2}, small / 2, small) == 1);
    CHECK(free_function_pes(backend::openmp{2}, large / 2, large) == 2);
    CHECK(free_function_pes(backend::tbb{3}, large / 2, large) == 3);
    // SpMM counts nnz x (width + 12) / 2: serial below 65,536 nonzero-columns-plus-overhead, so a
    // 156-nonzero, 128-column product (karate, ~3 us) no longer wakes a thread; 7,450 nonzeros at 8
    // columns (jagmesh7, ~17 us) still do. Saturates rather than wrapping.
    using backend::spmm_cutoff_flops;
    CHECK(spmm_cutoff_flops(468, 128) < backend::serial_threshold_flops);
    CHECK(spmm_cutoff_flops(469, 128) >= backend::serial_threshold_flops);
    CHECK(free_function_pes(backend::tbb{2}, 156, spmm_cutoff_flops(156, 128)) == 1);
    CHECK(free_function_pes(backend::tbb{2}, 7450, spmm_cutoff_flops(7450, 8)) == 2);
    CHECK(spmm_cutoff_flops(0, 1000) == 0);
    CHECK(spmm_cutoff_flops(std::numeric_limits<std::size_t>::max() / 4, 100) == std::numeric_limits<std::size_t>::max());
    CHECK(spmm_cutoff_flops(2, std::numeric_limits<std::size_t>::max() - 3) == std::numeric_limits<std::size_t>::max());
    // Deterministic: ceil(nnz / deterministic_nnz_per_pe), whatever the backend or thread count.
    const std::size_t nnz = 5 * backend::deterministic_nnz_per_pe + 1;
    for (const std::size_t t : {std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
        CHECK(free_function_pes(backend::tbb{execution_options{t, true}}, nnz, 2 * nnz) == 6);
        CHECK(free_function_pes(backend::openmp{execution_options{t, true}}, nnz, 2 * nnz) == 6);
    }
    CHECK(free_function_pes(backend::sequential{execution_options{0, true}}, nnz, 2 * nnz) == 6);
    CHECK(free_function_pes(backend::sequential{execution_options{0, true}}, 0, 0) == 1);
    CHECK(free_function_pes(backend::sequential{execution_options{0, true}}, std::size_t{1} << 40, 0) ==
          backend::deterministic_max_pes);
}

TEST_CASE_TEMPLATE("an SpMM column does not depend on how many columns B has (register panels of every width)", T, float, double) {
    // 37 = 32 + 4 + 1 columns for float with SSE2, other panel mixes elsewhere: every path of the
    // panel cascade runs, and each must add a column's terms in the same order as a lone column.
    // Sequential, so both calls have one PE and only the kernel differs.
    const auto A = generators::rmat<T>(9, 12, 17);
    for (const std::size_t k : {std::size_t{1}, std::size_t{5}, std::size_t{16}, std::size_t{37}, std::size_t{130}}) check_columns_alone(A, k, 3 + k);
}

TEST_CASE_TEMPLATE("grouped SpMM rows give the same bits on every backend: plans cutting groups at PE boundaries, deterministic free functions", T,
                   float, double) {
    // 3 degrees of freedom per node: groups of 3 rows at 130 columns (real, row-major B and C); big
    // enough that deterministic free functions split it over several PEs too.
    const auto A = node_blocked(generators::poisson2d<T>(24, 20), 3, 41);
    const std::size_t m = static_cast<std::size_t>(A.rows()), n = static_cast<std::size_t>(A.cols()), k = 130;
    const auto nnz = static_cast<std::size_t>(A.nnz());
    REQUIRE(free_function_pes(backend::sequential{execution_options{0, true}}, nnz, 2 * nnz * k) > 1);
    const auto b = random_vector<T>(n * k, 42), c0 = random_vector<T>(m * k, 43);
    const matrix_view<const T> B(b.data(), n, k);
    const T alpha = T(0.75), beta = T(-1.25);
    for (const pe_grid grid : {pe_grid{1, 1}, pe_grid{3, 2}, pe_grid{7, 5}}) {
        const auto plan = plan_spmm(A, grid);
        auto ref = c0;
        plan.execute(backend::sequential{}, alpha, B, beta, matrix_view<T>(ref.data(), m, k));
        for_each_backend(false, [&](const auto& be, const std::string& bname) {
            INFO("plan " << to_string(grid) << " on " << bname);
            auto c = c0;
            plan.execute(be, alpha, B, beta, matrix_view<T>(c.data(), m, k));
            CHECK(first_difference(c, ref) == -1);
        });
    }
    std::vector<T> first;
    for_each_backend(true, [&](const auto& be, const std::string& bname) {
        INFO("deterministic free function on " << bname);
        auto c = c0;
        spmm(be, op::none, alpha, A, B, beta, matrix_view<T>(c.data(), m, k));
        if (first.empty()) first = c;
        else CHECK(first_difference(c, first) == -1);
    });
}

TEST_CASE_TEMPLATE("a free SpMV beyond a core's cache runs more PEs than threads, claimed as threads finish: correct, repeatable, "
                   "bitwise the static run of the same split",
                   T, double, std::complex<float>) {
    // A diagonal and one dense row, split over several of the 16 PEs of 2 threads: 550,000 rows
    // (1.1M nonzeros of 12 bytes, beyond streamed_matrix_bytes too: the prefetching row loop) and
    // 60,000 rows (120k nonzeros, beyond claimed_matrix_bytes only).
    for (const std::int64_t n : {550000, 60000}) {
        CAPTURE(n);
        const auto A = generators::dense_row<T>(n, n == 550000 ? 1234 : 134, 5);
        const auto nnz = static_cast<std::size_t>(A.nnz());
        REQUIRE(backend::claims_pes<T, std::int32_t>(nnz));
        CHECK(kernels::worth_streaming<T, std::int32_t>(nnz) == (n == 550000));
        const auto part = partition_rows_by_work<std::int32_t>(A.row_ptr(), 2 * backend::claimed_pes_per_thread, backend::spmv_row_cost);
        REQUIRE(part.splits_rows);
        const kernels::row_blocks_view<T, std::int32_t> blocks{A.row_ptr(), A.col_idx(), A.values(), &part, false};
        const T alpha = make_scalar<T>(0.75, -0.5), beta = make_scalar<T>(-0.5, 0.25);
        const auto x = random_vector<T>(static_cast<std::size_t>(A.cols()), 51), y0 = random_vector<T>(static_cast<std::size_t>(A.rows()), 52);
        const spmv_reference<T, std::int32_t> ref(A, op::none, alpha, x, beta, y0);
        for_each_backend(false, [&](const auto& b, const std::string& bname) {
            INFO(bname);
            auto y = y0, again = y0;
            spmv(b, op::none, alpha, A, x, beta, y);
            spmv(b, op::none, alpha, A, x, beta, again);
            ref.check(y, bname + " claimed PEs");
            CHECK(first_difference(y, again) == -1);
            if (b.concurrency() != 2) return;
            // The same 16 PEs with a fixed PE-to-thread map: who ran a PE does not show in the bits.
            auto fixed = y0;
            detail::execute_spmv(b, blocks, alpha, vector_view<const T>(x), beta, vector_view<T>(fixed));
            CHECK(first_difference(y, fixed) == -1);
        });
    }
}

TEST_CASE_TEMPLATE("a plan whose split rows' partial sums fit the scratch object, and one whose do not, are correct, repeatable and "
                   "bitwise alike on every backend",
                   T, double, std::complex<double>) {
    // 7 dense rows of 1,003: every PE boundary falls inside a row, and a PE that straddles a row's
    // end holds the end of one row (its head) and the start of the next (its carry). 1 x 8 PEs keep
    // those partial sums inside the scratch object (row_blocks_spmv_scratch::inline_pes), 1 x 40 on
    // the heap. A second call into a fresh y must give the same bits.
    const std::int32_t m = 7, n = 1003;
    std::vector<std::int32_t> ptr(m + 1), idx;
    for (std::int32_t i = 0; i < m; ++i) {
        ptr[static_cast<std::size_t>(i) + 1] = (i + 1) * n;
        for (std::int32_t j = 0; j < n; ++j) idx.push_back(j);
    }
    const csr_matrix<T> A(m, n, ptr, idx, random_vector<T>(static_cast<std::size_t>(m * n), 63));
    const T alpha = make_scalar<T>(1.25, -0.5), beta = make_scalar<T>(0.5, 0.75);
    const auto x = random_vector<T>(static_cast<std::size_t>(n), 61), y0 = random_vector<T>(static_cast<std::size_t>(m), 62);
    const spmv_reference<T, std::int32_t> ref(A, op::none, alpha, x, beta, y0);
    for (const std::size_t pes : {std::size_t{8}, kernels::row_blocks_spmv_scratch<T>::inline_pes + 1, std::size_t{40}}) {
        INFO(pes << " PEs");
        const auto plan = plan_spmv(A, pe_grid{1, pes});
        const auto& part = plan.program().partition();
        bool head_and_carry = false;
        for (std::size_t p = 0; p < pes; ++p) head_and_carry |= part.first_row_shared(A.row_ptr(), p) && part.has_carry(A.row_ptr(), p);
        REQUIRE(head_and_carry);
        auto want = y0;
        plan.execute(backend::sequential{}, alpha, x, beta, want);
        ref.check(want, "sequential");
        for_each_backend(false, [&](const auto& b, const std::string& bname) {
            INFO(bname);
            auto y = y0, again = y0;
            plan.execute(b, alpha, x, beta, y);
            plan.execute(b, alpha, x, beta, again);
            CHECK(first_difference(y, want) == -1);
            CHECK(first_difference(again, want) == -1);
        });
    }
}

TEST_CASE("a scatter (A^T on CSR, A on CSC) goes parallel when large, with partials within a quarter of the matrix, and one PE when deterministic") {
    using backend::scatter_pes;
    const std::size_t large = backend::scatter_serial_threshold_flops;
    CHECK(scatter_pes(backend::tbb{2}, 40000, 1, 3000, large) == 2);
    CHECK(scatter_pes(backend::openmp{4}, 40000, 1, 3000, large) == 4);
    CHECK(scatter_pes(backend::openmp{8}, 40000, 1, 3000, large) == 4); // 3 partials of 3000 fill 10000 = 40000 / 4
    CHECK(scatter_pes(backend::tbb{4}, 10000, 1, 3000, large) == 1);     // one partial would outgrow a quarter
    CHECK(scatter_pes(backend::tbb{4}, 40000, 8, 8 * 3000, large) == 4); // SpMM: width 8 on both sides
    CHECK(scatter_pes(backend::tbb{4}, 10000, 1, 0, large) == 4);        // an empty result costs nothing
    CHECK(scatter_pes(backend::tbb{2}, 40000, 1, 3000, large - 1) == 1);
    CHECK(scatter_pes(backend::tbb{1}, 40000, 1, 3000, large) == 1);
    CHECK(scatter_pes(backend::tbb{execution_options{2, true}}, 40000, 1, 3000, large) == 1);
}

TEST_CASE_TEMPLATE("parallel scatters are correct, repeatable for a thread count, and deterministic ones bitwise sequential", T, double,
                   std::complex<float>) {
    // 8192 x 8192 with 638k nonzeros: above the scatter's serial cutoff, and a partial fits.
    const auto A = generators::rmat<T>(13, 128, 9);
    const auto Ac = to_csc(A);
    REQUIRE(backend::scatter_pes(backend::tbb{2}, static_cast<std::size_t>(A.nnz()), 1, static_cast<std::size_t>(A.cols()),
                                 2 * static_cast<std::size_t>(A.nnz())) == 2);
    const T alpha = make_scalar<T>(0.75, 0.5), beta = make_scalar<T>(-0.5, 0.25);
    const std::size_t n = static_cast<std::size_t>(A.rows());
    const auto x = random_vector<T>(n, 41), y0 = random_vector<T>(n, 42);
    const spmm_operands<T> mm(n, n, 43);
    for (op o : {op::transpose, op::conj_transpose}) {
        const spmv_reference<T, std::int32_t> ref(A, o, alpha, x, beta, y0);
        const spmm_reference<T, std::int32_t> mref(A, o, alpha, mm, beta);
        std::vector<T> sequential = y0;
        spmv(backend::sequential{}, o, alpha, A, x, beta, sequential);
        for_each_backend(false, [&](const auto& b, const std::string& bname) {
            INFO(bname << " " << to_string(o));
            auto y = y0, again = y0;
            spmv(b, o, alpha, A, x, beta, y);
            spmv(b, o, alpha, A, x, beta, again);
            ref.check(y, bname + " scatter");
            CHECK(first_difference(y, again) == -1);
            auto c = mm.c0;
            spmm(b, o, alpha, A, mm.B(), beta, mm.C(c));
            mref.check(c, mm);
            const std::decay_t<decltype(b)> det{execution_options{2, true}};
            auto yd = y0;
            spmv(det, o, alpha, A, x, beta, yd);
            CHECK(first_difference(yd, sequential) == -1);
        });
    }
    // CSC with op::none is the same scatter over the CSC arrays.
    const spmv_reference<T, std::int32_t> ref(A, op::none, alpha, x, beta, y0);
    for_each_backend(false, [&](const auto& b, const std::string& bname) {
        INFO(bname << " csc");
        auto y = y0;
        spmv(b, op::none, alpha, Ac, x, beta, y);
        ref.check(y, bname + " csc scatter");
    });
}

TEST_CASE("A^H of a complex CSC matrix is a parallel gather of whole rows: correct, and bitwise the sequential result on every backend") {
    using T = std::complex<double>;
    const auto A = generators::rmat<T>(13, 128, 9); // 638k nonzeros: parallel on 2 threads
    const auto Ac = to_csc(A);
    REQUIRE(backend::free_function_pes(backend::tbb{2}, static_cast<std::size_t>(A.nnz()), 2 * static_cast<std::size_t>(A.nnz())) == 2);
    const T alpha = make_scalar<T>(0.75, 0.5), beta = make_scalar<T>(-0.5, 0.25);
    const std::size_t n = static_cast<std::size_t>(A.rows());
    const auto x = random_vector<T>(n, 51), y0 = random_vector<T>(n, 52);
    const spmm_operands<T> mm(n, n, 53);
    const spmv_reference<T, std::int32_t> ref(A, op::conj_transpose, alpha, x, beta, y0);
    const spmm_reference<T, std::int32_t> mref(A, op::conj_transpose, alpha, mm, beta);
    auto y_seq = y0;
    auto c_seq = mm.c0;
    spmv(backend::sequential{}, op::conj_transpose, alpha, Ac, x, beta, y_seq);
    spmm(backend::sequential{}, op::conj_transpose, alpha, Ac, mm.B(), beta, mm.C(c_seq));
    ref.check(y_seq, "sequential");
    mref.check(c_seq, mm);
    for (bool deterministic : {false, true})
        for_each_backend(deterministic, [&](const auto& b, const std::string& bname) {
            INFO(bname << std::string(deterministic ? " deterministic" : "")); // a std::string: doctest prints a char* as a pointer
            auto y = y0;
            auto c = mm.c0;
            spmv(b, op::conj_transpose, alpha, Ac, x, beta, y);
            spmm(b, op::conj_transpose, alpha, Ac, mm.B(), beta, mm.C(c));
            CHECK(first_difference(y, y_seq) == -1);
            CHECK(first_difference(c, c_seq) == -1);
        });
}

TEST_CASE_TEMPLATE("a matrix of ones is multiplied without reading its values, bitwise as if it read them, on every backend and path",
                   T, float, double) {
    namespace gen = generators;
    // Parallel free functions (rmat 12: above the serial threshold), rows split over PEs (the dense
    // row), long rows tiled at 70 columns (arrowhead 300) and grouped rows (node blocks at 70).
    const std::vector<std::pair<std::string, csr_matrix<T>>> cases{
        {"rmat 12", pattern_of(gen::rmat<T>(12, 8, 51))},
        {"dense row 7 of 20000", pattern_of(gen::dense_row<T>(20000, 7, 52))},
        {"arrowhead 300", pattern_of(gen::arrowhead<T>(300, 2, 53))},
        {"poisson2d 5x4 x 3 dofs", pattern_of(node_blocked(gen::poisson2d<T>(5, 4), 3, 54))}};
    for (const auto& one_case : cases) {
        // Not a structured binding: clang 14 lets no lambda capture one (INFO's included).
        const std::string& name = one_case.first;
        const auto& ones = one_case.second;
        REQUIRE(ones.all_values_one());
        csr_matrix<T> read = ones; // the same ones, read from the array: values() forgets the property
        (void)read.values();
        REQUIRE_FALSE(read.all_values_one());
        const auto ones_csc = to_csc(ones);
        auto read_csc = to_csc(read); // a new matrix finds the ones again: forget them once more
        (void)read_csc.values();
        REQUIRE(ones_csc.all_values_one());
        REQUIRE_FALSE(read_csc.all_values_one());

        const auto m = static_cast<std::size_t>(ones.rows()), n = static_cast<std::size_t>(ones.cols());
        // x and B with an infinity, a NaN and a negative zero: 1 * v is v for each of them.
        auto x = random_vector<T>(n, 55);
        x[0] = std::numeric_limits<T>::infinity(), x[1] = std::numeric_limits<T>::quiet_NaN(), x[2] = T(-0.0);
        const auto y0 = random_vector<T>(m, 56);
        std::vector<T> xs(2 * n);
        for (std::size_t i = 0; i < n; ++i) xs[2 * i] = x[i];
        const auto strided_x = vector_view<const T>(xs.data(), n, 2);
        const auto backwards = [m](std::vector<T>& y) { return vector_view<T>(y.data() + m - 1, m, -1); };

        const auto same = [&](const std::string& what, auto&& run) { // run(A, out) for A = ones, then read
            auto got = y0, want = y0;
            run(ones, ones_csc, got);
            run(read, read_csc, want);
            INFO(name << ": " << what);
            CHECK_MESSAGE(first_difference(got, want) == -1, "first differing entry " << first_difference(got, want));
        };
        for (bool deterministic : {false, true})
            for_each_backend(deterministic, [&](const auto& b, const std::string& bname) {
                const std::string on = " on " + bname + (deterministic ? " (deterministic)" : "");
                for (const auto& alpha_beta : {std::pair{T(1), T(0)}, std::pair{T(-2), T(0)}, std::pair{T(0.5), T(1.5)}}) {
                    const T alpha = alpha_beta.first, beta = alpha_beta.second;
                    const std::string ab = " alpha " + std::to_string(alpha) + " beta " + std::to_string(beta) + on;
                    same("spmv" + ab, [&](const auto& A, const auto&, std::vector<T>& y) { spmv(b, op::none, alpha, A, x, beta, y); });
                    same("strided spmv" + ab,
                         [&](const auto& A, const auto&, std::vector<T>& y) { spmv(b, op::none, alpha, A, strided_x, beta, backwards(y)); });
                    same("spmv of the transpose of CSC" + ab, [&](const auto&, const auto& Ac, std::vector<T>& y) {
                        spmv(b, op::transpose, alpha, Ac, x, beta, y);
                    });
                }
                for (std::size_t k : {std::size_t{1}, std::size_t{8}, std::size_t{70}}) {
                    if (k == 70 && ones.nnz() > 5000) continue; // the wide kernels' cases are the small ones
                    auto B = random_vector<T>(n * k, 57);
                    B[0] = std::numeric_limits<T>::infinity(), B[1] = std::numeric_limits<T>::quiet_NaN();
                    const std::string wk = "spmm k " + std::to_string(k) + on;
                    for (layout lc : {layout::row_major, layout::col_major}) {
                        auto got = random_vector<T>(m * k, 58), want = got;
                        spmm(b, op::none, T(1), ones, matrix_view<const T>(B.data(), n, k), T(0), matrix_view<T>(got.data(), m, k, lc));
                        spmm(b, op::none, T(1), read, matrix_view<const T>(B.data(), n, k), T(0), matrix_view<T>(want.data(), m, k, lc));
                        INFO(name << ": " << wk << std::string(lc == layout::row_major ? " C row-major" : " C column-major"));
                        CHECK_MESSAGE(first_difference(got, want) == -1, "first differing entry " << first_difference(got, want));
                    }
                    for (const pe_grid grid : {pe_grid{3, 2}, pe_grid{16, 16}}) {
                        auto got = random_vector<T>(m * k, 59), want = got;
                        plan_spmm(ones, grid).execute(b, T(0.5), matrix_view<const T>(B.data(), n, k), T(2), matrix_view<T>(got.data(), m, k));
                        plan_spmm(read, grid).execute(b, T(0.5), matrix_view<const T>(B.data(), n, k), T(2), matrix_view<T>(want.data(), m, k));
                        INFO(name << ": plan " << wk << " " << to_string(grid));
                        CHECK_MESSAGE(first_difference(got, want) == -1, "first differing entry " << first_difference(got, want));
                    }
                }
                for (const pe_grid grid : {pe_grid{1, 1}, pe_grid{3, 2}, pe_grid{16, 16}}) {
                    const auto plan = plan_spmv(ones, grid);
                    REQUIRE(plan.program().matrix().all_values_one());
                    same("spmv plan " + to_string(grid) + on,
                         [&](const auto& A, const auto&, std::vector<T>& y) { plan_spmv(A, grid).execute(b, T(-1), x, T(0.25), y); });
                }
            });
    }
}

TEST_CASE("a plan refreshed with other values stops taking the value-free kernels, and finds ones again") {
    auto A = pattern_of(generators::rmat<double>(8, 8, 61));
    auto plan = plan_spmv(A, pe_grid{2, 2});
    REQUIRE(plan.program().matrix().all_values_one());
    const auto x = random_vector<double>(static_cast<std::size_t>(A.cols()), 62);
    const auto m = static_cast<std::size_t>(A.rows());

    csr_matrix<double> twos = A;
    for (double& v : twos.values()) v = 2;
    plan.refresh_values(twos);
    CHECK_FALSE(plan.program().matrix().all_values_one());
    std::vector<double> y(m), want(m);
    plan.execute(1.0, x, 0.0, y);
    spmv(2.0, A, x, 0.0, want); // 2 (A x) is A2 x exactly: doubling is exact
    CHECK(first_difference(y, want) == -1);

    plan.refresh_values(A);
    CHECK(plan.program().matrix().all_values_one());
    plan.execute(1.0, x, 0.0, y);
    spmv(1.0, A, x, 0.0, want);
    CHECK(first_difference(y, want) == -1);

    // A new plan takes A's note as a copy does, without scanning the values again: ones whose
    // matrix handed out its mutable values() are read as values.
    csr_matrix<double> handed_out = A;
    (void)handed_out.values();
    const auto plan_of_handed_out = plan_spmv(handed_out, pe_grid{2, 2});
    CHECK_FALSE(plan_of_handed_out.program().matrix().all_values_one());
    plan_of_handed_out.execute(1.0, x, 0.0, y);
    CHECK(first_difference(y, want) == -1);
    CHECK(plan_spmv(csr_matrix<double>(A), pe_grid{2, 2}).program().matrix().all_values_one());
}

// ThreadSanitizer runs skip the next test: its products of 34 MB take seconds there, long enough
// that TSan's history loses the stack of TBB's (uninstrumented) hand-off of each task to a worker,
// which .ci/tsan.supp recognises by that stack; and TSan does not see the streaming stores the test
// is about. The parallel paths themselves are those the other backend tests run under TSan.
#if defined(__SANITIZE_THREAD__)
#define WAFERBLAS_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WAFERBLAS_TEST_UNDER_TSAN 1
#endif
#endif
#ifndef WAFERBLAS_TEST_UNDER_TSAN
#define WAFERBLAS_TEST_UNDER_TSAN 0
#endif

/// An SpMM of m rows of k columns (C over kernels::streamed_output_bytes) from a 1,000-column A
/// (B stays small, so the check costs little more than writing C): row 0 has 200 nonzeros, rows
/// 3g+1 and 3g+2 have the same columns and rows 3g the others. The same product into a C whose
/// rows are padded by one element cannot be streamed (rows not 16-byte multiples) and runs the
/// same kernels otherwise: the same bits, on every backend and path.
template <class T>
void check_streamed_spmm(std::size_t m, std::size_t k) {
    const std::size_t n = 1000;
    std::vector<std::int32_t> row_ptr{0}, col_idx;
    for (std::size_t i = 0; i < m; ++i) {
        const std::size_t r = i % 3 == 2 ? i - 1 : i; // rows 3g+2 repeat rows 3g+1
        if (i == 0)
            for (std::size_t j = 0; j < n; j += 5) col_idx.push_back(static_cast<std::int32_t>(j));
        else
            for (const std::size_t j : std::set<std::size_t>{r % n, (r * 7 + 3) % n, (r * 13 + 5) % n}) col_idx.push_back(static_cast<std::int32_t>(j));
        row_ptr.push_back(static_cast<std::int32_t>(col_idx.size()));
    }
    auto values = random_vector<T>(col_idx.size(), 52);
    const csr_matrix<T, std::int32_t> A(static_cast<std::int32_t>(m), static_cast<std::int32_t>(n), std::move(row_ptr), std::move(col_idx),
                                        std::move(values));
    REQUIRE(kernels::same_pattern_rows(A.row_ptr().data(), A.col_idx().data(), 1, m) == 2);
    const auto b = random_vector<T>(n * k, 53);
    const matrix_view<const T> B(b.data(), n, k);
    const T alpha = T(0.75);
    aligned_vector<T> streamed(m * k); // rows on 64-byte boundaries: the widest streams
    std::vector<T> padded(m * (k + 1));
    const matrix_view<T> Cs(streamed.data(), m, k), Cp(padded.data(), m, k, layout::row_major, k + 1);
    REQUIRE(kernels::spmm_streams_output<true>(kernels::strided(Cs), T(0)));
    REQUIRE_FALSE(kernels::spmm_streams_output<true>(kernels::strided(Cp), T(0)));
    REQUIRE_FALSE(kernels::spmm_streams_output<true>(kernels::strided(Cs), T(1))); // C is read: not streamed
    const auto same = [&] {
        for (std::size_t i = 0; i < m; ++i)
            if (!std::equal(streamed.begin() + static_cast<std::ptrdiff_t>(i * k), streamed.begin() + static_cast<std::ptrdiff_t>((i + 1) * k),
                            padded.begin() + static_cast<std::ptrdiff_t>(i * (k + 1)),
                            [](T x, T y) { return std::memcmp(&x, &y, sizeof(T)) == 0; }))
                return static_cast<std::ptrdiff_t>(i);
        return std::ptrdiff_t{-1};
    };
    {
        INFO("free function on one PE (whole rows): first differing row");
        spmm(backend::sequential{}, op::none, alpha, A, B, T(0), Cs);
        spmm(backend::sequential{}, op::none, alpha, A, B, T(0), Cp);
        CHECK(same() == -1);
    }
    // Deterministic free functions and a plan give the same bits on every backend: one padded
    // product each is the reference for every backend's streamed one.
    spmm(backend::sequential{execution_options{0, true}}, op::none, alpha, A, B, T(0), Cp);
    for_each_backend(true, [&](const auto& be, const std::string& bname) {
        INFO("deterministic free function on " << bname << ": first differing row");
        spmm(be, op::none, alpha, A, B, T(0), Cs);
        CHECK(same() == -1);
    });
    const auto plan = plan_spmm(A, pe_grid{3, 2});
    plan.execute(backend::sequential{}, alpha, B, T(0), Cp);
    for_each_backend(false, [&](const auto& be, const std::string& bname) {
        INFO("plan 3x2 on " << bname << ": first differing row");
        plan.execute(be, alpha, B, T(0), Cs);
        CHECK(same() == -1);
    });
    // And the numbers are right: row 0 (the long one) and the last row against a loop.
    const auto ptr = A.row_ptr();
    const auto idx = A.col_idx();
    const auto val = A.values();
    for (const std::size_t i : {std::size_t{0}, m - 1}) {
        std::vector<double> want(k);
        for (auto p = static_cast<std::size_t>(ptr[i]); p < static_cast<std::size_t>(ptr[i + 1]); ++p)
            for (std::size_t j = 0; j < k; ++j) want[j] += static_cast<double>(val[p]) * static_cast<double>(b[static_cast<std::size_t>(idx[p]) * k + j]);
        for (std::size_t j = 0; j < k; ++j)
            CHECK(static_cast<double>(streamed[i * k + j]) == doctest::Approx(0.75 * want[j]).epsilon(std::is_same_v<T, float> ? 1e-3 : 1e-9));
    }
}

TEST_CASE_TEMPLATE("an SpMM whose C outgrows a last-level cache streams its rows: bitwise the result stored through the caches, on every backend and path" *
                       doctest::skip(WAFERBLAS_TEST_UNDER_TSAN),
                   T, float, double) {
    SUBCASE("rows of 512 bytes: row 0 tiled, rows 3g+1 and 3g+2 grouped, rows 3g streamed") {
        const std::size_t k = 512 / sizeof(T);
        REQUIRE(kernels::is_long_row<T>(200, k));
        REQUIRE(kernels::groups_pay<T>(3, k));
        check_streamed_spmm<T>(66000, k);
    }
    SUBCASE("rows of one register panel: every row streamed by the one-panel loop") {
        const std::size_t k = kernels::accumulator_panel<T>;
        REQUIRE_FALSE(kernels::is_long_row<T>(200, k));
        REQUIRE_FALSE(kernels::groups_pay<T>(3, k));
        check_streamed_spmm<T>(kernels::streamed_output_bytes / (k * sizeof(T)) + 1000, k);
    }
}

TEST_CASE_TEMPLATE("an SpMV whose matrix and y outgrow a last-level cache streams y's whole lines: the bits of y stored through "
                   "the caches, correct and repeatable on every backend and path" *
                       doctest::skip(WAFERBLAS_TEST_UNDER_TSAN),
                   T, float, double) {
    // A tridiagonal matrix whose values, indices and y just outgrow streamed_output_bytes: an SpMV
    // with beta = 0 into a contiguous y writes y's whole lines by non-temporal stores (64, 32 or 16
    // bytes at a time, as the build allows). The kernel's sums are those of the loop that stores y
    // through the caches, bitwise; every backend, the deterministic path and a plan agree with a
    // reference and with themselves from call to call.
    const std::size_t row_bytes = 3 * (sizeof(T) + sizeof(std::int32_t)) + sizeof(T);
    const auto n = static_cast<std::int64_t>(kernels::streamed_output_bytes / row_bytes + 1000);
    const auto A = generators::banded<T>(n, 1, 1, 61);
    const auto nnz = static_cast<std::size_t>(A.nnz()), m = static_cast<std::size_t>(n);
    REQUIRE(kernels::spmv_streaming<T, std::int32_t>(nnz, m) == kernels::spmv_streams::matrix_and_y);
    REQUIRE(kernels::spmv_streaming<T, std::int32_t>(nnz, m / 2) == kernels::spmv_streams::matrix); // a y half as long: not streamed
    const auto x = random_vector<T>(m, 62);
    for (const T alpha : {T(1), T(-0.75)}) {
        INFO("alpha " << alpha);
        {
            INFO("the kernel on all rows and on rows [5, n - 3): first differing element");
            for (const auto& [rb, re] : {std::pair<std::size_t, std::size_t>{0, m}, {5, m - 3}}) {
                std::vector<T> streamed(m, T(3)), cached(m, T(3));
                kernels::csr_spmv_rows_streaming<true>(A.row_ptr().data(), A.col_idx().data(), A.values().data(), rb, re, alpha, x.data(),
                                                       1, T(0), streamed.data(), 1, kernels::spmv_streams::matrix_and_y);
                kernels::csr_spmv_rows_streaming<true>(A.row_ptr().data(), A.col_idx().data(), A.values().data(), rb, re, alpha, x.data(),
                                                       1, T(0), cached.data(), 1, kernels::spmv_streams::matrix);
                CHECK(first_difference(streamed, cached) == -1);
            }
        }
        const spmv_reference<T, std::int32_t> ref(A, op::none, alpha, x, T(0), std::vector<T>(m, T(9)));
        const auto plan = plan_spmv(A, pe_grid{1, 3});
        const auto check_calls = [&](const std::string& what, auto&& call) {
            std::vector<T> y(m, T(9)), again(m, T(-9));
            call(y);
            call(again);
            ref.check(y, what);
            CHECK_MESSAGE(first_difference(y, again) == -1, what);
        };
        for (const bool deterministic : {false, true})
            for_each_backend(deterministic, [&](const auto& b, const std::string& bname) {
                check_calls(bname + " free function", [&](std::vector<T>& y) { spmv(b, op::none, alpha, A, x, T(0), y); });
                if (!deterministic) check_calls(bname + " plan 1 x 3", [&](std::vector<T>& y) { plan.execute(b, alpha, x, T(0), y); });
            });
    }
}
