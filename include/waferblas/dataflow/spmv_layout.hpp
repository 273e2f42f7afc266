// waferblas/dataflow/spmv_layout.hpp — how a row_blocks SpMV plan stores the rows it runs.
#pragma once

namespace waferblas {

/// How a row_blocks SpMV plan stores its values (plan_spmv's last argument). Every layout gives a
/// CSR plan's sums (diagonal_chunks up to fused multiply-adds), bitwise the same on every backend
/// and thread count; the layouts other than csr run SpMV only (an SpMM of such a program throws).
enum class spmv_layout {
    csr, ///< CSR: the cheapest plan to build.
    /// Rows that repeat one column pattern shifted by the row (stencils, bands) as diagonal chunks,
    /// where they hold nearly all the nonzeros (real types; otherwise CSR). The same sums in the same
    /// order (up to fused multiply-adds); with AVX-512, SpMVs beyond the caches 1.1-1.5x faster,
    /// for a build 1.5-6x a CSR plan's, 3.5-5.0 SpMVs (from an rvalue 2.1-2.7 from 1.8M nonzeros up,
    /// 3.9 at 223k; docs/performance.md): it pays from a few dozen executions on. Without AVX-512
    /// the lane-by-lane kernel is slower than CSR.
    diagonal_chunks,
    /// Each PE's whole rows stored in order of length (dataflow/rows_by_length.hpp), for matrices
    /// whose row lengths vary at random (power-law graphs), where the CSR loop mispredicts the end
    /// of most short rows: the same sums bit for bit, any scalar type. Rows are ordered only where
    /// that pays: at least 4 MiB of values and column indices, row lengths that do not already
    /// repeat (at most one row in 8 differing from the one before), rows not already in order;
    /// elsewhere the plan is a CSR plan. On `rmat18` 0.67-0.82 of the fastest peer's time at one
    /// thread, where the free function is at 0.87-0.98 (benchmark paired_spmv_sorted), for a build
    /// of 1.4-1.55 SpMVs (docs/performance.md, items 0, 2 and 5).
    rows_by_length,
};

[[nodiscard]] constexpr const char* to_string(spmv_layout l) noexcept {
    switch (l) {
    case spmv_layout::csr: return "csr";
    case spmv_layout::diagonal_chunks: return "diagonal_chunks";
    case spmv_layout::rows_by_length: return "rows_by_length";
    }
    return "?";
}

} // namespace waferblas
