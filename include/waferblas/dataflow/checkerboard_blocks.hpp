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

} // namespace detail

template <scalar T, index I>
[[nodiscard]] checkerboard_blocks<T, I> make_checkerboard_blocks(I cols, std::span<const I> row_ptr,
                                                                  std::span<const I> col_idx, std::span<const T> values,
                                                                  const pe_grid& grid) {
    const std::size_t R = grid.rows(), C = grid.cols(), P = grid.size();
    const std::size_t nnz = col_idx.size();
    checkerboard_blocks<T, I> b;
    b.row_split = detail::balanced_split<I>(row_ptr, R);
    {
        auto col_prefix = detail::large_vector<I>(static_cast<std::size_t>(cols) + 1);
        for (I j : col_idx) ++col_prefix[static_cast<std::size_t>(j) + 1];
        std::partial_sum(col_prefix.begin(), col_prefix.end(), col_prefix.begin());
        b.col_split = detail::balanced_split<I>(col_prefix, C);
    }
    // Column block of column j: a search in the C+1 (cached) boundaries, once per segment, costs
    // less than a per-column table, which is a cache miss per segment and a page fault per 512 columns.
    // Few boundaries are scanned: a call of std::upper_bound cost ~50 instructions on a 2 x 2 grid.
    const I* col_split = b.col_split.data();
    const auto col_block = [&, C](I j) {
        if (C <= 8) {
            std::size_t c = 0;
            while (c + 1 < C && j >= col_split[c + 1]) ++c;
            return c;
        }
        return static_cast<std::size_t>(std::upper_bound(col_split + 1, col_split + C, j) - col_split - 1);
    };

    // Pass 1: count segments and nonzeros per block. Columns are sorted within a row, so a row
    // visits its column blocks in increasing order and each run of one block is one segment.
    std::vector<std::size_t> seg_count(P + 1, 0), nz_count(P + 1, 0);
    auto for_each_segment = [&](auto&& on_segment) {
        for (std::size_t r = 0; r < R; ++r)
            for (auto i = static_cast<std::size_t>(b.row_split[r]); i < static_cast<std::size_t>(b.row_split[r + 1]); ++i) {
                auto k = static_cast<std::size_t>(row_ptr[i]);
                const auto e = static_cast<std::size_t>(row_ptr[i + 1]);
                if (k == e) continue;
                // Most rows lie within one column block: one segment, found without a scan.
                if (const std::size_t c = col_block(col_idx[k]); col_idx[e - 1] < b.col_split[c + 1]) {
                    on_segment(r * C + c, i, k, e);
                    continue;
                }
                while (k < e) {
                    const std::size_t c = col_block(col_idx[k]);
                    const auto end_c = static_cast<I>(b.col_split[c + 1]);
                    std::size_t k_end = k + 1;
                    while (k_end < e && col_idx[k_end] < end_c) ++k_end;
                    on_segment(r * C + c, i, k, k_end);
                    k = k_end;
                }
            }
    };
    for_each_segment([&](std::size_t p, std::size_t, std::size_t k, std::size_t k_end) {
        ++seg_count[p + 1];
        nz_count[p + 1] += k_end - k;
    });
    std::partial_sum(seg_count.begin(), seg_count.end(), seg_count.begin());
    std::partial_sum(nz_count.begin(), nz_count.end(), nz_count.begin());

    // Pass 2: scatter segments into their blocks.
    const std::size_t segments = seg_count[P];
    b.block_seg = seg_count;
    b.seg_row = detail::large_vector<I>(segments);
    b.seg_ptr = detail::large_vector<I>(segments + 1);
    b.idx = detail::large_vector<I>(nnz);
    b.val = detail::large_vector<T>(nnz);
    std::vector<std::size_t> next_seg(seg_count.begin(), seg_count.end() - 1), next_nz(nz_count.begin(), nz_count.end() - 1);
    for_each_segment([&](std::size_t p, std::size_t i, std::size_t k, std::size_t k_end) {
        const std::size_t s = next_seg[p]++;
        std::size_t dst = next_nz[p];
        b.seg_row[s] = static_cast<I>(i);
        b.seg_ptr[s] = static_cast<I>(dst);
        // A plain loop: segments average a few nonzeros, where a memmove call per array costs more.
        for (; k < k_end; ++k, ++dst) {
            b.idx[dst] = col_idx[k];
            b.val[dst] = values[k];
        }
        next_nz[p] = dst;
    });
    b.seg_ptr[segments] = static_cast<I>(nnz);
    return b;
}

} // namespace waferblas
