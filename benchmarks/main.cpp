// benchmarks/main.cpp — waferblas_bench: WaferBLAS against Eigen, GraphBLAS and librsb in one run.
//
//   waferblas_bench [Google Benchmark flags] [suite flags]
//
// Suite flags (each also settable by the environment variable in brackets):
//   --matrices=DIR|none    shared Matrix Market files [WAFERBLAS_MATRICES]; default: the checkout's
//                          ../shared/matrices when it existed at configure time
//   --poisson=LIST         3D Poisson sides, e.g. 32,64,128 (default) or 32,64,128,200 for the
//                          8M-row case [WAFERBLAS_BENCH_POISSON]
//   --rmat=LIST            R-MAT scales (default 16,18) [WAFERBLAS_BENCH_RMAT]
//   --no-banded, --no-dense-row
//   --threads=LIST         thread counts (default 1,2)
//   --spmm-k=LIST          SpMM dense column counts (default 8,32,128)
//   --spmm-rsb             add librsb to SpMM (off by default: in the peer baseline it was the
//                          fastest SpMM peer in 1 of 50 matrix x thread cases; it adds ~1.5 min)
//   --level1-n=N           dot/axpy length (default 10^7; 0 skips them)
//   --stream-n=N           STREAM triad array length (default 2^25; 0 skips it)
//   --paired-triad-bytes=N paired SpMV calls of at least N bytes also time the triad (default 32 MiB)
//   --paired-ceilings      those calls also time WaferBLAS's SpMV on the matrix with its rows sorted
//                          by length, and with x read from L1 too: bounds on a CSR row loop
//                          (bench_paired.cpp; off by default)
//
// Typical: tools/bench/run_benchmarks.sh (builds, runs with 5 repetitions, summarizes).
// Exit status: 1 if any library failed verification (or a matrix failed to load), else 0.
#include "common.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace {

using wbbench::opts;

template <class T>
bool parse_list(std::string_view text, std::vector<T>& out) {
    out.clear();
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        T v{};
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc{} || ptr != item.data() + item.size() || v <= T{0}) return false;
        out.push_back(v);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return true;
}

bool parse_size(std::string_view text, std::size_t& out) {
    // Accepts plain integers and the forms 1e7 / 10e6.
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || v < 0 || v > 1e12) return false;
    out = static_cast<std::size_t>(v);
    return true;
}

[[noreturn]] void usage_error(const std::string& arg) {
    std::cerr << "waferblas_bench: bad or unknown argument '" << arg
              << "'\n  suite flags: --matrices=DIR|none --poisson=LIST --rmat=LIST --no-banded --no-dense-row"
                 " --threads=LIST --spmm-k=LIST --spmm-rsb --level1-n=N --stream-n=N --paired-triad-bytes=N --paired-ceilings\n"
                 "  and every --benchmark_* flag (--help lists them)\n";
    std::exit(2);
}

void apply_environment() {
    auto& o = opts();
    if (const char* m = std::getenv("WAFERBLAS_MATRICES")) o.matrices_dir = m;
    if (const char* p = std::getenv("WAFERBLAS_BENCH_POISSON"); p && *p && !parse_list(p, o.poisson))
        usage_error(std::string("WAFERBLAS_BENCH_POISSON=") + p);
    if (const char* r = std::getenv("WAFERBLAS_BENCH_RMAT"); r && *r && !parse_list(r, o.rmat))
        usage_error(std::string("WAFERBLAS_BENCH_RMAT=") + r);
}

void parse_arguments(int argc, char** argv) {
    auto& o = opts();
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](std::string_view flag) -> std::optional<std::string_view> {
            if (a.size() >= flag.size() + 1 && a.substr(0, flag.size()) == flag && a[flag.size()] == '=')
                return a.substr(flag.size() + 1);
            return std::nullopt;
        };
        if (auto v = value("--matrices")) {
            o.matrices_dir = *v == "none" ? std::filesystem::path{} : std::filesystem::path(*v);
        } else if (auto p = value("--poisson")) {
            if (!parse_list(*p, o.poisson)) usage_error(argv[i]);
        } else if (auto r = value("--rmat")) {
            if (!parse_list(*r, o.rmat)) usage_error(argv[i]);
        } else if (auto t = value("--threads")) {
            if (!parse_list(*t, o.threads) || o.threads.empty()) usage_error(argv[i]);
        } else if (auto k = value("--spmm-k")) {
            if (!parse_list(*k, o.spmm_k)) usage_error(argv[i]);
        } else if (auto n1 = value("--level1-n")) {
            if (!parse_size(*n1, o.level1_n)) usage_error(argv[i]);
        } else if (auto ns = value("--stream-n")) {
            if (!parse_size(*ns, o.stream_n)) usage_error(argv[i]);
        } else if (auto pt = value("--paired-triad-bytes")) {
            if (!parse_size(*pt, o.paired_triad_bytes)) usage_error(argv[i]);
        } else if (a == "--no-banded") {
            o.banded = false;
        } else if (a == "--no-dense-row") {
            o.dense_row = false;
        } else if (a == "--paired-ceilings") {
            o.paired_ceilings = true;
        } else if (a == "--spmm-rsb") {
            o.spmm_rsb = true;
        } else {
            usage_error(argv[i]);
        }
    }
}

