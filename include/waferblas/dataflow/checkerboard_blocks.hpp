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

/// Writes src[0, n) to v[at, at + n), v being `at` long or (grown by grow_to) longer. A short piece
/// is copied by a plain loop into room made by grow_to: a call per piece, to insert or memmove,
/// cost more than the copy. A long run beyond that room is appended, with nothing zeroed ahead.
template <class V>
inline void put(std::vector<V>& v, std::size_t at, const V* src, std::size_t n) {
    if (v.size() < at + n && n >= 256) {
        v.resize(at);
        v.insert(v.end(), src, src + n);
        return;
    }
    grow_to(v, at + n);
    V* dst = v.data() + at;
    for (std::size_t k = 0; k < n; ++k) dst[k] = src[k];
}

/// Fills the blocks of `b`, whose splits are set, PE row by PE row: one walk over its rows lists,
/// per column block, the rows with a piece there; then its blocks are written one after another
/// in storage order, appended as they come (no array zeroed ahead of its copy, which cost as much
/// as the copy itself). O(rows + segments + nnz).
template <scalar T, index I>
void fill_blocks(checkerboard_blocks<T, I>& b, std::span<const I> row_ptr, std::span<const I> col_idx,
                 std::span<const T> values) {
    const std::size_t R = b.row_split.size() - 1, C = b.col_split.size() - 1, P = R * C, nnz = col_idx.size();
    const std::size_t rows = row_ptr.size() - 1;
    const I* split = b.col_split.data();
    const I* ptr = row_ptr.data();
    const I* col = col_idx.data();
    const T* value = values.data();
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
    // A segment is a non-empty row piece: at most one per row and block, and one per nonzero, but
    // most rows lie in one block. Room for a quarter of the rows in two blocks (the arrays grow
    // beyond it if need be) keeps a build's memory near what it uses, which matters to the
    // allocator: freed blocks beyond its trim threshold go back to the system, and the next build
    // pays a page fault per 4 KiB again (`4elt`: 4-5x the build).
    const std::size_t expected_segments = std::min({nnz, rows * C, rows + rows / 4 + C});
    b.block_seg.assign(P + 1, 0);
    b.seg_row = large_reserved<I>(expected_segments);
    b.seg_ptr = large_reserved<I>(expected_segments + 1);
    b.idx = large_reserved<I>(nnz);
    b.val = large_reserved<T>(nnz);
    std::vector<std::vector<I>> rows_in(C); // per column block: PE row r's rows with a piece in it
    std::size_t segments = 0, stored = 0;   // segments and nonzeros of the blocks so far
    for (std::size_t r = 0; r < R; ++r) {
        const auto pe_rows = at(b.row_split[r + 1]) - at(b.row_split[r]);
        for (auto& list : rows_in) {
            list.clear();
            // Few blocks: room for all the rows in each (address space, touched only as used), as
            // growing a list by copies cost a tenth of the build (`poisson3d_128`, 36 -> 33 ms).
            if (C <= 8 && list.capacity() < pe_rows) list = large_reserved<I>(pe_rows);
        }
        for (auto i = at(b.row_split[r]); i < at(b.row_split[r + 1]); ++i) {
            auto k = at(ptr[i]);
            const auto e = at(ptr[i + 1]);
            if (k == e) continue;
            std::size_t c = col_block(col[k]);
            rows_in[c].push_back(static_cast<I>(i));
            // Columns are sorted within a row: it has a piece in each block up to its last column's.
            while (col[e - 1] >= split[c + 1]) {
                k = static_cast<std::size_t>(std::lower_bound(col + k, col + e, split[c + 1]) - col);
                c = col_block(col[k]);
                rows_in[c].push_back(static_cast<I>(i));
            }
        }
        for (std::size_t c = 0; c < C; ++c) {
            const I lo = split[c], hi = split[c + 1];
            const std::vector<I>& list = rows_in[c];
            b.block_seg[r * C + c] = segments;
            put(b.seg_row, segments, list.data(), list.size());
            grow_to(b.seg_ptr, segments + list.size());
            // Pieces contiguous in A (consecutive rows wholly in this block, most rows) are
            // copied as one run [run_k, run_e) when the next piece does not continue it.
            std::size_t run_k = 0, run_e = 0;
            const auto copy_run = [&] {
                put(b.idx, stored, col + run_k, run_e - run_k);
                put(b.val, stored, value + run_k, run_e - run_k);
                stored += run_e - run_k;
            };
            for (const I row : list) {
                auto k = at(ptr[at(row)]), e = at(ptr[at(row) + 1]);
                if (col[k] < lo) k = static_cast<std::size_t>(std::lower_bound(col + k, col + e, lo) - col);
                if (col[e - 1] >= hi) e = static_cast<std::size_t>(std::lower_bound(col + k, col + e, hi) - col);
                if (k != run_e) copy_run(), run_k = k;
                b.seg_ptr[segments++] = static_cast<I>(stored + (k - run_k));
                run_e = e;
            }
            copy_run();
        }
    }
    b.block_seg[P] = segments;
    b.seg_row.resize(segments);
    b.seg_ptr.resize(segments);
    b.seg_ptr.push_back(static_cast<I>(nnz));
    b.idx.resize(stored), b.val.resize(stored); // stored == nnz: cuts what grow_to made beyond it
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
