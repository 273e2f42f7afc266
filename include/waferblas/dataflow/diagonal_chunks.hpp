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
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "../core/memory.hpp"
#include "../core/scalar.hpp"
#include "row_partition.hpp"
#include "spmv_layout.hpp"

namespace waferblas {

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

/// Visits the nonzeros of one chunk in chunk order (see the file comment): move(k, i) for the i-th
/// of them, k its position counted from the chunk's first nonzero. `ptr` points at the chunk's
/// first row pointer (9 follow); its diagonals' lanes are even[t] | odd[t], t < diagonals.
template <index I, class Move>
void for_each_in_chunk_order(const I* ptr, const std::uint8_t* even, const std::uint8_t* odd, std::size_t diagonals,
                             Move&& move) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const auto k0 = static_cast<std::size_t>(ptr[0]);
    const auto L = static_cast<std::size_t>(ptr[1]) - k0;
    if (static_cast<std::size_t>(ptr[H]) - k0 == H * L && diagonals == L) {
        // Every lane of every diagonal: the chunk's 8 x L values transposed, diagonal by diagonal
        // (the compiler vectorises it: in cache, 1.4x as fast as row by row).
        for (std::size_t t = 0; t < L; ++t)
            for (std::size_t j = 0; j < H; ++j) move(j * L + t, H * t + j);
        return;
    }
    std::size_t cursor[H];
    for (std::size_t j = 0; j < H; ++j) cursor[j] = static_cast<std::size_t>(ptr[j]) - k0;
    std::size_t i = 0;
    for (std::size_t t = 0; t < diagonals; ++t)
        for (unsigned lanes = even[t] | odd[t]; lanes != 0; lanes &= lanes - 1) move(cursor[std::countr_zero(lanes)]++, i++);
}

/// The same for chunk c of `ch`, k counted from the start of the value array.
template <index I, class Move>
void for_each_in_chunk_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::size_t c, Move&& move) {
    constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    const std::size_t b = ch.first_diagonal[c], e = ch.first_diagonal[c + 1];
    const auto k0 = static_cast<std::size_t>(row_ptr[c * H]);
    for_each_in_chunk_order(row_ptr.data() + c * H, ch.even.data() + b, ch.odd.data() + b, e - b,
                            [&](std::size_t k, std::size_t i) { move(k0 + k, i); });
}

/// One pass over a CSR matrix that finds its diagonal chunks and puts its values in their order
/// (lower_diagonal_chunks): each chunk's values are permuted right after its columns are read,
/// while both are in cache.
template <scalar T, index I>
class chunk_lowering {
public:
    static constexpr std::size_t H = diagonal_chunks<I>::rows_per_chunk;
    using lane_mask = typename diagonal_chunks<I>::lane_mask;

    /// values_out null: `values` is permuted in place. Otherwise values_out, empty with room for nnz
    /// elements, receives the values in chunk order.
    chunk_lowering(std::span<const I> row_ptr, std::span<const I> col_idx, const T* values, T* in_place,
                   std::vector<T>* values_out)
        : ptr_(row_ptr.data()), idx_(col_idx.data()), values_(values), in_place_(in_place), values_out_(values_out),
          rows_(row_ptr.size() - 1), nnz_(col_idx.size()) {}

