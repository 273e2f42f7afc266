// benchmarks/bench_level1.cpp — dot and axpy on options().level1_n doubles (default 10^7): WaferBLAS's
// backends and a plain OpenMP loop ("reference", for scale, not a peer), 1 and 2 threads.
//
// Bytes as STREAM counts them: dot reads x and y (16 B per element), axpy reads x and y and writes y
// (24 B per element). With 10^7 elements the two vectors (160 MB) are larger than the L2 but may
// partly fit in a large shared L3; compare with the triad figure of the same run.
#include "common.hpp"

#include <cmath>

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
double reference_dot(const std::vector<double>& x, const std::vector<double>& y, int threads) {
    const auto count = static_cast<long long>(x.size());
    double s = 0;
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) reduction(+ : s) num_threads(threads)
#endif
    for (long long i = 0; i < count; ++i) s += x[static_cast<std::size_t>(i)] * y[static_cast<std::size_t>(i)];
    static_cast<void>(threads);
    return s;
}

void reference_axpy(double alpha, const std::vector<double>& x, std::vector<double>& y, int threads) {
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

template <class Dot>
void bench_dot(benchmark::State& state, Dot dot) {
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

template <class Axpy>
void bench_axpy(benchmark::State& state, Axpy axpy) {
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

template <class Dot, class Axpy>
void register_pair(const std::string& library, bool multi, Dot dot, Axpy axpy) {
    const std::string suffix = "/" + library + "/n:" + std::to_string(opts().level1_n);
    with_threads(benchmark::RegisterBenchmark(("dot" + suffix).c_str(), [dot](benchmark::State& st) { bench_dot(st, dot); }), multi);
    with_threads(benchmark::RegisterBenchmark(("axpy" + suffix).c_str(), [axpy](benchmark::State& st) { bench_axpy(st, axpy); }), multi);
}

} // namespace

void register_level1() {
    if (opts().level1_n == 0) return;
#if defined(WAFERBLAS_BENCH_HAVE_LEVEL1)
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
    register_pair(
        "waferblas_tbb", true,
        [](const std::vector<double>& x, const std::vector<double>& y, int t) {
            return waferblas::dot(waferblas::backend::tbb{static_cast<std::size_t>(t)}, x, y);
        },
        [](double alpha, const std::vector<double>& x, std::vector<double>& y, int t) {
            waferblas::axpy(waferblas::backend::tbb{static_cast<std::size_t>(t)}, alpha, x, y);
        });
#endif
#if defined(WAFERBLAS_BENCH_HAVE_OPENMP)
    register_pair(
        "waferblas_omp", true,
        [](const std::vector<double>& x, const std::vector<double>& y, int t) {
            return waferblas::dot(waferblas::backend::openmp{static_cast<std::size_t>(t)}, x, y);
        },
        [](double alpha, const std::vector<double>& x, std::vector<double>& y, int t) {
            waferblas::axpy(waferblas::backend::openmp{static_cast<std::size_t>(t)}, alpha, x, y);
        });
#endif
    register_pair(
        "waferblas_seq", false,
        [](const std::vector<double>& x, const std::vector<double>& y, int) { return waferblas::dot(waferblas::backend::sequential{}, x, y); },
        [](double alpha, const std::vector<double>& x, std::vector<double>& y, int) {
            waferblas::axpy(waferblas::backend::sequential{}, alpha, x, y);
        });
#endif
#if defined(_OPENMP)
    const bool multi = true;
#else
    const bool multi = false;
#endif
    register_pair("reference", multi, reference_dot, reference_axpy);
}

} // namespace wbbench
