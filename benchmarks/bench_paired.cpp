// benchmarks/bench_paired.cpp — WaferBLAS and every peer timed in alternation on one matrix, so that
// each ratio compares calls made under the same machine conditions.
//
// On the shared project machine a whole process runs up to 1.5x slower than the next one, for every
// library, at moments no library controls (docs/performance.md, noise): two configurations timed
// minutes apart can swap places while their code is unchanged. Here a round times a batch of calls
// of each library in turn (2 ms of calls), rotating which one goes first, each batch after a 2 ms
// busy pause (the previous library's threads go idle) and one untimed call that wakes this
// library's threads and brings its own arrays back into cache and into the guest's memory (calls
// under warm_call_seconds; below).
// A round's ratio is WaferBLAS's time per call over the fastest peer's in the same round; a
// repetition reports the median over its rounds.
//
// Names: paired_spmv/<waferblas variant>/<problem>/threads:T and paired_spmm/<variant>/<problem>/
// k:K/threads:T. Counters: ratio_best (time over the fastest peer's), ratio_Eigen,
// ratio_GraphBLAS (the faster of its two calls, as in the unpaired tables), ratio_librsb,
// t_<library>, the median seconds per call, and for SpMV beyond the caches triad_fraction, the
// SpMV's bandwidth over the STREAM triad's (bench_stream.cpp) timed in the same rounds. Peers that
// are not multi-threaded are left out at more than one thread, as in the unpaired benchmarks.
#include "runners.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace wbbench {

namespace {

/// A batch lasts at least this long: the clock's cost and resolution do not matter, and the calls
/// after the first are in the steady state that a benchmark loop of one library measures.
constexpr double batch_seconds = 2e-3;
/// Calls shorter than this get an untimed call before their batch (see the top of the file). It was
/// 5 ms, as calls beyond the caches stream from memory anyway; but on the Zen 5 guest of run 73 on,
/// the first SpMV on `poisson3d_200` after 1.4-2.9 GB of other arrays were read took 73-140 ms
/// where the next took 28 (not every time; the guest has no swap and counted no major fault), and
/// a batch of such calls is one call. Calls longer than this (SpMM of slow peers at k = 128) are
/// not doubled: they would add minutes to a run.
constexpr double warm_call_seconds = 0.25;
/// Pause before each batch (see time_batch).
constexpr double settle_seconds = 2e-3;
/// Rounds per repetition (Google Benchmark iterations); the run script asks for 5 repetitions.
constexpr int rounds_per_repetition = 5;

double median(std::vector<double> v) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

template <class Runner>
struct contestant {
    contestant(std::string name, std::string peer_name, std::unique_ptr<Runner> r)
        : lib(std::move(name)), peer(std::move(peer_name)), runner(std::move(r)) {}
    std::string lib, peer; ///< peer: "" for the WaferBLAS variant and the reference
    std::unique_ptr<Runner> runner;
    bool reference = false; ///< the STREAM triad: timed in the rounds, not a peer
    std::size_t batch = 1;
    bool warm = true;
    std::vector<double> seconds_per_call; ///< one per round of the current repetition
};

template <class Runner>
struct paired_state {
    std::vector<contestant<Runner>> entries; ///< entries[0]: WaferBLAS
    double bytes = 0;                        ///< compulsory bytes of one WaferBLAS call (SpMV)
    std::string error;
};

using clock_type = std::chrono::steady_clock;

/// Sizes each contestant's batch from its calls over one batch time (after the checked call warmed
/// it up): one call alone may include a thread wake-up that the next ones do not pay.
template <class Runner>
void size_batches(paired_state<Runner>& s) {
    for (auto& c : s.entries) {
        c.runner->prepare();
        std::size_t calls = 0;
        double elapsed = 0;
        const auto t0 = clock_type::now();
        do {
            c.runner->run();
            ++calls;
            elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
        } while (elapsed < batch_seconds);
        const double t = elapsed / static_cast<double>(calls);
        c.batch = static_cast<std::size_t>(std::ceil(batch_seconds / t));
        c.warm = t < warm_call_seconds;
    }
}

template <class Runner>
void time_batch(contestant<Runner>& c) {
    // Let the previous library's threads go idle first: a thread of one runtime (TBB, OpenMP) still
    // spinning after its batch would take a core from the next library's threads. The calling
    // thread waits busy: with a 2 ms sleep instead, every library's calls took up to 1.5x their
    // time in the separate benchmarks (docs/performance.md, Method).
    for (const auto t0 = clock_type::now(); std::chrono::duration<double>(clock_type::now() - t0).count() < settle_seconds;) {
    }
    c.runner->prepare();
    if (c.warm) c.runner->run();
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < c.batch; ++i) {
        c.runner->run();
        benchmark::ClobberMemory();
    }
    c.seconds_per_call.push_back(std::chrono::duration<double>(clock_type::now() - t0).count() / static_cast<double>(c.batch));
}