std::string join(const auto& values) {
    std::string s;
    for (const auto& v : values) s += (s.empty() ? "" : ",") + std::to_string(v);
    return s;
}

} // namespace

int main(int argc, char** argv) {
    opts().matrices_dir = WAFERBLAS_BENCH_MATRICES_DEFAULT;
    apply_environment();
    benchmark::Initialize(&argc, argv); // removes the --benchmark_* flags it knows
    parse_arguments(argc, argv);

    const auto& o = opts();
    benchmark::AddCustomContext("waferblas_version", waferblas::version_string);
    benchmark::AddCustomContext("build_type", WAFERBLAS_BENCH_BUILD_TYPE);
    benchmark::AddCustomContext("cxx_flags", WAFERBLAS_BENCH_CXX_FLAGS);
#if defined(__clang__)
    benchmark::AddCustomContext("compiler", "Clang " __clang_version__);
#elif defined(__GNUC__)
    benchmark::AddCustomContext("compiler", "GCC " __VERSION__);
#endif
    benchmark::AddCustomContext("hardware_threads", std::to_string(std::thread::hardware_concurrency()));
    benchmark::AddCustomContext("matrices_dir", o.matrices_dir.string());
    benchmark::AddCustomContext("poisson", join(o.poisson));
    benchmark::AddCustomContext("rmat", join(o.rmat));
    benchmark::AddCustomContext("threads", join(o.threads));
    benchmark::AddCustomContext("spmm_k", join(o.spmm_k));
    benchmark::AddCustomContext("level1_n", std::to_string(o.level1_n));
    benchmark::AddCustomContext("stream_n", std::to_string(o.stream_n));
    benchmark::AddCustomContext("paired_triad_bytes", std::to_string(o.paired_triad_bytes));
    if (o.paired_ceilings) benchmark::AddCustomContext("paired_ceilings", "true");
    if (const char* c = std::getenv("WAFERBLAS_BENCH_COMMIT")) benchmark::AddCustomContext("git_commit", c);
    // Run-time settings that change how OpenMP-based libraries wait (see docs/performance.md).
    for (const char* var : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "OMP_PROC_BIND"})
        if (const char* v = std::getenv(var)) benchmark::AddCustomContext(var, v);
#if defined(_OPENMP)
    // libgomp reads these before main, so they can only be asked for. Measured (2026-12-03): with
    // the default, dot and axpy on TBB at 2 threads took 12-15 % longer when timed in rounds after
    // OpenMP calls, whose idle threads spin for ~8 ms on this machine (docs/performance.md, Method).
    if (std::getenv("OMP_WAIT_POLICY") == nullptr && std::getenv("GOMP_SPINCOUNT") == nullptr)
        std::cerr << "waferblas_bench: OMP_WAIT_POLICY and GOMP_SPINCOUNT are unset: idle OpenMP threads spin for milliseconds "
                     "after each OpenMP call and slow the TBB calls timed after it (tools/bench/run_benchmarks.sh exports "
                     "OMP_WAIT_POLICY=passive)\n";
#endif
    wbbench::add_peer_context();

    try {
        wbbench::init_peers();
    } catch (const std::exception& ex) {
        std::cerr << "waferblas_bench: " << ex.what() << '\n';
        return 2;
    }

    // Bandwidth references first, then matrix by matrix (SpMV, then SpMM) so each loads once.
    wbbench::register_stream();
    wbbench::register_level1();
    for (const auto& e : wbbench::catalogue()) {
        wbbench::register_spmv(e);
        if (e.spmm) wbbench::register_spmm(e);
        wbbench::register_paired(e);
    }

    benchmark::RunSpecifiedBenchmarks();
    wbbench::release_config_slot();
    benchmark::Shutdown();
    wbbench::finalize_peers();
    const int failed = wbbench::failure_count();
    if (failed != 0) std::cerr << "waferblas_bench: " << failed << " benchmark run(s) failed (see error_message)\n";
    return failed != 0 ? 1 : 0;
}
