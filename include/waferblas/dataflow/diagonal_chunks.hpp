// waferblas/dataflow/diagonal_chunks.hpp — rows of a stencil lowered as diagonals, 8 rows at a time.
//
// A stencil or banded operator repeats one column pattern shifted by the row: rows r0 .. r0+7 use
// columns base_d + (r - r0) for a handful of diagonals d. Lowered as one chunk, those 8 rows are one
// segment AXPY per diagonal, y[r0, r0+8) += v_d .* x[base_d, base_d+8) — how a wafer runs a
// stencil — which reads one base column per diagonal instead of a column index per nonzero: about
// 9 instead of 12 bytes per nonzero of double, the traffic that bounds an SpMV beyond the caches
// (docs/performance.md, item 2). Rows of the chunk that lack a diagonal (boundary rows) mask it.
//
// The values stay in the program's CSR value array, permuted within each chunk: diagonal after
// diagonal, the diagonal's present lanes in order (kernels/diagonal_chunks.hpp expand-loads them).
// The layout therefore costs no memory beyond 6 bytes per diagonal (10 with 64-bit indices) and 9 per
// chunk, and the permutation follows from the masks whenever values are refreshed or the CSR form is
// asked for.
//
// Each lane also records whether its nonzero is its row's even- or odd-numbered one: row_dot sums
// those into two accumulators, and the chunk kernel does the same, so each row's sum takes the CSR
// kernel's terms in its order. (The AVX-512 kernel fuses every multiply-add, which the compiler may
// or may not do in the CSR kernel: results can differ from a CSR plan's in the last bits. On every
// backend and thread count one plan gives the same bits.)
//
// Only chunks of 8 whole rows of one PE (not its shared first row) are lowered so, each only when at
// least half of its lanes hold nonzeros, and only when such chunks hold nearly all the nonzeros: a
// kernel that walks every chunk alike streams at full speed, one that alternated chunks with CSR rows
// ran slower than CSR alone (docs/performance.md).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "../core/memory.hpp"
#include "../core/scalar.hpp"
#include "row_partition.hpp"

namespace waferblas {

/// How a row_blocks SpMV plan stores its values (plan_spmv's last argument).
enum class spmv_layout {
    csr, ///< CSR: the cheapest plan to build.
    /// Rows that repeat one column pattern shifted by the row (stencils, bands) as diagonal chunks,
    /// where they hold nearly all the nonzeros (real types; otherwise CSR). The same sums in the same
    /// order (up to fused multiply-adds); with AVX-512, SpMVs beyond the caches 1.1-1.5x faster,
    /// for a build 2-6.5x a CSR plan's, 3.4-5.1 SpMVs (docs/performance.md): it pays from a few
    /// dozen executions on. Without AVX-512 the lane-by-lane kernel is slower than CSR.
    diagonal_chunks,
};

template <index I>
struct diagonal_chunks {
    static constexpr std::size_t rows_per_chunk = 8;
    using lane_mask = std::uint8_t; ///< bit j: row r0 + j of the chunk

    /// Per chunk c (rows [8c, 8c + 8)), plus one: its diagonals are [first_diagonal[c],
    /// first_diagonal[c + 1]). Empty when the program has no chunks.
    std::vector<std::size_t> first_diagonal;
    std::vector<std::uint8_t> lowered; ///< per chunk: 1 when stored as diagonals, 0 when its rows stay CSR
    std::vector<I> base;               ///< per diagonal: the column lane 0 reads (masked lanes may fall outside x)
    std::vector<lane_mask> even, odd;  ///< per diagonal: the lanes holding their row's even-, odd-numbered nonzero