/// The timing loop and the counters of one repetition.
template <class Runner>
void run_rounds(benchmark::State& state, paired_state<Runner>& s) {
    const std::size_t n = s.entries.size();
    for (auto& c : s.entries) c.seconds_per_call.clear();
    std::size_t round = 0;
    try {
        for (auto _ : state) {
            for (std::size_t i = 0; i < n; ++i) time_batch(s.entries[(round + i) % n]);
            ++round;
        }
    } catch (const std::exception& ex) {
        fail(state, ex.what());
        return;
    }
    // Per round: WaferBLAS's time over each peer's (the faster of a peer's calls) and the fastest's.
    std::map<std::string, std::vector<double>> ratios;
    for (std::size_t r = 0; r < round; ++r) {
        const double ours = s.entries[0].seconds_per_call[r];
        std::map<std::string, double> peer_time;
        for (std::size_t i = 1; i < n; ++i) {
            const auto& c = s.entries[i];
            const double t = c.seconds_per_call[r];
            if (c.reference) {
                ratios["triad_fraction"].push_back((s.bytes / ours) / (stream_triad_bytes() / t));
                continue;
            }
            if (auto it = peer_time.find(c.peer); it == peer_time.end() || t < it->second) peer_time[c.peer] = t;
        }
        double best = std::numeric_limits<double>::infinity();
        for (const auto& [peer, t] : peer_time) {
            ratios["ratio_" + peer].push_back(ours / t);
            best = std::min(best, t);
        }
        ratios["ratio_best"].push_back(ours / best);
    }
    for (const auto& [name, values] : ratios) state.counters[name] = median(values);
    for (const auto& c : s.entries) state.counters["t_" + c.lib] = median(c.seconds_per_call);
}

/// The WaferBLAS variant first (`ours`, or the first listed: the default backend's free function;
/// registered at several thread counts only when multi-threaded), then every peer that runs at
/// `threads`.
template <class Library>
std::vector<const Library*> contestants(const std::vector<Library>& libs, int threads, const Library* ours = nullptr) {
    std::vector<const Library*> out;
    if (ours != nullptr) out.push_back(ours);
    for (const auto& lib : libs)
        if (ours == nullptr && lib.name.rfind("waferblas_", 0) == 0) {
            out.push_back(&lib);
            break;
        }
    for (const auto& lib : libs)
        if (!lib.peer.empty() && (threads == 1 || lib.multi_threaded)) out.push_back(&lib);
    return out;
}

/// The configuration's contestants (built, checked and sized once), then one repetition's rounds.
/// make(lib) returns lib's checked runner.
template <class Runner, class Library, class Make>
void bench_paired(benchmark::State& state, const std::string& key, const std::vector<Library>& libs, const problem& p, Make&& make,
                  const Library* ours = nullptr) {
    const int threads = static_cast<int>(state.range(0));
    auto& s = config_slot<paired_state<Runner>>(key + "/" + std::to_string(threads), [&] {
        auto st = std::make_shared<paired_state<Runner>>();
        try {
            for (const auto* lib : contestants(libs, threads, ours)) st->entries.emplace_back(lib->name, lib->peer, make(*lib, threads));
            if (st->entries.size() < 2) throw std::runtime_error(key + ": no peer runs at " + std::to_string(threads) + " threads");
            if constexpr (std::is_same_v<Runner, spmv_runner>) {
                // Matrices beyond the caches also get the bandwidth reference (issue #3: 85 % of the
                // triad): counter triad_fraction, the SpMV's bandwidth over the triad's per round.
                st->bytes = spmv_bytes(p.rows(), p.cols(), p.nnz());
                if (st->bytes >= static_cast<double>(opts().paired_triad_bytes))
                    if (auto triad = make_stream_triad(threads)) {
                        st->entries.emplace_back("stream_triad", "", std::move(triad));
                        st->entries.back().reference = true;
                    }
            }
            size_batches(*st);
        } catch (const std::exception& ex) {
            st->error = ex.what();
        }
        return st;
    });
    if (!s.error.empty()) return fail(state, s.error);
    run_rounds(state, s);
    report_shape(state, p.rows(), p.cols(), p.nnz());
}

