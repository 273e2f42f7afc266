// benchmarks/bench_level1.cpp — dot and axpy on options().level1_n doubles (default 10^7): WaferBLAS's
// backends and a plain OpenMP loop ("reference", for scale, not a peer), 1 and 2 threads.
//
// Bytes as STREAM counts them: dot reads x and y (16 B per element), axpy reads x and y and writes y
// (24 B per element). With 10^7 elements the two vectors (160 MB) are larger than the L2 but may
// partly fit in a large shared L3; compare with the triad figure of the same run, or read the
// paired figures (paired_level1/..., below), which time every variant and the triad in alternation.
#include "runners.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#if __has_include(<waferblas/blas/level1.hpp>)
#include <waferblas/blas/level1.hpp>
#define WAFERBLAS_BENCH_HAVE_LEVEL1 1
#endif
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
#include <waferblas/backend/tbb.hpp>
#endif
#if defined(WAFERBLAS_BENCH_HAVE_OPENMP)
#include <waferblas/backend/openmp.hpp>
#endif

namespace wbbench {

namespace {

struct level1_arrays {
    std::vector<double> x, y;
    explicit level1_arrays(std::size_t n) : x(n), y(n) {
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = test_value(i, 101);
            y[i] = test_value(i, 202);
        }
    }
};

level1_arrays& arrays(std::size_t n) {
    return config_slot<level1_arrays>("level1/" + std::to_string(n), [&] { return std::make_shared<level1_arrays>(n); });
}

// The reference loops (OpenMP static schedule when available).
double reference_dot(std::span<const double> x, std::span<const double> y, int threads) {
    const auto count = static_cast<long long>(x.size());
    double s = 0;
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) reduction(+ : s) num_threads(threads)
#endif
    for (long long i = 0; i < count; ++i) s += x[static_cast<std::size_t>(i)] * y[static_cast<std::size_t>(i)];
    static_cast<void>(threads);
    return s;
}

void reference_axpy(double alpha, std::span<const double> x, std::span<double> y, int threads) {
    const auto count = static_cast<long long>(x.size());
    const double* __restrict xp = x.data();
    double* __restrict yp = y.data();
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (long long i = 0; i < count; ++i) yp[i] += alpha * xp[i];
    static_cast<void>(threads);
}

/// Sequential oracle for verification: long double accumulation.
double oracle_dot(const std::vector<double>& x, const std::vector<double>& y) {
    long double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += static_cast<long double>(x[i]) * static_cast<long double>(y[i]);
    return static_cast<double>(s);
}

constexpr double axpy_alpha = 1e-9; // y grows by ~1e-9 x per call: no overflow over any run

/// A library's dot and axpy as the benchmarks call them (threads: the call's thread count).
using dot_function = std::function<double(std::span<const double>, std::span<const double>, int threads)>;
using axpy_function = std::function<void(double, std::span<const double>, std::span<double>, int threads)>;

struct level1_variant {
    std::string name;
    bool multi_threaded;
    dot_function dot;
    axpy_function axpy;
};

#if defined(WAFERBLAS_BENCH_HAVE_LEVEL1)
/// dot and axpy on a multi-threaded backend constructed from the thread count.
template <class Backend>
level1_variant threaded_variant(std::string name) {
    return {std::move(name), true,
            [](std::span<const double> x, std::span<const double> y, int t) { return waferblas::dot(Backend{static_cast<std::size_t>(t)}, x, y); },
            [](double alpha, std::span<const double> x, std::span<double> y, int t) {
                waferblas::axpy(Backend{static_cast<std::size_t>(t)}, alpha, x, y);
            }};
}
#endif