    [[nodiscard]] bool empty() const noexcept { return first_diagonal.empty(); }
    [[nodiscard]] std::size_t chunks() const noexcept { return lowered.size(); }
};

namespace detail {

/// Appends chunk r0's diagonals when every row has the same count and each row's columns are row
/// r0's shifted by the row (the common case of a stencil's interior): no merge needed.
template <index I>
bool append_shifted_chunk(diagonal_chunks<I>& ch, const I* ptr, const I* idx) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    using U = std::make_unsigned_t<I>;
    const auto b0 = static_cast<std::size_t>(ptr[0]);
    const auto L = static_cast<std::size_t>(ptr[1] - ptr[0]);
    for (std::size_t j = 1; j < H; ++j)
        if (static_cast<std::size_t>(ptr[j + 1] - ptr[j]) != L) return false;
    // Rows of L columns one after another: each row's columns are the previous row's plus one. An OR
    // of the differences over the 7 L pairs, without early exits, which the compiler vectorises
    // (columns are below 2^31 or 2^63, so equality modulo 2^32 or 2^64 is equality).
    const I* col = idx + b0;
    U differ = 0;
    for (std::size_t t = 0; t < (H - 1) * L; ++t) differ |= static_cast<U>(col[t + L]) ^ static_cast<U>(static_cast<U>(col[t]) + U{1});
    if (differ != 0) return false;
    for (std::size_t k = 0; k < L; ++k) {
        ch.base.push_back(idx[b0 + k]);
        ch.even.push_back(k % 2 == 0 ? 0xFF : 0);
        ch.odd.push_back(k % 2 == 0 ? 0 : 0xFF);
    }
    return true;
}

/// Appends chunk r0's diagonals by merging its rows (column minus lane, ascending); false, with
/// nothing appended, when more than half of its lanes would be empty.
template <index I>
bool append_merged_chunk(diagonal_chunks<I>& ch, const I* ptr, const I* idx) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const std::size_t start = ch.base.size();
    const auto nnz = static_cast<std::size_t>(ptr[H] - ptr[0]);
    std::size_t pos[H], end[H];
    for (std::size_t j = 0; j < H; ++j) pos[j] = static_cast<std::size_t>(ptr[j]), end[j] = static_cast<std::size_t>(ptr[j + 1]);
    for (std::size_t diagonals = 0;; ++diagonals) {
        std::int64_t d = std::numeric_limits<std::int64_t>::max();
        for (std::size_t j = 0; j < H; ++j)
            if (pos[j] < end[j]) d = std::min(d, static_cast<std::int64_t>(idx[pos[j]]) - static_cast<std::int64_t>(j));
        if (d == std::numeric_limits<std::int64_t>::max()) return true;
        if (2 * nnz < H * (diagonals + 1)) {
            ch.base.resize(start), ch.even.resize(start), ch.odd.resize(start);
            return false;
        }
        typename diagonal_chunks<I>::lane_mask e = 0, o = 0;
        for (std::size_t j = 0; j < H; ++j)
            if (pos[j] < end[j] && static_cast<std::int64_t>(idx[pos[j]]) - static_cast<std::int64_t>(j) == d) {
                if ((pos[j] - static_cast<std::size_t>(ptr[j])) % 2 == 0) e |= static_cast<std::uint8_t>(1u << j);
                else o |= static_cast<std::uint8_t>(1u << j);
                ++pos[j];
            }
        ch.base.push_back(static_cast<I>(d)); // d >= -7: fits every signed index type
        ch.even.push_back(e);
        ch.odd.push_back(o);
    }
}

/// Visits chunk c's nonzeros in chunk order (see the file comment): move(k, i) for the i-th of
/// them, k its CSR position.
template <index I, class Move>
void for_each_in_chunk_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::size_t c, Move&& move) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const std::size_t r0 = c * H, b = ch.first_diagonal[c], e = ch.first_diagonal[c + 1];
    const auto k0 = static_cast<std::size_t>(row_ptr[r0]);
    const auto L = static_cast<std::size_t>(row_ptr[r0 + 1]) - k0;
    if (static_cast<std::size_t>(row_ptr[r0 + H]) - k0 == H * L && e - b == L) {
        // Every lane of every diagonal: the chunk's 8 x L values transposed.
        for (std::size_t t = 0; t < L; ++t)
            for (std::size_t j = 0; j < H; ++j) move(k0 + j * L + t, H * t + j);
        return;
    }
    std::size_t cursor[H];
    for (std::size_t j = 0; j < H; ++j) cursor[j] = static_cast<std::size_t>(row_ptr[r0 + j]);
    std::size_t i = 0;
    for (std::size_t t = b; t < e; ++t) {
        const unsigned lanes = ch.even[t] | ch.odd[t];
        for (std::size_t j = 0; j < H; ++j)
            if (lanes >> j & 1u) move(cursor[j]++, i++);
    }
}

} // namespace detail

/// The diagonal chunks of a CSR pattern split over PEs as `part` (see the file comment), or none.
/// O(nnz) time; stops early, with none, once the chunks cannot hold enough nonzeros.
template <index I>
[[nodiscard]] diagonal_chunks<I> find_diagonal_chunks(std::span<const I> row_ptr, std::span<const I> col_idx,
                                                      const row_partition<I>& part) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const std::size_t rows = row_ptr.size() - 1, nnz = col_idx.size();
    diagonal_chunks<I> ch;
    // A chunk is lowered only when at least half its lanes hold nonzeros: at most nnz / 4 diagonals.
    ch.base = detail::large_reserved<I>(nnz / 4 + H);
    ch.even = detail::large_reserved<std::uint8_t>(nnz / 4 + H);
    ch.odd = detail::large_reserved<std::uint8_t>(nnz / 4 + H);
    // Nonzeros that may stay outside the chunks: 1 in 32, so that the chunks hold nearly all.
    const std::size_t allowance = nnz / 32;
    std::size_t outside = 0, counted_rows = 0; // nonzeros of rows outside chunks, among the first counted_rows
    const I* ptr = row_ptr.data();
    const I* idx = col_idx.data();
    const auto rows_outside = [&](std::size_t end_row) {
        outside += static_cast<std::size_t>(ptr[end_row] - ptr[counted_rows]);
        counted_rows = end_row;
    };
    std::vector<std::uint8_t> lowered(rows / H, 0);
    std::vector<std::size_t> first(rows / H + 1, 0); // diagonal counts first, offsets at the end
    for (std::size_t p = 0; p < part.parts(); ++p) {
        // The whole rows PE p owns: not a first row that began on an earlier PE.
        const auto rb = static_cast<std::size_t>(part.row_begin[p]) + (part.first_row_shared(row_ptr, p) ? 1 : 0);
        const auto re = static_cast<std::size_t>(part.row_begin[p + 1]);
        for (std::size_t c = (rb + H - 1) / H; (c + 1) * H <= re; ++c) {
            rows_outside(c * H);
            const std::size_t before = ch.base.size();
            if (detail::append_shifted_chunk(ch, ptr + c * H, idx) || detail::append_merged_chunk(ch, ptr + c * H, idx)) {
                lowered[c] = 1;
                first[c + 1] = ch.base.size() - before;
                counted_rows = (c + 1) * H;
            } else {
                rows_outside((c + 1) * H);
            }
            if (outside > allowance) return {};
        }
    }
    rows_outside(rows);
    if (outside > allowance) return {};
    for (std::size_t c = 0; c < lowered.size(); ++c) first[c + 1] += first[c];
    ch.lowered = std::move(lowered);
    ch.first_diagonal = std::move(first);
    return ch;
}

