// benchmarks/bench_stream.cpp — the STREAM triad a[i] = b[i] + s c[i], the bandwidth reference.
//
// Three arrays of options().stream_n doubles (default 2^25 each, 768 MiB in all: well beyond the
// last-level cache), 24 B per element, OpenMP static schedule with the arrays advised for huge
// pages and first touched by the same schedule. The summarizer divides SpMV and level-1 bandwidths
// by this figure; the paired SpMV benchmarks also time it in their rounds (make_stream_triad).
#include "runners.hpp"

#include <memory>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace wbbench {

namespace {

struct stream_arrays {
    std::size_t n;
    std::unique_ptr<double[]> a, b, c;
    explicit stream_arrays(std::size_t len, int threads) : n(len), a(new double[len]), b(new double[len]), c(new double[len]) {
        // Huge pages, as WaferBLAS's matrices get (core/memory.hpp): the reference is the best this
        // machine streams, not the 4 KiB-page figure (about 8 % below it on the project machine).
        for (const double* p : {a.get(), b.get(), c.get()}) waferblas::detail::advise_huge_pages(p, n * sizeof(double));
        const auto count = static_cast<long long>(n);
        double *pa = a.get(), *pb = b.get(), *pc = c.get();
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
        for (long long i = 0; i < count; ++i) {
            pa[i] = 0.0;
            pb[i] = 1.0;
            pc[i] = 2.0;
        }
        static_cast<void>(threads);
    }
};

void triad(const stream_arrays& s, double scalar, int threads) {
    const auto count = static_cast<long long>(s.n);
    double* __restrict a = s.a.get();
    const double* __restrict b = s.b.get();
    const double* __restrict c = s.c.get();
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (long long i = 0; i < count; ++i) a[i] = b[i] + scalar * c[i];
    static_cast<void>(threads);
}

void bench_triad(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    const std::size_t n = opts().stream_n;
    // One allocation for both thread counts (the key does not name them).
    auto& s = config_slot<stream_arrays>("stream/" + std::to_string(n), [&] { return std::make_shared<stream_arrays>(n, threads); });
    constexpr double scalar = 3.0;
    triad(s, scalar, threads);
    for (const std::size_t i : {std::size_t{0}, n / 2, n - 1}) {
        if (s.a[i] != s.b[i] + scalar * s.c[i]) {
            fail(state, "stream triad: wrong result");
            return;
        }
    }
    for (auto _ : state) {
        triad(s, scalar, threads);
        benchmark::ClobberMemory();
    }
    report_rates(state, 24.0 * static_cast<double>(n), 2.0 * static_cast<double>(n));
}

/// The triad as a runner, for the paired SpMV benchmarks' bandwidth reference.
class triad_runner final : public spmv_runner {
public:
    explicit triad_runner(int threads) : threads_(threads), arrays_(opts().stream_n, threads) {}
    void run() override { triad(arrays_, 3.0, threads_); }
    [[nodiscard]] std::vector<double> result() const override { return {}; }

private:
    int threads_;
    stream_arrays arrays_;
};

} // namespace

std::unique_ptr<spmv_runner> make_stream_triad(int threads) {
#if !defined(_OPENMP)
    if (threads > 1) return nullptr;
#endif
    if (opts().stream_n == 0) return nullptr;
    return std::make_unique<triad_runner>(threads);
}

double stream_triad_bytes() noexcept { return 24.0 * static_cast<double>(opts().stream_n); }

void register_stream() {
    if (opts().stream_n == 0) return;
    const std::string name = "stream_triad/reference/n:" + std::to_string(opts().stream_n);
#if defined(_OPENMP)
    const bool multi = true;
#else
    const bool multi = false;
#endif
    with_threads(benchmark::RegisterBenchmark(name.c_str(), bench_triad), multi);
}

} // namespace wbbench
