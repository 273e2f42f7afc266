// benchmarks/bench_spmm.cpp — C = A B (B dense, row-major, k columns) for every library in
// spmm_libraries() on one matrix, for each k in options().spmm_k.
#include "runners.hpp"

#include <exception>

namespace wbbench {

namespace {

struct spmm_state {
    std::unique_ptr<spmm_runner> runner;
    std::string error;
};

void bench_spmm(benchmark::State& state, const matrix_entry& e, const spmm_library& lib, std::size_t k) {
    const int threads = static_cast<int>(state.range(0));
    const spmm_operands* o = spmm_operands_or_fail(state, e, k);
    if (o == nullptr) return;
    problem* p = &current_problem(e);
    const std::string what = lib.name + " on " + e.name + " (k = " + std::to_string(k) + ")";
    const std::string key = "spmm/" + lib.name + "/" + e.name + "/" + std::to_string(k) + "/" + std::to_string(threads);
    auto& s = config_slot<spmm_state>(key, [&] {
        auto st = std::make_shared<spmm_state>();
        try {
            st->runner = make_checked(lib, *p, *o, threads);
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
        fail(state, what + ": " + ex.what());
        return;
    }
    if (!still_correct(state, what, *s.runner, o->C_ref)) return;
    report_rates(state, spmm_bytes(p->rows(), p->cols(), p->nnz(), k), 2.0 * static_cast<double>(p->nnz()) * static_cast<double>(k));
    report_shape(state, p->rows(), p->cols(), p->nnz());
}

} // namespace

void register_spmm(const matrix_entry& e) {
    const auto libs = spmm_libraries();
    for (const std::size_t k : opts().spmm_k) {
        for (const auto& lib : libs) {
            const std::string name = "spmm/" + lib.name + "/" + e.name + "/k:" + std::to_string(k);
            with_threads(benchmark::RegisterBenchmark(name.c_str(), [e, lib, k](benchmark::State& st) { bench_spmm(st, e, lib, k); }),
                         lib.multi_threaded);
        }
    }
}

} // namespace wbbench
