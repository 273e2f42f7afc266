// waferblas/dataflow/rows_by_length.hpp — the rows of each PE stored in order of length.
//
// A row loop over a matrix whose row lengths vary at random (a power-law graph: R-MAT rows of 0 to
// thousands of nonzeros in no order) mispredicts the end of nearly every short row, and each
// mispredict also drops the loads in flight of a matrix streaming from memory. With the same rows
// in order of length the trip counts repeat and are predicted: on `rmat18` the CSR loop over such a
// copy ran 1.33x as fast at one thread (the "rows sorted" ceiling), and a plan with this layout
// 1.3-1.4x as fast as a CSR plan (a standalone probe; in the benchmark, 0.67-0.82 of the fastest
// peer's time where the free function is at 0.87-0.98: docs/performance.md, items 0 and 2).
//
// Only the whole rows a PE owns are reordered, stably by length, among themselves: not a first row
// begun on an earlier PE, nor a row it carries into a later one. Every PE thus keeps its nonzero
// range, the partition, the split rows and their reduction are unchanged, and every row's sum is the
// CSR kernel's, term by term: a plan with this layout gives a CSR plan's results bit for bit. The
// program stores that matrix, with the row of A each stored row holds (sparse_program::
// stored_row_order()), whose y it writes. Rows are ordered only where that pays (rows_in_length_order).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "../core/memory.hpp"
#include "../core/scalar.hpp"
#include "row_partition.hpp"

