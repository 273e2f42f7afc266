// waferblas/dataflow/checkerboard_blocks.hpp — A cut into grid.rows() x grid.cols() blocks.
//
// Block (r, c) holds the nonzeros of row block r and column block c, stored as compressed
// *non-empty* rows ("segments": global row, range of nonzeros), so an empty row or an all-zero
// block costs no storage and creates no task. Row and column splits balance nonzeros. Blocks are
// stored one after another in row-major PE order, so a row's segments come in column-block order:
// walking the blocks with one cursor per row visits each CSR row's nonzeros in order, which is how
// values are refreshed without re-planning and without a stored map back to CSR positions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <numeric>
#include <span>
#include <vector>

#include "../core/memory.hpp"
#include "../core/scalar.hpp"
#include "pe_grid.hpp"
#include "row_partition.hpp"

namespace waferblas {

template <scalar T, index I>
struct checkerboard_blocks {
    std::vector<I> row_split;            ///< grid.rows()+1 row boundaries
    std::vector<I> col_split;            ///< grid.cols()+1 column boundaries
    std::vector<std::size_t> block_seg;  ///< P+1: segments of block p are [block_seg[p], block_seg[p+1])
    std::vector<I> seg_row;              ///< global row of each segment
    std::vector<I> seg_ptr;              ///< segments+1 offsets into idx / val
    std::vector<I> idx;                  ///< global column of each stored nonzero
    std::vector<T> val;

