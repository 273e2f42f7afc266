// benchmarks/bench_paired.cpp — WaferBLAS and every peer timed in alternation on one matrix, so that
// each ratio compares calls made under the same machine conditions.
//
// On the shared project machine a whole process runs up to 1.5x slower than the next one, for every
// library, at moments no library controls (docs/performance.md, noise): two configurations timed
// minutes apart can swap places while their code is unchanged. Here a round times a batch of calls
// of each library in turn (2 ms of calls), in an order shuffled every round, each batch after a 2 ms
// busy pause (the previous library's threads go idle) and one untimed call that wakes this
// library's threads and brings its own arrays back into cache and into the guest's memory (calls
// under warm_call_seconds; below).
// A round's ratio is WaferBLAS's time per call over the fastest peer's in the same round; a
// repetition reports the median over its rounds. Every library's result is checked against the
// reference loop before its first batch and again after each repetition's rounds.
//
// Names: paired_spmv/<waferblas variant>/<problem>/threads:T and paired_spmm/<variant>/<problem>/
// k:K/threads:T. Counters: ratio_best (time over the fastest peer's), ratio_Eigen,
// ratio_GraphBLAS (the faster of its two calls, as in the unpaired tables), ratio_librsb,
// t_<library>, the median seconds per call, and for SpMV beyond the caches triad_fraction, the
// SpMV's bandwidth over the STREAM triad's (bench_stream.cpp) timed in the same rounds. Peers that
// are not multi-threaded are left out at more than one thread, as in the unpaired benchmarks.
//
// Ceilings (--paired-ceilings, SpMV calls that time the triad): the same WaferBLAS variant on two
// rearranged copies of the matrix, timed in the same rounds, each with its own
// triad_fraction_<name>. `rows_sorted` has the rows in order of length, so that the row loop's
// branches are predictable (a power-law matrix's rows, 0 to thousands of nonzeros in random order,
// defeat the predictor); `rows_sorted_x_l1` also folds every column into the first 1024, so that
// x comes from L1.
// They compute products nobody wants, of the same bytes of values and indices: what the CSR row
// loop would reach if the row lengths and the reads of x cost nothing, which bounds how close to
// the triad any CSR kernel of this matrix can come (issue #3's 85 %; docs/performance.md, item 2).
#include "runners.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <random>
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

/// What a contestant is to the others: a library (WaferBLAS's variant or a peer), the triad, or a
/// computation whose bandwidth is compared with the triad's alone (the ceilings; the level-1
/// variants after the first).
enum class role { library, triad, bandwidth };

template <class Runner>
struct contestant {
    contestant(std::string name, std::string peer_name, std::unique_ptr<Runner> r, role as = role::library)
        : lib(std::move(name)), peer(std::move(peer_name)), runner(std::move(r)), what(as) {}
    std::string lib, peer; ///< peer: "" for the WaferBLAS variant and the references
    std::unique_ptr<Runner> runner;
    role what;
    const expected_result* expect = nullptr; ///< checked again after each repetition's rounds; nullptr: not
    std::size_t batch = 1;
    bool warm = true;
    std::vector<double> seconds_per_call; ///< one per round of the current repetition
};

template <class Runner>
struct paired_state {
    std::deque<problem> rearranged; ///< the ceilings' matrices (their runners point into them)
    std::deque<expected_result> expectations; ///< the level-1 variants' (entries point into them)
    std::vector<contestant<Runner>> entries; ///< entries[0]: WaferBLAS
    double bytes = 0;                        ///< bytes of one WaferBLAS call: compulsory (SpMV), STREAM's (level 1)
    std::string error;
    /// The order of each round's batches: shuffled every round (fixed seed, kept across repetitions),
    /// so that no library always follows the same one (a runtime's threads still spinning, or the
    /// caches another library left, would otherwise favour or hurt it every round alike).
    std::mt19937 order_rng{20261203};
    std::vector<std::size_t> order;
};

/// The rows of A in order of length (stable): row r of the ceilings' matrices is row order[r] of A.
/// The sort of spmv_layout::rows_by_length, over all rows at once.
std::vector<std::int32_t> rows_by_length(const waferblas::csr_matrix<double>& A) {
    std::vector<std::int32_t> order(static_cast<std::size_t>(A.rows()));
    std::vector<std::size_t> counts(waferblas::detail::counted_row_lengths + 1);
    std::vector<std::int32_t> longer;
    waferblas::detail::sort_rows_by_length(A.row_ptr(), 0, order.size(), order.data(), counts, longer);
    return order;
}