/// WaferBLAS's backends, the default's first, then the reference loops ("reference", for scale).
std::vector<level1_variant> level1_variants() {
    std::vector<level1_variant> out;
#if defined(WAFERBLAS_BENCH_HAVE_LEVEL1)
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
    out.push_back(threaded_variant<waferblas::backend::tbb>("waferblas_tbb"));
#endif
#if defined(WAFERBLAS_BENCH_HAVE_OPENMP)
    out.push_back(threaded_variant<waferblas::backend::openmp>("waferblas_omp"));
#endif
    out.push_back({"waferblas_seq", false,
                   [](std::span<const double> x, std::span<const double> y, int) { return waferblas::dot(waferblas::backend::sequential{}, x, y); },
                   [](double alpha, std::span<const double> x, std::span<double> y, int) {
                       waferblas::axpy(waferblas::backend::sequential{}, alpha, x, y);
                   }});
#endif
#if defined(_OPENMP)
    out.push_back({"reference", true, reference_dot, reference_axpy});
#else
    out.push_back({"reference", false, reference_dot, reference_axpy});
#endif
    return out;
}

void bench_dot(benchmark::State& state, const dot_function& dot) {
    const int threads = static_cast<int>(state.range(0));
    auto& a = arrays(opts().level1_n);
    const double ref = oracle_dot(a.x, a.y);
    const double got = dot(a.x, a.y, threads);
    if (!(std::abs(got - ref) <= verify_tolerance * std::abs(ref))) {
        fail(state, "dot: relative error " + std::to_string(std::abs(got - ref) / std::abs(ref)) + " exceeds 1e-12");
        return;
    }
    for (auto _ : state) {
        double r = dot(a.x, a.y, threads);
        benchmark::DoNotOptimize(r);
    }
    report_rates(state, 16.0 * static_cast<double>(a.x.size()), 2.0 * static_cast<double>(a.x.size()));
}

void bench_axpy(benchmark::State& state, const axpy_function& axpy) {
    const int threads = static_cast<int>(state.range(0));
    auto& a = arrays(opts().level1_n);
    expected_result expect{a.y, std::vector<double>(a.y.size())};
    for (std::size_t i = 0; i < a.y.size(); ++i) {
        expect.value[i] += axpy_alpha * a.x[i];
        expect.scale[i] = std::abs(a.y[i]) + std::abs(axpy_alpha * a.x[i]);
    }
    axpy(axpy_alpha, a.x, a.y, threads);
    const std::string err = check_result("axpy", a.y, expect);
    if (!err.empty()) {
        fail(state, err);
        return;
    }
    for (auto _ : state) {
        axpy(axpy_alpha, a.x, a.y, threads);
        benchmark::ClobberMemory();
    }
    report_rates(state, 24.0 * static_cast<double>(a.x.size()), 2.0 * static_cast<double>(a.x.size()));
}

// ---------------------------------------------------------------------------------------------------
// Paired: every variant and the STREAM triad timed in alternation (bench_paired.cpp), so that each
// variant's fraction of the triad compares calls made under the same machine conditions (issue #3:
// dot and axpy at least 0.9x of STREAM-bound).

/// An integer in [-512, 512] for index i (test_value's hash, scaled).
double small_integer(std::size_t i, std::size_t salt) noexcept { return std::floor((test_value(i, salt) - 0.5) * 1024.0) - 512.0; }

/// The paired rounds' operands: integers in [-512, 512], so that x . y comes out exact in any order
/// of summation (every partial sum an integer of at most n 2^18 < 2^53, for n < 2^35), and so does
/// y += 2^-20 x however many times a run calls it (y stays a multiple of 2^-20 below 2^33, for
/// fewer than 2^44 calls): every variant's result is checked for equality, before the rounds and
/// after each repetition. On huge pages (aligned_vector, core/memory.hpp), as the triad's arrays
/// are: the fraction then compares kernels, not page sizes.
struct exact_operands {
    waferblas::aligned_vector<double> x, y;
    double dot = 0;
    explicit exact_operands(std::size_t n) : x(n), y(n) {
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = small_integer(i, 101);
            y[i] = small_integer(i, 202);
            dot += x[i] * y[i];
        }
    }
};

constexpr double exact_alpha = 0x1p-20;