    [[nodiscard]] std::size_t block_nnz(std::size_t p) const noexcept {
        return static_cast<std::size_t>(seg_ptr[block_seg[p + 1]] - seg_ptr[block_seg[p]]);
    }
};

namespace detail {

/// parts+1 boundaries over `n` items whose cumulative weight is `prefix` (size n+1), each part
/// holding about total/parts weight; even item counts when the total weight is zero.
template <index I>
std::vector<I> balanced_split(std::span<const I> prefix, std::size_t parts) {
    const std::size_t n = prefix.size() - 1;
    const auto total = static_cast<std::size_t>(prefix.back());
    std::vector<I> split(parts + 1, I{0});
    for (std::size_t q = 1; q < parts; ++q) {
        if (total == 0) {
            split[q] = static_cast<I>(q * n / parts);
        } else {
            const auto want = static_cast<I>(proportional(q, total, parts));
            split[q] = static_cast<I>(std::lower_bound(prefix.begin(), prefix.end(), want) - prefix.begin());
        }
        split[q] = std::max(split[q], split[q - 1]);
    }
    split[parts] = static_cast<I>(n);
    return split;
}

/// parts+1 column boundaries balancing the nonzeros (a column histogram), or {0, cols} for one part.
template <index I>
std::vector<I> balanced_column_split(I cols, std::span<const I> col_idx, std::size_t parts) {
    if (parts == 1) return {I{0}, cols};
    auto col_prefix = large_vector<I>(static_cast<std::size_t>(cols) + 1);
    for (I j : col_idx) ++col_prefix[static_cast<std::size_t>(j) + 1];
    std::partial_sum(col_prefix.begin(), col_prefix.end(), col_prefix.begin());
    return balanced_split<I>(col_prefix, parts);
}

/// n elements from src to dst: a plain loop for the few nonzeros of a typical segment, where a
/// memmove call per array cost more, and memcpy for a run of rows. The cut at 32 only separates
/// the two cases; it is not tuned (8, 32 and the loop alone were within this machine's noise).
template <class V>
inline void copy_elements(const V* src, std::size_t n, V* dst) noexcept {
    if (n >= 32) {
        std::memcpy(dst, src, n * sizeof(V));
        return;
    }
    for (std::size_t k = 0; k < n; ++k) dst[k] = src[k];
}

/// Fills the blocks of `b`, whose splits are set: a counting pass places them, a second copies
/// each row's pieces into their blocks. O(rows + nnz).
template <scalar T, index I>
void fill_blocks(checkerboard_blocks<T, I>& b, std::span<const I> row_ptr, std::span<const I> col_idx,
                 std::span<const T> values) {
    const std::size_t R = b.row_split.size() - 1, C = b.col_split.size() - 1, P = R * C, nnz = col_idx.size();
    const I* split = b.col_split.data();
    const I* ptr = row_ptr.data();
    const I* col = col_idx.data();
    const auto at = [](I v) { return static_cast<std::size_t>(v); };
    // Column block of column j: a search in the C+1 (cached) boundaries, once per row or piece,
    // costs less than a per-column table, which is a cache miss per row and a page fault per 512
    // columns. Few boundaries are scanned: a call of std::upper_bound cost ~50 instructions on 2 x 2.
    const auto col_block = [split, C](I j) {
        if (C <= 8) {
            std::size_t c = 0;
            while (c + 1 < C && j >= split[c + 1]) ++c;
            return c;
        }
        return static_cast<std::size_t>(std::upper_bound(split + 1, split + C, j) - split - 1);
    };
    // Both passes walk PE row r the same way. Columns are sorted within a row, so a row visits its
    // column blocks in increasing order and each run of one block is one segment. Most rows lie in
    // one column block, and consecutive such rows in the same block are contiguous both in A and in
    // the block: they are handled as one run (on_run: block, first row, end row, non-empty rows,
    // nonzeros [k, e)), which the scatter copies at once. A row across blocks goes piece by piece
    // (on_piece: block, row, nonzeros [k, k_end)).
    const auto walk_pe_row = [&](std::size_t r, auto&& on_run, auto&& on_piece) {
        const auto first = at(b.row_split[r]), last = at(b.row_split[r + 1]);
        std::size_t run_block = C, run_row = first, run_rows = 0; // C: no run open
        const auto close_run = [&](std::size_t end_row) {
            if (run_block < C) on_run(run_block, run_row, end_row, run_rows, at(ptr[run_row]), at(ptr[end_row]));
            run_block = C;
        };
        for (std::size_t i = first; i < last; ++i) {
            auto k = at(ptr[i]);
            const auto e = at(ptr[i + 1]);
            if (k == e) continue;
            if (const std::size_t c = col_block(col[k]); col[e - 1] < split[c + 1]) {
                if (c != run_block) {
                    close_run(i);
                    run_block = c;
                    run_row = i;
                    run_rows = 0;
                }
                ++run_rows;
                continue;
            }
            close_run(i);
            while (k < e) {
                const std::size_t c = col_block(col[k]);
                std::size_t k_end = k + 1; // pieces of a row across blocks are short: a scan
                while (k_end < e && col[k_end] < split[c + 1]) ++k_end;
                on_piece(c, i, k, k_end);
                k = k_end;
            }
        }
        close_run(last);
    };

    // Pass 1: segments and nonzeros per block (a run of rows counts its non-empty rows).
    std::vector<std::size_t> seg_at(P + 1, 0), nz_at(P + 1, 0);
    for (std::size_t r = 0; r < R; ++r) {
        std::size_t* segs = seg_at.data() + r * C + 1;
        std::size_t* nzs = nz_at.data() + r * C + 1;
        walk_pe_row(
            r,
            [&](std::size_t c, std::size_t, std::size_t, std::size_t rows, std::size_t k, std::size_t e) {
                segs[c] += rows;
                nzs[c] += e - k;
            },
            [&](std::size_t c, std::size_t, std::size_t k, std::size_t k_end) {
                ++segs[c];
                nzs[c] += k_end - k;
            });
    }
    std::partial_sum(seg_at.begin(), seg_at.end(), seg_at.begin());
    std::partial_sum(nz_at.begin(), nz_at.end(), nz_at.begin());

    // Pass 2: scatter into the blocks; seg_at and nz_at become each block's next free position.
    const std::size_t segments = seg_at[P];
    b.block_seg = seg_at;
    b.seg_row = large_vector<I>(segments);
    b.seg_ptr = large_vector<I>(segments + 1);
    b.idx = large_vector<I>(nnz);
    b.val = large_vector<T>(nnz);
    I* seg_row = b.seg_row.data();
    I* seg_ptr = b.seg_ptr.data();
    I* idx = b.idx.data();
    T* val = b.val.data();
    const T* value = values.data();
    for (std::size_t r = 0; r < R; ++r) {
        std::size_t* next_seg = seg_at.data() + r * C;
        std::size_t* next_nz = nz_at.data() + r * C;
        walk_pe_row(
            r,
            [&](std::size_t c, std::size_t i0, std::size_t i1, std::size_t, std::size_t k, std::size_t e) {
                const std::size_t dst = next_nz[c];
                copy_elements(col + k, e - k, idx + dst);
                copy_elements(value + k, e - k, val + dst);
                std::size_t s = next_seg[c];
                for (std::size_t i = i0; i < i1; ++i) {
                    if (ptr[i] == ptr[i + 1]) continue;
                    seg_row[s] = static_cast<I>(i);
                    seg_ptr[s] = static_cast<I>(dst + (at(ptr[i]) - k));
                    ++s;
                }
                next_seg[c] = s;
                next_nz[c] = dst + (e - k);
            },
            [&](std::size_t c, std::size_t i, std::size_t k, std::size_t k_end) {
                const std::size_t s = next_seg[c]++, dst = next_nz[c];
                seg_row[s] = static_cast<I>(i);
                seg_ptr[s] = static_cast<I>(dst);
                copy_elements(col + k, k_end - k, idx + dst);
                copy_elements(value + k, k_end - k, val + dst);
                next_nz[c] = dst + (k_end - k);
            });
    }
    seg_ptr[segments] = static_cast<I>(nnz);
}

} // namespace detail

template <scalar T, index I>
[[nodiscard]] checkerboard_blocks<T, I> make_checkerboard_blocks(I cols, std::span<const I> row_ptr,
                                                                  std::span<const I> col_idx, std::span<const T> values,
                                                                  const pe_grid& grid) {
    checkerboard_blocks<T, I> b;
    b.row_split = detail::balanced_split<I>(row_ptr, grid.rows());
    b.col_split = detail::balanced_column_split<I>(cols, col_idx, grid.cols());
    detail::fill_blocks(b, row_ptr, col_idx, values);
    return b;
}

} // namespace waferblas