/// A copy of A with its rows in `order`, and every column j taken to j mod 1024 when fold_columns
/// (x then comes from L1: other sums). Built unchecked: folded rows may repeat or reorder columns,
/// which the row loop does not mind.
waferblas::csr_matrix<double> rearranged(const waferblas::csr_matrix<double>& A, const std::vector<std::int32_t>& order, bool fold_columns) {
    using I = std::int32_t;
    const auto ptr = A.row_ptr();
    const auto idx = A.col_idx();
    const auto val = A.values();
    auto new_ptr = waferblas::detail::large_vector<I>(order.size() + 1);
    auto new_idx = waferblas::detail::large_vector<I>(idx.size());
    auto new_val = waferblas::detail::large_vector<double>(val.size());
    const I fold = std::min<I>(A.cols(), 1024);
    std::size_t k = 0;
    for (std::size_t r = 0; r < order.size(); ++r) {
        const auto row = static_cast<std::size_t>(order[r]);
        for (auto q = static_cast<std::size_t>(ptr[row]); q < static_cast<std::size_t>(ptr[row + 1]); ++q, ++k) {
            new_idx[k] = fold_columns ? idx[q] % fold : idx[q];
            new_val[k] = val[q];
        }
        new_ptr[r + 1] = static_cast<I>(k);
    }
    return {waferblas::unchecked, A.rows(), A.cols(), std::move(new_ptr), std::move(new_idx), std::move(new_val)};
}