void bench_paired_spmv(benchmark::State& state, const matrix_entry& e) {
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    bench_paired<spmv_runner>(state, "paired_spmv/" + e.name, spmv_libraries(), *p,
                              [&](const spmv_library& lib, int threads) { return make_checked(lib, *p, threads); });
}

#if defined(WAFERBLAS_BENCH_HAVE_TBB)
/// An SpMV plan with spmv_layout::diagonal_chunks, paired like the free function (its own names,
/// paired_spmv_chunks/...): the layout meant for stencils and bands beyond the caches.
const spmv_library& chunk_plan_library() {
    static const spmv_library lib{"waferblas_plan_chunks_tbb", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                                      return std::make_unique<waferblas_plan_spmv<waferblas::backend::tbb>>(
                                          p, waferblas::backend::tbb{static_cast<std::size_t>(t)}, static_cast<std::size_t>(t),
                                          waferblas::spmv_layout::diagonal_chunks);
                                  }};
    return lib;
}

void bench_paired_spmv_chunks(benchmark::State& state, const matrix_entry& e) {
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    bench_paired<spmv_runner>(state, "paired_spmv_chunks/" + e.name, spmv_libraries(), *p,
                              [&](const spmv_library& lib, int threads) { return make_checked(lib, *p, threads); }, &chunk_plan_library());
}
#endif

void bench_paired_spmm(benchmark::State& state, const matrix_entry& e, std::size_t k) {
    const spmm_operands* o = spmm_operands_or_fail(state, e, k);
    if (o == nullptr) return;
    problem* p = &current_problem(e);
    bench_paired<spmm_runner>(state, "paired_spmm/" + e.name + "/k:" + std::to_string(k), spmm_libraries(), *p,
                              [&](const spmm_library& lib, int threads) { return make_checked(lib, *p, *o, threads); });
}

/// The WaferBLAS variant that is paired, if it and a peer are compiled in.
template <class Library>
const Library* paired_variant(const std::vector<Library>& libs) {
    const auto c = contestants(libs, 1);
    return c.size() < 2 || !c.front()->peer.empty() ? nullptr : c.front();
}

} // namespace

void register_paired(const matrix_entry& e) {
    const auto spmv_libs = spmv_libraries();
    if (const auto* ours = paired_variant(spmv_libs)) {
        const std::string name = "paired_spmv/" + ours->name + "/" + e.name;
        with_threads(benchmark::RegisterBenchmark(name.c_str(), [e](benchmark::State& st) { bench_paired_spmv(st, e); }),
                     ours->multi_threaded)
            ->Iterations(rounds_per_repetition);
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
        if (forms_diagonal_chunks(e)) {
            const std::string chunks = "paired_spmv_chunks/" + chunk_plan_library().name + "/" + e.name;
            with_threads(benchmark::RegisterBenchmark(chunks.c_str(), [e](benchmark::State& st) { bench_paired_spmv_chunks(st, e); }), true)
                ->Iterations(rounds_per_repetition);
        }
#endif
    }
    if (!e.spmm) return;
    const auto spmm_libs = spmm_libraries();
    if (const auto* ours = paired_variant(spmm_libs)) {
        for (const std::size_t k : opts().spmm_k) {
            const std::string name = "paired_spmm/" + ours->name + "/" + e.name + "/k:" + std::to_string(k);
            with_threads(benchmark::RegisterBenchmark(name.c_str(), [e, k](benchmark::State& st) { bench_paired_spmm(st, e, k); }),
                         ours->multi_threaded)
                ->Iterations(rounds_per_repetition);
        }
    }
}

} // namespace wbbench