    diagonal_chunks<I> run(const row_partition<I>& part) {
        // A chunk is lowered only when at least half its lanes hold nonzeros: at most nnz / 4
        // diagonals, the capacity the arrays get (sized as they fill, cut to size at the end).
        ch_.base = large_reserved<I>(nnz_ / 4 + H);
        ch_.even = large_reserved<lane_mask>(nnz_ / 4 + H);
        ch_.odd = large_reserved<lane_mask>(nnz_ / 4 + H);
        ch_.lowered.assign(rows_ / H, 0);
        ch_.first_diagonal.assign(rows_ / H + 1, 0); // diagonal counts first, offsets at the end
        for (std::size_t p = 0; p < part.parts(); ++p) {
            // The whole rows PE p owns: not a first row that began on an earlier PE.
            const auto rb = static_cast<std::size_t>(part.row_begin[p]) +
                            (part.first_row_shared(std::span<const I>(ptr_, rows_ + 1), p) ? 1 : 0);
            const auto re = static_cast<std::size_t>(part.row_begin[p + 1]);
            for (std::size_t c = (rb + H - 1) / H; (c + 1) * H <= re; ++c) {
                rows_outside(c * H);
                const I* ptr = ptr_ + c * H;
                const std::size_t diagonals = append_shifted(ptr) ? static_cast<std::size_t>(ptr[1] - ptr[0]) : append_merged(ptr);
                const auto k0 = static_cast<std::size_t>(ptr[0]), k1 = static_cast<std::size_t>(ptr[H]);
                // Copied ahead in blocks of 16 Ki values, then permuted while in cache (per chunk
                // copies cost more than the permutation saved).
                if (values_out_ != nullptr && values_out_->size() < k1) copy_through(std::min(nnz_, std::max(k1, k0 + copy_block)));
                if (diagonals != not_lowered) {
                    ch_.lowered[c] = 1;
                    ch_.first_diagonal[c + 1] = diagonals;
                    counted_rows_ = (c + 1) * H;
                    permute_chunk(ptr, diagonals, k0, k1);
                    size_ += diagonals;
                } else {
                    rows_outside((c + 1) * H);
                }
                if (outside_ > nnz_ / 32) return give_up(c + 1);
            }
        }
        rows_outside(rows_);
        if (outside_ > nnz_ / 32) return give_up(ch_.lowered.size());
        if (values_out_ != nullptr) copy_through(nnz_);
        ch_.base.resize(size_), ch_.even.resize(size_), ch_.odd.resize(size_);
        for (std::size_t c = 0; c < ch_.chunks(); ++c) ch_.first_diagonal[c + 1] += ch_.first_diagonal[c];
        return std::move(ch_);
    }

private:
    static constexpr std::size_t not_lowered = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t copy_block = std::size_t{16} << 10; // 128 KiB of double: in L2

    /// Room for n more diagonals behind the size_ appended so far (the three arrays have one size).
    void make_room(std::size_t n) { grow_to(ch_.base, size_ + n), grow_to(ch_.even, size_ + n), grow_to(ch_.odd, size_ + n); }

    /// Nonzeros that may stay outside the chunks: 1 in 32, so that the chunks hold nearly all.
    void rows_outside(std::size_t end_row) {
        outside_ += static_cast<std::size_t>(ptr_[end_row] - ptr_[counted_rows_]);
        counted_rows_ = end_row;
    }

    /// Appends the values up to nonzero k to the copy.
    void copy_through(std::size_t k) { values_out_->insert(values_out_->end(), values_ + values_out_->size(), values_ + k); }

    /// Appends the chunk's diagonals when every row has the same count and each row's columns are
    /// the previous row's plus one (the common case of a stencil's interior): no merge needed.
    bool append_shifted(const I* ptr) {
        using U = std::make_unsigned_t<I>;
        const auto b0 = static_cast<std::size_t>(ptr[0]);
        const auto L = static_cast<std::size_t>(ptr[1] - ptr[0]);
        for (std::size_t j = 1; j < H; ++j)
            if (static_cast<std::size_t>(ptr[j + 1] - ptr[j]) != L) return false;
        // An OR of the differences over the 7 L pairs, without early exits, which the compiler
        // vectorises (columns are below 2^31 or 2^63, so equality modulo 2^32 or 2^64 is equality).
        const I* col = idx_ + b0;
        U differ = 0;
        for (std::size_t t = 0; t < (H - 1) * L; ++t) differ |= static_cast<U>(col[t + L]) ^ static_cast<U>(static_cast<U>(col[t]) + U{1});
        if (differ != 0) return false;
        make_room(L);
        I* base = ch_.base.data() + size_;
        lane_mask* even = ch_.even.data() + size_;
        lane_mask* odd = ch_.odd.data() + size_;
        for (std::size_t k = 0; k < L; ++k) {
            base[k] = col[k];
            even[k] = k % 2 == 0 ? 0xFF : 0;
            odd[k] = k % 2 == 0 ? 0 : 0xFF;
        }
        return true;
    }