/// Adds the ceilings of `ours` (the WaferBLAS variant's library) on p to s, as described at the top.
template <class Library>
void add_ceilings(paired_state<spmv_runner>& s, const Library& ours, const problem& p, int threads) {
    const auto order = rows_by_length(p.A);
    for (const bool fold : {false, true}) {
        const std::string name = fold ? "rows_sorted_x_l1" : "rows_sorted";
        problem& q = s.rearranged.emplace_back();
        q.name = p.name + "/" + name;
        q.A = rearranged(p.A, order, fold);
        q.x = p.x;
        auto runner = ours.make(q, threads);
        runner->prepare();
        runner->run();
        if (!fold) { // the same sums as A x, permuted: checked as the libraries' results are
            q.y_ref.tolerance = p.y_ref.tolerance;
            for (const std::int32_t i : order) {
                q.y_ref.value.push_back(p.y_ref.value[static_cast<std::size_t>(i)]);
                q.y_ref.scale.push_back(p.y_ref.scale[static_cast<std::size_t>(i)]);
            }
            if (auto err = check_result(ours.name + " on " + q.name, runner->result(), q.y_ref); !err.empty()) throw std::runtime_error(err);
        }
        s.entries.emplace_back(name, "", std::move(runner), role::bandwidth);
        if (!fold) s.entries.back().expect = &q.y_ref;
    }
}

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
    s.order.resize(n);
    try {
        for (auto _ : state) {
            std::iota(s.order.begin(), s.order.end(), std::size_t{0});
            std::shuffle(s.order.begin(), s.order.end(), s.order_rng);
            for (const std::size_t i : s.order) time_batch(s.entries[i]);
            ++round;
        }
    } catch (const std::exception& ex) {
        fail(state, ex.what());
        return;
    }
    for (const auto& c : s.entries)
        if (c.expect != nullptr && !still_correct(state, c.lib, *c.runner, *c.expect)) return;
    // Per round: WaferBLAS's time over each peer's (the faster of a peer's calls) and the fastest's;
    // the bandwidths of WaferBLAS and of the role::bandwidth entries over the triad's.
    std::map<std::string, std::vector<double>> ratios;
    const auto triad = std::find_if(s.entries.begin(), s.entries.end(), [](const auto& c) { return c.what == role::triad; });
    for (std::size_t r = 0; r < round; ++r) {
        const double ours = s.entries[0].seconds_per_call[r];
        const double triad_rate = triad == s.entries.end() ? 0.0 : stream_triad_bytes() / triad->seconds_per_call[r];
        std::map<std::string, double> peer_time;
        for (std::size_t i = 1; i < n; ++i) {
            const auto& c = s.entries[i];
            const double t = c.seconds_per_call[r];
            if (c.what == role::triad) ratios["triad_fraction"].push_back((s.bytes / ours) / triad_rate);
            if (c.what == role::bandwidth && triad_rate > 0) ratios["triad_fraction_" + c.lib].push_back((s.bytes / t) / triad_rate);
            if (c.what != role::library) continue;
            if (auto it = peer_time.find(c.peer); it == peer_time.end() || t < it->second) peer_time[c.peer] = t;
        }
        if (peer_time.empty()) continue; // level 1: no peer, the triad alone
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

/// The configuration's state, built by fill(state) (contestants made, checked and added) and sized
/// once, then one repetition's rounds. Returns false, with `state` failed, when the build threw.
template <class Runner, class Fill>
bool paired_rounds(benchmark::State& state, const std::string& key, Fill&& fill) {
    auto& s = config_slot<paired_state<Runner>>(key, [&] {
        auto st = std::make_shared<paired_state<Runner>>();
        try {
            fill(*st);
            size_batches(*st);
        } catch (const std::exception& ex) {
            st->error = ex.what();
        }
        return st;
    });
    if (!s.error.empty()) {
        fail(state, s.error);
        return false;
    }
    run_rounds(state, s);
    return true;
}

/// The libraries' contestants on p; make(lib) returns lib's checked runner.
template <class Runner, class Library, class Make>
void bench_paired(benchmark::State& state, const std::string& key, const std::vector<Library>& libs, const problem& p,
                  const expected_result& ref, Make&& make, const Library* ours = nullptr) {
    const int threads = static_cast<int>(state.range(0));
    const bool ran = paired_rounds<Runner>(state, key + "/" + std::to_string(threads), [&](paired_state<Runner>& st) {
        const auto listed = contestants(libs, threads, ours);
        for (const auto* lib : listed) {
            st.entries.emplace_back(lib->name, lib->peer, make(*lib, threads));
            st.entries.back().expect = &ref;
        }
        if (st.entries.size() < 2) throw std::runtime_error(key + ": no peer runs at " + std::to_string(threads) + " threads");
        if constexpr (std::is_same_v<Runner, spmv_runner>) {
            // Matrices beyond the caches also get the bandwidth reference (issue #3: 85 % of the
            // triad): counter triad_fraction, the SpMV's bandwidth over the triad's per round.
            st.bytes = spmv_bytes(p.rows(), p.cols(), p.nnz());
            if (st.bytes >= static_cast<double>(opts().paired_triad_bytes))
                if (auto triad = make_stream_triad(threads)) {
                    st.entries.emplace_back("stream_triad", "", std::move(triad), role::triad);
                    // The free function's only: a chunk plan of a rearranged stencil forms no chunks.
                    if (opts().paired_ceilings && ours == nullptr) add_ceilings(st, *listed.front(), p, threads);
                }
        }
    });
    if (ran) report_shape(state, p.rows(), p.cols(), p.nnz());
}

void bench_paired_spmv(benchmark::State& state, const matrix_entry& e) {
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    bench_paired<spmv_runner>(state, "paired_spmv/" + e.name, spmv_libraries(), *p, p->y_ref,
                              [&](const spmv_library& lib, int threads) { return make_checked(lib, *p, threads); });
}

#if defined(WAFERBLAS_BENCH_HAVE_TBB)
/// An SpMV plan with a layout other than CSR, paired like the free function under its own names:
/// paired_spmv_chunks/... (spmv_layout::diagonal_chunks, the layout meant for stencils and bands
/// beyond the caches) and paired_spmv_sorted/... (spmv_layout::rows_by_length, for irregular rows).
template <waferblas::spmv_layout Layout>
const spmv_library& plan_library() {
    static const spmv_library lib{Layout == waferblas::spmv_layout::diagonal_chunks ? "waferblas_plan_chunks_tbb" : "waferblas_plan_sorted_tbb",
                                  true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                                      return std::make_unique<waferblas_plan_spmv<waferblas::backend::tbb>>(
                                          p, waferblas::backend::tbb{static_cast<std::size_t>(t)}, static_cast<std::size_t>(t), Layout);
                                  }};
    return lib;
}

