// benchmarks/bench_spmv.cpp — y = A x for every library in spmv_libraries() on one matrix.
//
// Per configuration: the runner is built and its result verified against the reference loop once
// (untimed, in the configuration slot), then the timing loop calls run() only.
#include "runners.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <cstdint>
#include <optional>
#include <vector>

namespace wbbench {

namespace {

struct spmv_state {
    std::unique_ptr<spmv_runner> runner;
    std::string error;
};

void bench_spmv(benchmark::State& state, const matrix_entry& e, const spmv_library& lib) {
    const int threads = static_cast<int>(state.range(0));
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    const std::string key = "spmv/" + lib.name + "/" + e.name + "/" + std::to_string(threads);
    auto& s = config_slot<spmv_state>(key, [&] {
        auto st = std::make_shared<spmv_state>();
        try {
            st->runner = make_checked(lib, *p, threads);
        } catch (const std::exception& ex) {
            st->error = ex.what();
        }
        return st;
    });
    if (!s.error.empty()) {
        fail(state, s.error);
        return;
    }
    s.runner->prepare();
    try {
        for (auto _ : state) {
            s.runner->run();
            benchmark::ClobberMemory();
        }
    } catch (const std::exception& ex) {
        fail(state, lib.name + " on " + e.name + ": " + ex.what());
        return;
    }
    if (!still_correct(state, lib.name + " on " + e.name, *s.runner, p->y_ref)) return;
    report_rates(state, spmv_bytes(p->rows(), p->cols(), p->nnz()), 2.0 * static_cast<double>(p->nnz()));
    report_shape(state, p->rows(), p->cols(), p->nnz());
}

/// Building a plan (the inspector): copy and analysis of A for one placement. Issue #3 asks that an
/// SpMV plan costs at most 3 SpMV executions; summarize.py sets this against spmv/waferblas_tbb at
/// 1 thread. row_blocks on a 1 x 2 chain (what a 2-thread plan uses), checkerboard on 2 x 2; also
/// row_blocks with spmv_layout::diagonal_chunks on the generated stencils and bands, from the matrix
/// and (from_rvalue) from a copy the plan takes over, and with spmv_layout::rows_by_length on the
/// other matrices (from the matrix); and row_blocks borrowing the matrix (borrow(A): no copy).
void bench_plan_build(benchmark::State& state, const matrix_entry& e, waferblas::placement pl,
                      waferblas::spmv_layout layout = waferblas::spmv_layout::csr, bool from_rvalue = false, bool borrowed = false) {
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    const waferblas::pe_grid grid = pl == waferblas::placement::row_blocks ? waferblas::pe_grid{1, 2} : waferblas::pe_grid{2, 2};
    std::optional<waferblas::spmv_plan<double>> taken_over;
    for (auto _ : state) {
        if (from_rvalue) {
            // plan_spmv(std::move(A), ...): the plan takes A's arrays over. Neither the copy nor
            // the freeing of the arrays the previous plan took over is timed: the caller's A would
            // free them anyway (on 4 KiB pages, ~8 ms of munmap on banded_1M_w9, as long as the build).
            state.PauseTiming();
            taken_over.reset();
            auto A = p->A;
            state.ResumeTiming();
            taken_over.emplace(waferblas::plan_spmv(std::move(A), grid, pl, waferblas::op::none, layout));
            benchmark::DoNotOptimize(*taken_over);
            continue;
        }
        if (borrowed) {
            auto plan = waferblas::plan_spmv(waferblas::borrow(p->A), grid);
            benchmark::DoNotOptimize(plan);
            continue;
        }
        // Timed with its destruction (the plan's own arrays: ~0.6 ms on banded_1M_w9, on huge pages).
        auto plan = waferblas::plan_spmv(p->A, grid, pl, waferblas::op::none, layout);
        benchmark::DoNotOptimize(plan);
    }
    report_shape(state, p->rows(), p->cols(), p->nnz());
}

/// y = A^T x with the free function on the default backend (TBB when found): a scatter, one
/// partial y per thread reduced in PE order. No peer is timed here (Eigen's row-major A^T x is a
/// sequential scatter too); summarize.py sets 2 threads against 1. Checked against a plain loop.
void bench_spmv_transposed(benchmark::State& state, const matrix_entry& e) {
    const auto threads = static_cast<std::size_t>(state.range(0));
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    const auto& A = p->A;
    std::vector<double> x(p->rows()), y(p->cols());
    expected_result want{std::vector<double>(p->cols()), std::vector<double>(p->cols())};
    std::vector<std::size_t> column_count(p->cols());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.5 + static_cast<double>(i % 7) / 7.0;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (auto k = static_cast<std::size_t>(A.row_ptr()[i]); k < static_cast<std::size_t>(A.row_ptr()[i + 1]); ++k) {
            const auto j = static_cast<std::size_t>(A.col_idx()[k]);
            want.value[j] += A.values()[k] * x[i];
            want.scale[j] += std::abs(A.values()[k] * x[i]);
            ++column_count[j];
        }
    want.tolerance = sum_tolerance(column_count.empty() ? 0 : *std::max_element(column_count.begin(), column_count.end()));
    const waferblas::backend::default_backend backend{waferblas::execution_options{threads}};
    waferblas::spmv(backend, waferblas::op::transpose, 1.0, A, x, 0.0, y);
    if (const auto error = check_result("A^T x on " + e.name, y, want); !error.empty()) {
        fail(state, error);
        return;
    }
    for (auto _ : state) {
        waferblas::spmv(backend, waferblas::op::transpose, 1.0, A, x, 0.0, y);
        benchmark::ClobberMemory();
    }
    if (!still_correct(state, "A^T x on " + e.name, y, want)) return;
    report_rates(state, spmv_bytes(p->cols(), p->rows(), p->nnz()), 2.0 * static_cast<double>(p->nnz()));
    report_shape(state, p->rows(), p->cols(), p->nnz());
}

/// A copy of the matrix, timed with its destruction: `waferblas` copies the csr_matrix (its large
/// arrays on huge pages, detail::compressed), `std_vector` copies the same three arrays as plain
/// std::vectors (what the copy was before, and what a caller's own copy gets). Set against each
/// other in one run: on 4 KiB pages every fresh page is a fault on first touch (core/memory.hpp).
void bench_matrix_copy(benchmark::State& state, const matrix_entry& e, bool plain_vectors) {
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    const auto& A = p->A;
    for (auto _ : state) {
        if (plain_vectors) {
            std::vector<std::int32_t> ptr(A.row_ptr().begin(), A.row_ptr().end()), idx(A.col_idx().begin(), A.col_idx().end());
            std::vector<double> val(A.values().begin(), A.values().end());
            benchmark::DoNotOptimize(val.data());
        } else {
            const waferblas::csr_matrix<double> copy = A; // NOLINT(performance-unnecessary-copy-initialization): the copy is timed
            benchmark::DoNotOptimize(copy.values().data());
        }
    }
    report_rates(state, 2.0 * (4.0 * static_cast<double>(A.row_ptr().size()) + 12.0 * static_cast<double>(p->nnz())), 0.0);
    report_shape(state, p->rows(), p->cols(), p->nnz());
}

} // namespace

void register_spmv(const matrix_entry& e) {
    if (e.origin == "generated")
        for (const bool plain : {false, true}) {
            const std::string name = std::string("matrix_copy/") + (plain ? "std_vector/" : "waferblas/") + e.name + "/threads:1";
            benchmark::RegisterBenchmark(name.c_str(), [e, plain](benchmark::State& st) { bench_matrix_copy(st, e, plain); })
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
        }
    with_threads(benchmark::RegisterBenchmark(("spmv_transposed/waferblas/" + e.name).c_str(),
                                              [e](benchmark::State& st) { bench_spmv_transposed(st, e); }));
    for (const auto pl : {waferblas::placement::row_blocks, waferblas::placement::checkerboard}) {
        const std::string name = std::string("plan_build/") + (pl == waferblas::placement::row_blocks ? "row_blocks" : "checkerboard") +
                                 "/" + e.name + "/threads:1";
        benchmark::RegisterBenchmark(name.c_str(), [e, pl](benchmark::State& st) { bench_plan_build(st, e, pl); })
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark(("plan_build/row_blocks_borrowed/" + e.name + "/threads:1").c_str(), [e](benchmark::State& st) {
        bench_plan_build(st, e, waferblas::placement::row_blocks, waferblas::spmv_layout::csr, false, true);
    })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    if (forms_diagonal_chunks(e)) {
        for (const bool moved : {false, true}) {
            const std::string name = std::string("plan_build/row_blocks_chunks") + (moved ? "_moved/" : "/") + e.name + "/threads:1";
            benchmark::RegisterBenchmark(name.c_str(), [e, moved](benchmark::State& st) {
                bench_plan_build(st, e, waferblas::placement::row_blocks, waferblas::spmv_layout::diagonal_chunks, moved);
            })
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
        }
    } else {
        const std::string name = "plan_build/row_blocks_sorted/" + e.name + "/threads:1";
        benchmark::RegisterBenchmark(name.c_str(), [e](benchmark::State& st) {
            bench_plan_build(st, e, waferblas::placement::row_blocks, waferblas::spmv_layout::rows_by_length);
        })
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
    }
    for (const auto& lib : spmv_libraries()) {
        const std::string name = "spmv/" + lib.name + "/" + e.name;
        with_threads(benchmark::RegisterBenchmark(name.c_str(), [e, lib](benchmark::State& st) { bench_spmv(st, e, lib); }),
                     lib.multi_threaded);
    }
}

} // namespace wbbench