    /// Appends the chunk's diagonals by merging its rows (column minus lane, ascending); returns
    /// their count, or not_lowered when more than half of its lanes would be empty.
    std::size_t append_merged(const I* ptr) {
        constexpr auto exhausted = std::numeric_limits<std::int64_t>::max();
        const auto nnz = static_cast<std::size_t>(ptr[H] - ptr[0]);
        make_room(nnz / 4 + 1); // a lowered chunk has at most nnz / 4 diagonals
        I* base = ch_.base.data() + size_;
        lane_mask* even = ch_.even.data() + size_;
        lane_mask* odd = ch_.odd.data() + size_;
        // Most chunks met here (a stencil's boundary rows) have a fullest row whose diagonals
        // include every other row's: then those are the chunk's, found without the merge below,
        // which cost several times as much.
        std::size_t fullest = 0;
        for (std::size_t j = 1; j < H; ++j)
            if (ptr[j + 1] - ptr[j] > ptr[fullest + 1] - ptr[fullest]) fullest = j;
        const auto most = static_cast<std::size_t>(ptr[fullest + 1] - ptr[fullest]);
        if (2 * nnz < H * most) return not_lowered; // at least `most` diagonals
        if (lanes_within_row(ptr, fullest, base, even, odd)) return most;
        std::size_t pos[H];
        std::int64_t head[H]; // lane j's next column minus j
        const auto next = [&](std::size_t j) {
            return pos[j] < static_cast<std::size_t>(ptr[j + 1]) ? static_cast<std::int64_t>(idx_[pos[j]]) - static_cast<std::int64_t>(j) : exhausted;
        };
        for (std::size_t j = 0; j < H; ++j) pos[j] = static_cast<std::size_t>(ptr[j]), head[j] = next(j);
        unsigned odd_next = 0; // bit j: lane j's next nonzero is its row's odd-numbered one
        for (std::size_t diagonals = 0;; ++diagonals) {
            std::int64_t d = head[0];
            for (std::size_t j = 1; j < H; ++j) d = std::min(d, head[j]);
            if (d == exhausted) return diagonals;
            if (2 * nnz < H * (diagonals + 1)) return not_lowered;
            unsigned lanes = 0;
            for (std::size_t j = 0; j < H; ++j) lanes |= static_cast<unsigned>(head[j] == d) << j;
            base[diagonals] = static_cast<I>(d); // d >= -7: fits every signed index type
            even[diagonals] = static_cast<lane_mask>(lanes & ~odd_next);
            odd[diagonals] = static_cast<lane_mask>(lanes & odd_next);
            odd_next ^= lanes;
            for (; lanes != 0; lanes &= lanes - 1) {
                const auto j = static_cast<std::size_t>(std::countr_zero(lanes));
                ++pos[j];
                head[j] = next(j);
            }
        }
    }

    /// Whether every row's diagonals are among row `fullest`'s; if so, those diagonals with their
    /// lanes are written to base, even and odd.
    bool lanes_within_row(const I* ptr, std::size_t fullest, I* base, lane_mask* even, lane_mask* odd) const {
        const auto b = static_cast<std::size_t>(ptr[fullest]);
        const auto most = static_cast<std::size_t>(ptr[fullest + 1]) - b;
        for (std::size_t t = 0; t < most; ++t) base[t] = static_cast<I>(idx_[b + t] - static_cast<I>(fullest)); // >= -7
        std::fill(even, even + most, lane_mask{0});
        std::fill(odd, odd + most, lane_mask{0});
        for (std::size_t j = 0; j < H; ++j) {
            const auto bit = static_cast<lane_mask>(1u << j);
            const auto first = static_cast<std::size_t>(ptr[j]), last = static_cast<std::size_t>(ptr[j + 1]);
            std::size_t t = 0;
            for (std::size_t k = first; k < last; ++k, ++t) {
                const auto d = static_cast<I>(idx_[k] - static_cast<I>(j));
                while (t < most && base[t] < d) ++t;
                if (t == most || base[t] != d) return false;
                ((k - first) % 2 == 0 ? even : odd)[t] |= bit;
            }
        }
        return true;
    }

    /// Writes the chunk's values [k0, k1) in the order of its diagonals (just appended).
    void permute_chunk(const I* ptr, std::size_t diagonals, std::size_t k0, std::size_t k1) {
        const T* src = values_ + k0;
        T* dst = nullptr;
        if (values_out_ != nullptr) {
            dst = values_out_->data() + k0;
        } else {
            scratch_.assign(values_ + k0, values_ + k1);
            src = scratch_.data();
            dst = in_place_ + k0;
        }
        for_each_in_chunk_order(ptr, ch_.even.data() + size_, ch_.odd.data() + size_, diagonals,
                                [&](std::size_t k, std::size_t i) { dst[i] = src[k]; });
    }