template <waferblas::spmv_layout Layout>
void bench_paired_spmv_plan(benchmark::State& state, const matrix_entry& e, const std::string& family) {
    problem* p = current_problem_or_fail(state, e);
    if (p == nullptr) return;
    bench_paired<spmv_runner>(state, family + "/" + e.name, spmv_libraries(), *p, p->y_ref,
                              [&](const spmv_library& lib, int threads) { return make_checked(lib, *p, threads); }, &plan_library<Layout>());
}

/// Registers the paired SpMV of a plan with Layout on e, as `family`/<library>/<matrix>.
template <waferblas::spmv_layout Layout>
void register_paired_plan(const matrix_entry& e, const std::string& family) {
    const std::string name = family + "/" + plan_library<Layout>().name + "/" + e.name;
    with_threads(benchmark::RegisterBenchmark(name.c_str(), [e, family](benchmark::State& st) { bench_paired_spmv_plan<Layout>(st, e, family); }),
                 true)
        ->Iterations(rounds_per_repetition);
}
#endif

void bench_paired_spmm(benchmark::State& state, const matrix_entry& e, std::size_t k) {
    const spmm_operands* o = spmm_operands_or_fail(state, e, k);
    if (o == nullptr) return;
    problem* p = &current_problem(e);
    bench_paired<spmm_runner>(state, "paired_spmm/" + e.name + "/k:" + std::to_string(k), spmm_libraries(), *p, o->C_ref,
                              [&](const spmm_library& lib, int threads) { return make_checked(lib, *p, *o, threads); });
}

/// Paired rounds of variants compared with the triad alone (register_paired_with_triad).
void bench_paired_with_triad(benchmark::State& state, const std::string& name, double bytes,
                             const std::function<std::vector<triad_paired_variant>(int)>& make) {
    const int threads = static_cast<int>(state.range(0));
    paired_rounds<spmv_runner>(state, name + "/" + std::to_string(threads), [&](paired_state<spmv_runner>& st) {
        auto triad = make_stream_triad(threads);
        if (!triad) throw std::runtime_error(name + ": no STREAM triad at " + std::to_string(threads) + " threads");
        for (auto& v : make(threads)) {
            st.entries.emplace_back(v.name, "", std::move(v.runner), st.entries.empty() ? role::library : role::bandwidth);
            st.entries.back().expect = &st.expectations.emplace_back(std::move(v.expect));
        }
        if (st.entries.empty()) throw std::runtime_error(name + ": nothing runs at " + std::to_string(threads) + " threads");
        st.entries.emplace_back("stream_triad", "", std::move(triad), role::triad);
        st.bytes = bytes;
    });
}

/// The WaferBLAS variant that is paired, if it and a peer are compiled in.
template <class Library>
const Library* paired_variant(const std::vector<Library>& libs) {
    const auto c = contestants(libs, 1);
    return c.size() < 2 || !c.front()->peer.empty() ? nullptr : c.front();
}

} // namespace

void register_paired_with_triad(const std::string& name, double bytes, bool multi,
                                std::function<std::vector<triad_paired_variant>(int threads)> make) {
    with_threads(benchmark::RegisterBenchmark(name.c_str(),
                                              [name, bytes, make = std::move(make)](benchmark::State& st) {
                                                  bench_paired_with_triad(st, name, bytes, make);
                                              }),
                 multi)
        ->Iterations(rounds_per_repetition);
}

void register_paired(const matrix_entry& e) {
    const auto spmv_libs = spmv_libraries();
    if (const auto* ours = paired_variant(spmv_libs)) {
        const std::string name = "paired_spmv/" + ours->name + "/" + e.name;
        with_threads(benchmark::RegisterBenchmark(name.c_str(), [e](benchmark::State& st) { bench_paired_spmv(st, e); }),
                     ours->multi_threaded)
            ->Iterations(rounds_per_repetition);
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
        if (forms_diagonal_chunks(e)) register_paired_plan<waferblas::spmv_layout::diagonal_chunks>(e, "paired_spmv_chunks");
        else register_paired_plan<waferblas::spmv_layout::rows_by_length>(e, "paired_spmv_sorted");
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
