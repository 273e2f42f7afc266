// waferblas/backend/work_split.hpp — how much of a call goes parallel, and into how many PE tasks.
//
// Two rules every CPU entry point follows:
//   * below serial_threshold_flops a call runs on the calling thread: waking workers costs a few
//     microseconds, more than a small product takes (crossover measured with benchmarks/bench_spmv.cpp,
//     see docs/performance.md); an SpMM's flops are cheaper than an SpMV's, so it counts them by
//     spmm_cutoff_flops;
//   * the free functions (which have no grid) split A into one PE per thread, unless the backend
//     asks for deterministic results: then the split depends on the matrix alone (a fixed number of
//     nonzeros per PE), so every backend and thread count computes the same sums in the same order.
//     An SpMV's PEs balance nonzeros plus spmv_row_cost per row; an SpMV over a matrix beyond a
//     core's L2 takes claimed_pes_per_thread PEs per thread, claimed as threads finish.
// Plans never consult these split rules: their grid fixes the split, so they are always
// deterministic.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <limits>

#include "sequential.hpp"

namespace waferblas::backend {

/// Calls with fewer floating-point operations than this run serially.
inline constexpr std::size_t serial_threshold_flops = 32768;

/// Deterministic split of the free functions: nonzeros per PE, and at most this many PEs.
inline constexpr std::size_t deterministic_nnz_per_pe = 8192;
inline constexpr std::size_t deterministic_max_pes = 4096;

/// An SpMM's work in the units of serial_threshold_flops (an SpMV's flops), for the serial cutoff:
/// nnz x (width + spmm_nonzero_overhead_columns) / 2. Counting 2 nnz x width flops put the
/// cutoff of a 128-column product at 128 nonzeros, ~3 us, where two threads ran it 1.5x slower
/// than one. Measured serially on 1 thread (shared matrices of 100-12,000 nonzeros, width 8, 32,
/// 128): ~1.5 ns per nonzero plus ~0.13 ns per nonzero and column, i.e. 0.13 ns x nnz x (width +
/// 12); two threads broke even near 7 us. This count puts the cutoff at nnz x (width + 12) =
/// 65,536, ~8.5 us (docs/performance.md, item 6).
inline constexpr std::size_t spmm_nonzero_overhead_columns = 12;
[[nodiscard]] constexpr std::size_t spmm_cutoff_flops(std::size_t nnz, std::size_t width) noexcept {
    constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
    if (width > most - spmm_nonzero_overhead_columns) return most;
    const std::size_t per_nonzero = width + spmm_nonzero_overhead_columns;
    return nnz > most / per_nonzero ? most : nnz * per_nonzero / 2; // saturates: huge calls stay parallel
}

/// True when a call of `flops` operations should not wake other threads.
template <executor B>
[[nodiscard]] bool runs_serially(const B& b, std::size_t flops) noexcept {
    return b.concurrency() <= 1 || flops < serial_threshold_flops;
}

/// Number of PEs of a free function's 1D split of `nnz` nonzeros (`flops` for the whole call).
template <executor B>
[[nodiscard]] std::size_t free_function_pes(const B& b, std::size_t nnz, std::size_t flops) noexcept {
    if (b.deterministic())
        return std::clamp<std::size_t>((nnz + deterministic_nnz_per_pe - 1) / deterministic_nnz_per_pe, 1, deterministic_max_pes);
    return runs_serially(b, flops) ? 1 : b.concurrency();
}

/// A free function's SpMV over a matrix of more than claimed_matrix_bytes (below) splits into this
/// many PEs per thread, which the threads claim in PE order as they finish: beyond a core's cache
/// a fixed PE-to-thread map keeps nothing there, and one static half of R-MAT's rows ran 12-19 %
/// longer than the other at 2 threads (which one depends on spmv_row_cost; rmat18: 3.46 ms against
/// 3.27 claimed in 16 PEs; docs/performance.md). Results do not change with who ran a PE: each
/// PE's sums and the reduction of split rows are fixed by the split.
inline constexpr std::size_t claimed_pes_per_thread = 8;

/// Bytes of values and indices beyond which a free function's SpMV claims its PEs (above): a
/// core's L2 on the project machine (1 MiB), beyond which no thread keeps its static share between
/// calls. It was kernels::streamed_matrix_bytes (12 MiB, beyond the last-level cache); between the
/// two, claimed PEs took 0.75-1.12x the static split's time at 2 threads, 0.96 in the median (11
/// matrices of 1.0-11.5 MB, six processes, TBB, each alternating the two; per matrix 0.91-1.01;
/// docs/performance.md, item 0): a thread that wakes late or is descheduled on this shared machine
/// no longer holds up the call.
inline constexpr std::size_t claimed_matrix_bytes = std::size_t{1} << 20;

/// Whether a free function's parallel SpMV over `nnz` nonzeros of T with indices I claims its PEs.
template <class T, class I>
[[nodiscard]] constexpr bool claims_pes(std::size_t nnz) noexcept {
    return nnz * (sizeof(T) + sizeof(I)) > claimed_matrix_bytes;
}

/// f(p) for every p in [0, n), on `workers` parallel tasks of b that each claim the next p as they
/// finish one (see claimed_pes_per_thread): who runs p changes from call to call, what f(p)
/// computes does not.
template <executor B, class F>
void parallel_claim(const B& b, std::size_t workers, std::size_t n, F&& f) {
    std::atomic<std::size_t> next{0};
    b.parallel_for(workers, [&](std::size_t) {
        for (std::size_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) < n;) f(p);
    });
}

/// The free functions' SpMV split (partition_rows_by_work) counts each row as this many nonzeros
/// on top of its own: a row's loop start, reduction and y store. Measured on each half of a 2-way
/// split, one thread (rmat16): by nonzeros alone 628 / 1,015 us, with 4 per row 820 / 837; also
/// the slower half of rmat18 8.0 -> 7.3 ms, arrow 142 -> 112 us, Maragal_6 267 -> 252 us, regular
/// meshes unchanged (docs/performance.md, item 0).
inline constexpr std::size_t spmv_row_cost = 4;

/// A scatter (below) goes parallel only above this many flops: its two phases and the partials
/// cost more than a gather's split (measured with benchmarks/bench_spmv.cpp, spmv_transposed).
inline constexpr std::size_t scatter_serial_threshold_flops = 32 * serial_threshold_flops;
/// A scatter's partial results together hold at most nnz x width / this many values: zeroing and
/// reducing a partial must stay small against the scatter itself.
inline constexpr std::size_t scatter_nnz_per_partial_value = 4;

/// Number of PEs of a free function's scatter (a product with the transpose of the stored
/// matrix: CSR with op = transpose, CSC with op = none), where every PE but the first adds into a
/// partial result of its own, `out_values` values, and the partials are then reduced in PE order.
/// One per thread, but only as many as keep the partials within a quarter of the matrix's own
/// size (`values_per_nnz` = the width of B), and one when deterministic (the sequential order is
/// the only one every thread count can reproduce) or below scatter_serial_threshold_flops.
template <executor B>
[[nodiscard]] std::size_t scatter_pes(const B& b, std::size_t nnz, std::size_t values_per_nnz, std::size_t out_values,
                                      std::size_t flops) noexcept {
    if (b.deterministic() || b.concurrency() <= 1 || flops < scatter_serial_threshold_flops) return 1;
    const std::size_t budget = nnz * values_per_nnz / scatter_nnz_per_partial_value;
    const std::size_t partials = out_values == 0 ? b.concurrency() : budget / out_values;
    return std::clamp<std::size_t>(1 + partials, 1, b.concurrency());
}

} // namespace waferblas::backend
