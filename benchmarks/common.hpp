// benchmarks/common.hpp — what every benchmark source shares: the options, the matrix catalogue, the
// two caches that keep setup out of the timings, result verification, rate counters, and the naming
// scheme tools/bench/summarize.py parses.
//
// Names: <kernel>/<library>/<problem>[/k:<cols>]/threads:<T>/real_time, e.g.
//   spmv/waferblas_tbb/poisson3d_128/threads:2/real_time
//   spmm/graphblas_accum/bcsstk16/k:32/threads:1/real_time
//   dot/reference/n:10000000/threads:2/real_time
// Kernels: spmv, spmm, dot, axpy, stream_triad, and paired_spmv / paired_spmm (ratios as counters,
// bench_paired.cpp). A problem name never contains '/'.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <waferblas/waferblas.hpp>

namespace wbbench {

// ---------------------------------------------------------------------------------------------------
// Options (set once in main, read by the registration functions).

struct options {
    std::filesystem::path matrices_dir;          ///< shared Matrix Market files; empty: none
    std::vector<int> poisson = {32, 64, 128};    ///< 3D Poisson sides (128^3 = 2.1M rows; 200^3 = 8M)
    std::vector<int> rmat = {16, 18};            ///< R-MAT scales (edge factor 16)
    bool banded = true;                          ///< banded, n = 2^20, 9 diagonals
    bool dense_row = true;                       ///< diagonal + one dense row, n = 2^20
    std::size_t level1_n = 10'000'000;           ///< dot / axpy length
    std::size_t stream_n = std::size_t{1} << 25; ///< STREAM array length (3 arrays)
    /// Paired SpMV calls moving at least this many bytes (12 per nonzero plus the vectors) also time
    /// the STREAM triad in their rounds; the default is the project machine's 32 MiB L3, issue #3's
    /// "larger than the last-level cache" (it was 1e8, which left out `rmat18` and `dense_row_1M`).
    std::size_t paired_triad_bytes = std::size_t{32} << 20;
    /// Those calls also time WaferBLAS's SpMV on two rearranged copies of the matrix (rows sorted by
    /// length; and x read from L1), bounds on what a CSR row loop could reach (--paired-ceilings).
    bool paired_ceilings = false;
    std::vector<int> threads = {1, 2};
    std::vector<std::size_t> spmm_k = {8, 32, 128};
    double spmm_max_bytes = 1e9; ///< skip SpMM on a matrix whose B + C at the largest k exceed this
    bool spmm_rsb = false;       ///< librsb in the SpMM comparison (--spmm-rsb; off: keeps a run short)
};
options& opts();

// ---------------------------------------------------------------------------------------------------
// The matrices. Shared files are listed from their headers only; a matrix is loaded (or generated)
// when the first benchmark that needs it runs, so a filtered run touches only what it uses.

struct matrix_entry {
    std::string name;   ///< as it appears in benchmark names
    std::string origin; ///< "shared" or "generated"
    std::size_t rows = 0, cols = 0;
    std::function<waferblas::csr_matrix<double>()> load;
    bool spmm = false; ///< also benchmarked for SpMM
};
[[nodiscard]] std::vector<matrix_entry> catalogue();

/// The catalogue's matrices that form diagonal chunks (spmv_layout::diagonal_chunks): the generated
/// stencils and bands, whose chunk plans are benchmarked too.
[[nodiscard]] inline bool forms_diagonal_chunks(const matrix_entry& e) {
    return e.origin == "generated" && (e.name.rfind("poisson", 0) == 0 || e.name.rfind("banded", 0) == 0);
}

/// The tolerance of a result checked against the reference, relative to its entries' scale.
inline constexpr double verify_tolerance = 1e-12;

/// What a product must come out as: the reference loop's entries and, per entry, the magnitude its
/// rounding error scales with (|A| |x| for y = A x: a sum of n products rounded in any order is
/// within n eps of it). A result passes when every entry is within tolerance x scale of the
/// reference: componentwise, so an entry of a small row is held to its own size, not to the
/// largest entry's, and an empty row must come out exactly zero.
struct expected_result {
    std::vector<double> value, scale;
    double tolerance = verify_tolerance;
};

/// The tolerance for sums of up to `terms` products: 1e-12, or twice the bound n eps when longer
/// rows make that larger (two summation orders, each within n eps of the exact sum).
[[nodiscard]] double sum_tolerance(std::size_t terms) noexcept;

/// Dense SpMM operands for one column count: B (cols x k) and the reference C = A B (rows x k),
/// both row-major. B starts on a cache line, as Eigen's dense matrices do: the libraries that read
/// it in place (WaferBLAS, librsb) or copy it (GraphBLAS, into aligned storage too) then see rows
/// on the alignment Eigen's own copy has (docs/performance.md, item 0, "B on a cache line").
struct spmm_operands {
    std::size_t k = 0;
    waferblas::aligned_vector<double> B;
    expected_result C_ref;
};

/// The matrix being benchmarked, with x (x_j in [0.5, 1.5), deterministic) and the reference y = A x
/// from a plain CSR loop.
struct problem {
    std::string name;
    waferblas::csr_matrix<double> A;
    std::vector<double> x;
    expected_result y_ref;
    std::deque<spmm_operands> spmm; ///< built on demand, one per k (a deque: references stay valid)
    [[nodiscard]] const spmm_operands& operands(std::size_t k);
    [[nodiscard]] std::size_t rows() const noexcept { return static_cast<std::size_t>(A.rows()); }
    [[nodiscard]] std::size_t cols() const noexcept { return static_cast<std::size_t>(A.cols()); }
    [[nodiscard]] std::size_t nnz() const noexcept { return static_cast<std::size_t>(A.nnz()); }
};

/// The reference y = A x: a plain sequential CSR loop, with |A| |x| beside it.
[[nodiscard]] expected_result reference_spmv(const waferblas::csr_matrix<double>& A, const std::vector<double>& x);

/// The problem for `e`, loading it (and freeing the previous one, and the configuration slot) when
/// it is not the current one. Benchmarks are registered matrix by matrix, so each loads once.
problem& current_problem(const matrix_entry& e);

/// current_problem(e), or nullptr after marking `state` failed with the loading error.
problem* current_problem_or_fail(benchmark::State& state, const matrix_entry& e);
/// current_problem(e).operands(k) (e stays the current problem), or nullptr after marking `state`
/// failed with the loading error.
const spmm_operands* spmm_operands_or_fail(benchmark::State& state, const matrix_entry& e, std::size_t k);

/// Deterministic values in [0.5, 1.5).
[[nodiscard]] double test_value(std::size_t i, std::size_t salt = 0) noexcept;

// ---------------------------------------------------------------------------------------------------
// The configuration slot: state of the benchmark configuration that is running (a peer's copy of
// the matrix, output buffers, the verification verdict). Google Benchmark calls a benchmark
// function several times (iteration calibration, then once per repetition); the slot lets all those
// calls share one setup. Starting another configuration frees the previous slot first.

namespace detail {
struct slot {
    std::string key;
    std::shared_ptr<void> state;
};
slot& config_slot_storage();
} // namespace detail

void release_config_slot();

template <class T, class Make>
T& config_slot(const std::string& key, Make&& make) {
    auto& s = detail::config_slot_storage();
    if (s.key != key || !s.state) {
        release_config_slot();
        std::shared_ptr<T> fresh = make();
        s.state = std::move(fresh);
        s.key = key;
    }
    return *static_cast<T*>(s.state.get());
}

// ---------------------------------------------------------------------------------------------------
// Verification and reporting.

/// "" when every entry of got is within want.tolerance x want.scale of want.value, else a message
/// naming `what` and the worst entry (NaN, a wrong size or a nonzero where zero is due all fail).
[[nodiscard]] std::string check_result(std::string_view what, std::span<const double> got, const expected_result& want);

/// SkipWithError, and remember it: main exits non-zero if any benchmark failed.
void fail(benchmark::State& state, const std::string& message);
[[nodiscard]] int failure_count() noexcept;

/// GB/s and GFLOP/s counters (rates over the measured time) for `bytes` and `flops` per iteration.
void report_rates(benchmark::State& state, double bytes, double flops);

/// Plain counters describing the matrix (constant across repetitions), for the summarizer.
void report_shape(benchmark::State& state, std::size_t rows, std::size_t cols, std::size_t nnz);

/// Compulsory CSR traffic of y = A x with 32-bit indices (as in the peer baseline):
/// 12 B per nonzero + 8 B per row (y) and per column (x). SpMM with k columns: 8k B per row/column.
[[nodiscard]] double spmv_bytes(std::size_t rows, std::size_t cols, std::size_t nnz) noexcept;
[[nodiscard]] double spmm_bytes(std::size_t rows, std::size_t cols, std::size_t nnz, std::size_t k) noexcept;

/// Registers the thread counts (ArgName "threads") and real-time measurement. `multi`: 1 and 2
/// threads (options().threads); otherwise 1 only.
benchmark::internal::Benchmark* with_threads(benchmark::internal::Benchmark* b, bool multi = true);

// ---------------------------------------------------------------------------------------------------
// Registration, one function per kernel family (each in its own source file).

void register_stream();
void register_level1();
void register_spmv(const matrix_entry& e);
void register_spmm(const matrix_entry& e);
/// WaferBLAS and the peers timed in alternation (bench_paired.cpp): ratios under the same conditions.
void register_paired(const matrix_entry& e);

/// Peer library versions and settings, for the JSON context.
void add_peer_context();
/// Library-wide initialisation and shutdown of the peers (GraphBLAS, librsb).
void init_peers();
void finalize_peers();

} // namespace wbbench