    /// Too many nonzeros outside chunks, known after `chunks_done` chunks: the values go back to CSR
    /// order (copied again, or the chunks lowered so far permuted back) and there are no chunks.
    diagonal_chunks<I> give_up(std::size_t chunks_done) {
        if (values_out_ != nullptr) {
            std::copy(values_, values_ + values_out_->size(), values_out_->begin());
            copy_through(nnz_);
            return {};
        }
        std::size_t first = 0;
        for (std::size_t c = 0; c < chunks_done; ++c) {
            const std::size_t diagonals = ch_.first_diagonal[c + 1];
            if (!ch_.lowered[c]) continue;
            const I* ptr = ptr_ + c * H;
            const auto k0 = static_cast<std::size_t>(ptr[0]);
            scratch_.assign(in_place_ + k0, in_place_ + static_cast<std::size_t>(ptr[H]));
            for_each_in_chunk_order(ptr, ch_.even.data() + first, ch_.odd.data() + first, diagonals,
                                    [&](std::size_t k, std::size_t i) { in_place_[k0 + k] = scratch_[i]; });
            first += diagonals;
        }
        return {};
    }

    const I* ptr_;
    const I* idx_;
    const T* values_;
    T* in_place_;
    std::vector<T>* values_out_;
    std::size_t rows_, nnz_;
    diagonal_chunks<I> ch_;
    std::size_t size_ = 0; ///< diagonals appended so far
    std::size_t outside_ = 0, counted_rows_ = 0; ///< nonzeros of rows outside chunks, among the first counted_rows_
    std::vector<T> scratch_;
};

} // namespace detail

/// Finds the diagonal chunks of a CSR matrix split over PEs as `part` (see the file comment), or
/// none, and copies it for a plan: `col_copy` and `values_copy` (empty) receive its columns and its
/// values, the values in chunk order. One pass, O(nnz); gives up on chunks, with none, once they
/// cannot hold enough nonzeros.
template <scalar T, index I>
[[nodiscard]] diagonal_chunks<I> lower_diagonal_chunks(std::span<const I> row_ptr, std::span<const I> col_idx,
                                                       std::span<const T> values, const row_partition<I>& part,
                                                       std::vector<I>& col_copy, std::vector<T>& values_copy) {
    // The columns in one block copy: written in the pass, piece by piece, they cost more.
    col_copy = detail::large_copy(col_idx);
    values_copy = detail::large_reserved<T>(values.size());
    return detail::chunk_lowering<T, I>(row_ptr, col_idx, values.data(), nullptr, &values_copy).run(part);
}

/// The same, with `values` put in chunk order in place (a plan that took the matrix over).
template <scalar T, index I>
[[nodiscard]] diagonal_chunks<I> lower_diagonal_chunks(std::span<const I> row_ptr, std::span<const I> col_idx,
                                                       std::span<T> values, const row_partition<I>& part) {
    return detail::chunk_lowering<T, I>(row_ptr, col_idx, values.data(), values.data(), nullptr).run(part);
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

/// `from` written to `to` in chunk order (ToChunks) or back in CSR order; both have nnz elements.
template <bool ToChunks, scalar T, index I>
void reorder_values(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::span<const T> from, std::span<T> to) {
    for_each_gap_and_chunk(
        ch, row_ptr, [&](std::size_t b, std::size_t e) { std::copy(from.begin() + b, from.begin() + e, to.begin() + b); },
        [&](std::size_t c, std::size_t k0) {
            for_each_in_chunk_order(ch, row_ptr, c, [&](std::size_t k, std::size_t i) {
                if constexpr (ToChunks) to[k0 + i] = from[k];
                else to[k] = from[k0 + i];
            });
        });
}

} // namespace detail

/// `values` (CSR order) written over `stored` in chunk order (refresh_values). Both have nnz elements.
template <scalar T, index I>
void store_in_chunk_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::span<const T> values,
                          std::span<T> stored) {
    detail::reorder_values<true>(ch, row_ptr, values, stored);
}

/// The inverse: `stored` (chunk order) written to `csr` in CSR order. Both have nnz elements.
template <scalar T, index I>
void values_to_csr_order(const diagonal_chunks<I>& ch, std::span<const I> row_ptr, std::span<const T> stored,
                         std::span<T> csr) {
    detail::reorder_values<false>(ch, row_ptr, stored, csr);
}

} // namespace waferblas
