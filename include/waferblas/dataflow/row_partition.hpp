// waferblas/dataflow/row_partition.hpp — the nnz-balanced 1D split behind placement::row_blocks
// (and, with a cost per row added, behind the CPU free functions' SpMV).
//
// PE p owns nonzeros [nz_begin[p], nz_begin[p+1]) in CSR order and writes y for rows
// [row_begin[p], row_begin[p+1]). A boundary falls on a row boundary when one is near (within an
// eighth of the per-PE target), otherwise inside the row: then the row is split, the PEs before its
// owner compute partial sums ("carries") and the owner adds them in PE order, so results are
// deterministic for a given PE count. Computing the split reads only the row pointer: O(P log rows).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "../core/scalar.hpp"

namespace waferblas {

namespace detail {
/// floor(q * total / parts), exact and without overflow while (total % parts) * q fits 64 bits
/// (always, for PE counts up to 2^26 and 64-bit sizes).
[[nodiscard]] constexpr std::size_t proportional(std::size_t q, std::size_t total, std::size_t parts) noexcept {
    return (total / parts) * q + ((total % parts) * q) / parts;
}
} // namespace detail

template <index I>
struct row_partition {
    std::vector<I> nz_begin;  ///< P+1 nonzero boundaries
    std::vector<I> row_begin; ///< P+1 boundaries of the rows whose y each PE writes
    bool splits_rows = false; ///< some row is shared by several PEs (so some PE has a carry)

    [[nodiscard]] std::size_t parts() const noexcept { return nz_begin.size() - 1; }

    /// True when PE p's first row started on an earlier PE: p adds the earlier partial sums.
    [[nodiscard]] bool first_row_shared(std::span<const I> row_ptr, std::size_t p) const noexcept {
        const auto rb = static_cast<std::size_t>(row_begin[p]);
        return rb < static_cast<std::size_t>(row_begin[p + 1]) && row_ptr[rb] < nz_begin[p];
    }
    /// True when PE p computes part of a row owned by a later PE (its carry).
    [[nodiscard]] bool has_carry(std::span<const I> row_ptr, std::size_t p) const noexcept {
        const auto re = static_cast<std::size_t>(row_begin[p + 1]);
        return re + 1 < row_ptr.size() && row_ptr[re] < nz_begin[p + 1];
    }
};

/// Splits the rows of a CSR pattern over `parts` PEs, balancing the work of nonzeros plus
/// `row_cost` nonzeros' worth per row (see file comment). With row_cost = 0, nonzeros alone: the
/// wafer placement, where a PE's time is its AXPYs. The CPU free functions pass a row cost
/// (backend::spmv_row_cost): there a short row with its own y store and loop start costs more per
/// nonzero than a long one, and balancing nonzeros alone gave R-MAT's second half, its short rows,
/// 1.6x the first half's time.
template <index I>
[[nodiscard]] row_partition<I> partition_rows_by_work(std::span<const I> row_ptr, std::size_t parts, std::size_t row_cost) {
    const std::size_t rows = row_ptr.size() - 1;
    const auto nnz = static_cast<std::size_t>(row_ptr.back());
    const std::size_t work = nnz + row_cost * rows;
    row_partition<I> part;
    part.nz_begin.assign(parts + 1, I{0});
    part.row_begin.assign(parts + 1, I{0});
    const double tolerance = static_cast<double>(work) / static_cast<double>(parts) / 8;
    const auto* first = row_ptr.data() + 1;
    const auto* last = row_ptr.data() + row_ptr.size();
    // Work done when row r begins: its nonzeros' offset plus r rows' cost (strictly increasing in r
    // when row_cost > 0, non-decreasing otherwise).
    const auto work_before = [&](std::size_t r) { return static_cast<std::size_t>(row_ptr[r]) + row_cost * r; };
    for (std::size_t p = 1; p < parts; ++p) {
        const std::size_t ideal = detail::proportional(p, work, parts);
        std::size_t k = nnz;
        if (ideal < work) {
            // The row whose work holds `ideal`: the first that ends beyond it.
            std::size_t lo = 0, hi = rows;
            while (lo < hi) {
                const std::size_t mid = lo + (hi - lo) / 2;
                if (work_before(mid + 1) <= ideal) lo = mid + 1;
                else hi = mid;
            }
            const std::size_t i = lo;
            const std::size_t b = work_before(i), e = work_before(i + 1);
            const std::size_t to_begin = ideal - b, to_end = e - ideal;
            const auto row_first = static_cast<std::size_t>(row_ptr[i]), row_end = static_cast<std::size_t>(row_ptr[i + 1]);
            if (static_cast<double>(std::min(to_begin, to_end)) <= tolerance) k = to_begin <= to_end ? row_first : row_end;
            else k = std::min(row_first + to_begin, row_end); // inside the row: it is split
        }
        k = std::max(k, static_cast<std::size_t>(part.nz_begin[p - 1]));
        part.nz_begin[p] = static_cast<I>(k);
        // Owner of the row holding nonzero k: the first row that ends after k.
        part.row_begin[p] = static_cast<I>(std::upper_bound(first, last, static_cast<I>(k)) - first);
    }
    part.nz_begin[parts] = static_cast<I>(nnz);
    part.row_begin[parts] = static_cast<I>(rows);
    for (std::size_t p = 0; p < parts && !part.splits_rows; ++p) part.splits_rows = part.has_carry(row_ptr, p);
    return part;
}

/// Splits the rows of a CSR pattern over `parts` PEs, balancing nonzeros (see file comment).
template <index I>
[[nodiscard]] row_partition<I> partition_rows_by_nnz(std::span<const I> row_ptr, std::size_t parts) {
    return partition_rows_by_work(row_ptr, parts, 0);
}

} // namespace waferblas