namespace waferblas {

namespace detail {

/// Rows shorter than this are placed by a counting sort; longer ones (few, in any matrix that
/// fits memory) by a comparison sort behind them.
inline constexpr std::size_t counted_row_lengths = 256;

/// The whole rows [rb, re) (row_ptr) in order of length, stably, written to out[rb .. re). counts
/// (counted_row_lengths + 1 elements) and longer are scratch, reused from PE to PE.
template <index I>
void sort_rows_by_length(std::span<const I> row_ptr, std::size_t rb, std::size_t re, I* out, std::vector<std::size_t>& counts,
                         std::vector<I>& longer) {
    const auto length = [&](std::size_t r) { return static_cast<std::size_t>(row_ptr[r + 1] - row_ptr[r]); };
    std::fill(counts.begin(), counts.end(), std::size_t{0});
    std::size_t* count = counts.data(); // not reloaded from the vector after every store
    longer.clear();
    for (std::size_t r = rb; r < re; ++r) {
        const std::size_t len = length(r);
        if (len < counted_row_lengths) ++count[len + 1];
        else longer.push_back(static_cast<I>(r));
    }
    for (std::size_t len = 0; len < counted_row_lengths; ++len) count[len + 1] += count[len];
    for (std::size_t r = rb; r < re; ++r)
        if (const std::size_t len = length(r); len < counted_row_lengths) out[rb + count[len]++] = static_cast<I>(r);
    std::stable_sort(longer.begin(), longer.end(),
                     [&](I a, I b) { return length(static_cast<std::size_t>(a)) < length(static_cast<std::size_t>(b)); });
    std::copy(longer.begin(), longer.end(), out + rb + count[counted_row_lengths]); // behind every counted row
}

/// Bytes of values and column indices from which rows are ordered. Below, the matrix streams from
/// a core's caches, the mispredicted row ends cost little, and the order's indirect y stores cost
/// more: on the Zen 5 guest (1 MiB L2) R-MAT of 2.7 MB ran 0.99-1.10x the CSR plan's time with its
/// rows ordered, `wiki-Vote` (1.2 MB) 1.13-1.15x; R-MAT of 5.6 MB 0.51-0.59x, of 47 MB 0.69-0.76x
/// (docs/performance.md, item 2). WAFERBLAS_ROWS_BY_LENGTH_MIN_BYTES overrides it (the tests set 0).
#ifndef WAFERBLAS_ROWS_BY_LENGTH_MIN_BYTES
#define WAFERBLAS_ROWS_BY_LENGTH_MIN_BYTES (std::size_t{4} << 20)
#endif
inline constexpr std::size_t rows_by_length_min_bytes = WAFERBLAS_ROWS_BY_LENGTH_MIN_BYTES;

/// Whether the row lengths already repeat, so that ordering them would buy nothing: at most one row
/// in `nearly_in_order` differs in length from the row before. A matrix with one dense row among
/// rows of one nonzero (`dense_row_1M`) ran 1.01-1.08x slower with its rows ordered.
inline constexpr std::size_t nearly_in_order = 8;

template <index I>
[[nodiscard]] bool lengths_repeat(std::span<const I> row_ptr) noexcept {
    std::size_t changes = 0;
    for (std::size_t r = 1; r + 1 < row_ptr.size(); ++r)
        changes += row_ptr[r + 1] - row_ptr[r] != row_ptr[r] - row_ptr[r - 1] ? 1 : 0;
    return changes * nearly_in_order <= row_ptr.size() - 1;
}

} // namespace detail

/// The stored row order of a program with spmv_layout::rows_by_length, split over PEs as `part`, for
/// values of `value_bytes` each: entry q is the row of A held at stored position q. Empty where the
/// order would change nothing that pays: a matrix under rows_by_length_min_bytes, row lengths that
/// already repeat (lengths_repeat), or every PE's rows in order of length. O(rows) (O(rows log
/// rows) for rows beyond the counting sort): reads the row pointer only.
template <index I>
[[nodiscard]] std::vector<I> rows_in_length_order(std::span<const I> row_ptr, const row_partition<I>& part, std::size_t value_bytes) {
    const std::size_t rows = row_ptr.size() - 1;
    if (static_cast<std::size_t>(row_ptr.back()) * (value_bytes + sizeof(I)) < detail::rows_by_length_min_bytes ||
        detail::lengths_repeat(row_ptr))
        return {};
    const auto sorted = [&](std::size_t rb, std::size_t re) {
        for (std::size_t r = rb; r + 1 < re; ++r)
            if (row_ptr[r + 1] - row_ptr[r] > row_ptr[r + 2] - row_ptr[r + 1]) return false;
        return true;
    };
    std::vector<I> order;
    std::vector<std::size_t> counts(detail::counted_row_lengths + 1);
    std::vector<I> longer;
    for (std::size_t p = 0; p < part.parts(); ++p) {
        // PE p's whole rows: not a first row that began on an earlier PE, nor its carry row (re).
        const auto rb = static_cast<std::size_t>(part.row_begin[p]) + (part.first_row_shared(row_ptr, p) ? 1 : 0);
        const auto re = static_cast<std::size_t>(part.row_begin[p + 1]);
        if (rb >= re || sorted(rb, re)) continue;
        if (order.empty()) {
            order = detail::large_vector<I>(rows);
            for (std::size_t r = 0; r < rows; ++r) order[r] = static_cast<I>(r);
        }
        detail::sort_rows_by_length(row_ptr, rb, re, order.data(), counts, longer);
    }
    return order;
}

/// The row pointer of the matrix whose row q is row order[q] of the matrix with `row_ptr`.
template <index I>
[[nodiscard]] std::vector<I> reordered_row_ptr(std::span<const I> row_ptr, std::span<const I> order) {
    auto ptr = detail::large_vector<I>(order.size() + 1);
    for (std::size_t q = 0; q < order.size(); ++q) {
        const auto r = static_cast<std::size_t>(order[q]);
        ptr[q + 1] = ptr[q] + (row_ptr[r + 1] - row_ptr[r]);
    }
    return ptr;
}

/// The inverse: the row pointer of A from that of the stored matrix (`stored_ptr`) and the order.
template <index I>
[[nodiscard]] std::vector<I> original_row_ptr(std::span<const I> stored_ptr, std::span<const I> order) {
    auto ptr = detail::large_vector<I>(order.size() + 1);
    for (std::size_t q = 0; q < order.size(); ++q) ptr[static_cast<std::size_t>(order[q]) + 1] = stored_ptr[q + 1] - stored_ptr[q];
    for (std::size_t r = 0; r < order.size(); ++r) ptr[r + 1] += ptr[r];
    return ptr;
}

/// Appends the columns and values of the rows order[0], order[1], ... of the CSR matrix (csr_ptr,
/// csr_idx, csr_val) to `idx` and `val`, which have room for them (large_reserved): the stored
/// matrix's arrays, each written once, in order, in one pass over the rows.
template <class T, index I>
void append_rows_in_order(std::span<const I> csr_ptr, std::span<const I> csr_idx, std::span<const T> csr_val,
                          std::span<const I> order, std::vector<I>& idx, std::vector<T>& val) {
    for (const I r : order) {
        const auto b = static_cast<std::ptrdiff_t>(csr_ptr[static_cast<std::size_t>(r)]);
        const auto e = static_cast<std::ptrdiff_t>(csr_ptr[static_cast<std::size_t>(r) + 1]);
        idx.insert(idx.end(), csr_idx.begin() + b, csr_idx.begin() + e);
        val.insert(val.end(), csr_val.begin() + b, csr_val.begin() + e);
    }
}

/// Copies the entries of each row between the order of `from_ptr` and that of `to_ptr`:
/// to[to_ptr[q] ..] = from[from_ptr[order[q]] ..] when Forward (CSR into stored order), the other
/// way when not. Both row pointers describe rows of the same lengths.
template <bool Forward, class E, index I>
void copy_rows_reordered(std::span<const I> csr_ptr, std::span<const I> stored_ptr, std::span<const I> order,
                         std::span<const E> from, std::span<E> to) {
    for (std::size_t q = 0; q < order.size(); ++q) {
        const auto c = static_cast<std::size_t>(csr_ptr[static_cast<std::size_t>(order[q])]);
        const auto s = static_cast<std::size_t>(stored_ptr[q]);
        const auto len = static_cast<std::size_t>(stored_ptr[q + 1]) - s;
        if constexpr (Forward) std::copy_n(from.begin() + static_cast<std::ptrdiff_t>(c), len, to.begin() + static_cast<std::ptrdiff_t>(s));
        else std::copy_n(from.begin() + static_cast<std::ptrdiff_t>(s), len, to.begin() + static_cast<std::ptrdiff_t>(c));
    }
}

/// Whether the rows of the CSR pattern (csr_ptr, csr_idx) are those of the stored pattern in
/// `order`: the same lengths and columns (refresh_values' check).
template <index I>
[[nodiscard]] bool same_rows_reordered(std::span<const I> csr_ptr, std::span<const I> csr_idx, std::span<const I> stored_ptr,
                                       std::span<const I> stored_idx, std::span<const I> order) {
    for (std::size_t q = 0; q < order.size(); ++q) {
        const auto r = static_cast<std::size_t>(order[q]);
        const auto c = static_cast<std::size_t>(csr_ptr[r]), s = static_cast<std::size_t>(stored_ptr[q]);
        const auto len = static_cast<std::size_t>(stored_ptr[q + 1]) - s;
        if (static_cast<std::size_t>(csr_ptr[r + 1]) - c != len) return false;
        if (!std::equal(csr_idx.begin() + static_cast<std::ptrdiff_t>(c), csr_idx.begin() + static_cast<std::ptrdiff_t>(c + len),
                        stored_idx.begin() + static_cast<std::ptrdiff_t>(s)))
            return false;
    }
    return true;
}

} // namespace waferblas
