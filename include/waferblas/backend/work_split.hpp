// waferblas/backend/work_split.hpp — how much of a call goes parallel, and into how many PE tasks.
//
// Two rules every CPU entry point follows:
//   * below serial_threshold_flops a call runs on the calling thread: waking workers costs a few
//     microseconds, more than a small product takes (crossover measured with benchmarks/bench_spmv.cpp,
//     see docs/performance.md);
//   * the free functions (which have no grid) split A into one PE per thread, unless the backend
//     asks for deterministic results: then the split depends on the matrix alone (a fixed number of
//     nonzeros per PE), so every backend and thread count computes the same sums in the same order.
// Plans never consult these split rules: their grid fixes the split, so they are always
// deterministic.
#pragma once

#include <algorithm>
#include <cstddef>

#include "sequential.hpp"

namespace waferblas::backend {

/// Calls with fewer floating-point operations than this run serially.
inline constexpr std::size_t serial_threshold_flops = 32768;

/// Deterministic split of the free functions: nonzeros per PE, and at most this many PEs.
inline constexpr std::size_t deterministic_nnz_per_pe = 8192;
inline constexpr std::size_t deterministic_max_pes = 4096;

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