class dot_runner final : public spmv_runner {
public:
    dot_runner(std::shared_ptr<const exact_operands> o, dot_function dot, int threads)
        : o_(std::move(o)), dot_(std::move(dot)), threads_(threads) {}
    void run() override { sum_ = dot_(o_->x, o_->y, threads_); }
    [[nodiscard]] std::vector<double> result() const override { return {sum_}; }

private:
    std::shared_ptr<const exact_operands> o_;
    dot_function dot_;
    int threads_;
    double sum_ = 0;
};

/// y += 2^-20 x on a y of its own; result() is y less what its calls added, which must be the
/// starting y exactly.
class axpy_runner final : public spmv_runner {
public:
    axpy_runner(std::shared_ptr<const exact_operands> o, axpy_function axpy, int threads)
        : o_(std::move(o)), axpy_(std::move(axpy)), threads_(threads), y_(o_->y) {}
    void run() override {
        axpy_(exact_alpha, o_->x, y_, threads_);
        ++calls_;
    }
    [[nodiscard]] std::vector<double> result() const override {
        std::vector<double> start(y_.size());
        const double added = static_cast<double>(calls_) * exact_alpha;
        for (std::size_t i = 0; i < y_.size(); ++i) start[i] = y_[i] - added * o_->x[i];
        return start;
    }

private:
    std::shared_ptr<const exact_operands> o_;
    axpy_function axpy_;
    int threads_;
    waferblas::aligned_vector<double> y_;
    std::uint64_t calls_ = 0;
};

/// The variants of `kernel` ("dot" or "axpy") that run at `threads`, each run once and checked.
std::vector<triad_paired_variant> paired_level1_variants(const std::string& kernel, std::size_t n, int threads) {
    const auto o = std::make_shared<const exact_operands>(n);
    std::vector<triad_paired_variant> out;
    for (auto& v : level1_variants()) {
        if (threads > 1 && !v.multi_threaded) continue;
        triad_paired_variant p;
        p.name = v.name;
        if (kernel == "dot") {
            p.runner = std::make_unique<dot_runner>(o, std::move(v.dot), threads);
            p.expect = {{o->dot}, {0.0}};
        } else {
            p.runner = std::make_unique<axpy_runner>(o, std::move(v.axpy), threads);
            p.expect = {{o->y.begin(), o->y.end()}, std::vector<double>(n, 0.0)};
        }
        p.runner->prepare();
        p.runner->run();
        if (auto err = check_result(v.name + " " + kernel, p.runner->result(), p.expect); !err.empty()) throw std::runtime_error(err);
        out.push_back(std::move(p));
    }
    return out;
}

void register_paired_level1() {
    const std::size_t n = opts().level1_n;
    const auto variants = level1_variants();
    if (opts().stream_n == 0 || variants.size() < 2) return;
    for (const std::string kernel : {"dot", "axpy"}) {
        const double bytes = (kernel == "dot" ? 16.0 : 24.0) * static_cast<double>(n);
        register_paired_with_triad("paired_level1/" + variants.front().name + "/" + kernel + "/n:" + std::to_string(n), bytes,
                                   variants.front().multi_threaded,
                                   [kernel, n](int threads) { return paired_level1_variants(kernel, n, threads); });
    }
}

} // namespace

void register_level1() {
    if (opts().level1_n == 0) return;
    for (const auto& v : level1_variants()) {
        const std::string suffix = "/" + v.name + "/n:" + std::to_string(opts().level1_n);
        with_threads(benchmark::RegisterBenchmark(("dot" + suffix).c_str(), [dot = v.dot](benchmark::State& st) { bench_dot(st, dot); }),
                     v.multi_threaded);
        with_threads(benchmark::RegisterBenchmark(("axpy" + suffix).c_str(), [axpy = v.axpy](benchmark::State& st) { bench_axpy(st, axpy); }),
                     v.multi_threaded);
    }
    register_paired_level1();
}

} // namespace wbbench