/// `values` (CSR order) in the chunk order of `ch`, in storage advised for huge pages. Copied in
/// blocks, each then permuted chunk by chunk while it is in cache: about the time of a plain copy.
template <scalar T, index I>
[[nodiscard]] std::vector<T> values_in_chunk_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr,
                                                   std::span<const T> values) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    constexpr std::size_t block_values = std::size_t{16} << 10; // 128 KiB of double: in L2
    const std::size_t n = values.size(), chunks = ch.chunks();
    auto out = detail::large_reserved<T>(n);
    for (std::size_t c = 0; out.size() < n;) {
        // A block of whole chunks (at least one), or the rest after the last chunk.
        const std::size_t from = out.size();
        std::size_t c_end = c;
        while (c_end < chunks && static_cast<std::size_t>(row_ptr[(c_end + 1) * H]) - from <= block_values) ++c_end;
        if (c_end == c && c < chunks) ++c_end;
        const std::size_t to = c_end == chunks ? n : static_cast<std::size_t>(row_ptr[c_end * H]);
        out.insert(out.end(), values.begin() + static_cast<std::ptrdiff_t>(from), values.begin() + static_cast<std::ptrdiff_t>(to));
        for (; c < c_end; ++c) {
            if (!ch.lowered[c]) continue;
            // The chunk's values are in `values` (CSR order) and, copied, in cache at out[k0, k1).
            const auto k0 = static_cast<std::size_t>(row_ptr[c * H]);
            T* chunk = out.data() + k0;
            detail::for_each_in_chunk_order(ch, row_ptr, c, [&](std::size_t k, std::size_t i) { chunk[i] = values[k]; });
        }
    }
    return out;
}

namespace detail {

/// Walks the nonzeros in order: gap(from, to) for each run of CSR positions outside lowered chunks,
/// chunk(c, k0) for each lowered chunk c, whose nonzeros begin at k0.
template <index I, class Gap, class Chunk>
void for_each_gap_and_chunk(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, Gap&& gap, Chunk&& chunk) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    std::size_t done = 0;
    for (std::size_t c = 0; c < ch.chunks(); ++c) {
        if (!ch.lowered[c]) continue;
        const auto k0 = static_cast<std::size_t>(row_ptr[c * H]);
        gap(done, k0);
        chunk(c, k0);
        done = static_cast<std::size_t>(row_ptr[(c + 1) * H]);
    }
    gap(done, static_cast<std::size_t>(row_ptr.back()));
}

} // namespace detail

/// `values` (CSR order) written over `stored` in chunk order (refresh_values). Both have nnz elements.
template <scalar T, index I>
void store_in_chunk_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::span<const T> values,
                          std::span<T> stored) {
    detail::for_each_gap_and_chunk(
        ch, row_ptr, [&](std::size_t from, std::size_t to) { std::copy(values.begin() + from, values.begin() + to, stored.begin() + from); },
        [&](std::size_t c, std::size_t k0) {
            detail::for_each_in_chunk_order(ch, row_ptr, c, [&](std::size_t k, std::size_t i) { stored[k0 + i] = values[k]; });
        });
}

/// The inverse: `stored` (chunk order) written to `csr` in CSR order. Both have nnz elements.
template <scalar T, index I>
void values_to_csr_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::span<const T> stored,
                         std::span<T> csr) {
    detail::for_each_gap_and_chunk(
        ch, row_ptr, [&](std::size_t from, std::size_t to) { std::copy(stored.begin() + from, stored.begin() + to, csr.begin() + from); },
        [&](std::size_t c, std::size_t k0) {
            detail::for_each_in_chunk_order(ch, row_ptr, c, [&](std::size_t k, std::size_t i) { csr[k] = stored[k0 + i]; });
        });
}

} // namespace waferblas
