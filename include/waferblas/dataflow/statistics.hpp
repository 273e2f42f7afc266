// waferblas/dataflow/statistics.hpp — per-PE work, memory and traffic of a lowered program.
//
//   auto s = waferblas::compute_statistics(plan.program(), 1);   // or plan.statistics()
//   s.total_tasks;             // == nnz: one AXPY task per nonzero
//   s.pe[grid.index_of({1, 2})].words_received;
//   std::cout << s.summary();
//
// Words are 32-bit fabric words (a double is 2, a complex<double> 4); with `width` right-hand
// columns (SpMM) every task is an AXPY of that length and every message carries `width` values.
// What each placement sends (see placement.hpp):
//   row_blocks    point-to-point: each PE gathers, once, every x entry its nonzeros use that another
//                 PE owns; each PE with a carry sends it to the owner of the split row.
//   checkerboard  multicast: x[j] goes down PE column c if a nonzero of column j lies in a PE of
//                 that column other than PE (0, c), which owns segment c; reduction: every
//                 non-empty block (r, c), c < cols-1, sends the partial sums of its non-empty rows
//                 to PE (r, cols-1), which owns y segment r.
// Zero blocks and empty rows hold no task and send or receive nothing. Bytes held count the
// PE's nonzeros (value + column index), its row pointers or segment headers, and the x and y
// entries it stores. Computing statistics visits no nonzero: O(PEs log PEs) time and O(PEs)
// memory. The counts that need a mark per row or column (distinct x entries gathered or
// multicast) are counted once per program and read from program.traffic() (see program.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "../core/scalar.hpp"
#include "pe_grid.hpp"
#include "placement.hpp"
#include "program.hpp"

namespace waferblas {

struct pe_statistics {
    std::size_t tasks = 0;          ///< AXPY tasks (nonzeros) placed on this PE
    std::size_t rows = 0;           ///< rows of y this PE computes (fully or partially)
    std::size_t flops = 0;          ///< real floating-point operations
    std::size_t bytes_held = 0;     ///< matrix, index and vector data resident on the PE
    std::size_t words_sent = 0;     ///< 32-bit words injected into the fabric
    std::size_t words_received = 0; ///< 32-bit words delivered to the PE
};

struct communication_totals {
    std::size_t multicast_words = 0;           ///< words injected by multicast sources
    std::size_t multicast_deliveries = 0;      ///< words delivered by multicasts (summed over receivers)
    std::size_t reduction_words = 0;           ///< partial-sum words sent towards their owners
    std::size_t point_to_point_words = 0;      ///< gathered x words
    std::size_t word_hops = 0;                 ///< sum over point-to-point and reduction words of their hop distance
};

struct program_statistics {
    pe_grid grid{1, 1};
    waferblas::placement placement = placement::row_blocks;
    std::size_t width = 1;               ///< right-hand columns (1 for SpMV)
    std::size_t value_bytes = 0;         ///< sizeof the scalar type
    std::vector<pe_statistics> pe;       ///< indexed by grid.index_of(coord)
    std::size_t total_tasks = 0, total_flops = 0, active_pes = 0;
    communication_totals comm;

    [[nodiscard]] std::size_t busiest_pe() const noexcept {
        return static_cast<std::size_t>(std::max_element(pe.begin(), pe.end(), [](const auto& a, const auto& b) {
                                            return a.tasks < b.tasks;
                                        }) - pe.begin());
    }
    /// max tasks / mean tasks over all PEs (1 = perfect balance; 0 for an empty program).
    [[nodiscard]] double imbalance() const noexcept {
        if (total_tasks == 0) return 0.0;
        const double mean = static_cast<double>(total_tasks) / static_cast<double>(pe.size());
        return static_cast<double>(pe[busiest_pe()].tasks) / mean;
    }
    [[nodiscard]] std::size_t max_bytes_held() const noexcept {
        std::size_t m = 0;
        for (const auto& s : pe) m = std::max(m, s.bytes_held);
        return m;
    }

    /// A few lines a person can read: totals, balance, traffic and the busiest PE.
    [[nodiscard]] std::string summary() const {
        char buf[1024];
        const auto b = busiest_pe();
        const auto bc = grid.coord_of(b);
        std::size_t sent = 0, recv = 0;
        for (const auto& s : pe) sent += s.words_sent, recv += s.words_received;
        std::snprintf(buf, sizeof buf,
                      "grid %zux%zu (%zu PEs, %zu active), placement %s, width %zu\n"
                      "  tasks %zu (AXPYs), flops %zu, imbalance %.3f (max/mean tasks)\n"
                      "  busiest PE (%zu,%zu): %zu tasks, %zu bytes held; max bytes held on a PE %zu\n"
                      "  words: sent %zu, received %zu; multicast %zu injected / %zu delivered, reduction %zu, "
                      "point-to-point %zu, word-hops %zu\n",
                      grid.rows(), grid.cols(), grid.size(), active_pes, to_string(placement), width, total_tasks,
                      total_flops, imbalance(), bc.row, bc.col, pe[b].tasks, pe[b].bytes_held, max_bytes_held(), sent,
                      recv, comm.multicast_words, comm.multicast_deliveries, comm.reduction_words,
                      comm.point_to_point_words, comm.word_hops);
        return buf;
    }
};

namespace detail {

template <scalar T, index I>
void row_blocks_statistics(const sparse_program<T, I>& prog, program_statistics& st) {
    const auto A = prog.row_blocks();
    const auto& part = prog.partition();
    const traffic_counts& t = prog.traffic();
    const pe_grid& g = prog.grid();
    const std::size_t P = g.size(), w = st.width, wpv = words_per_value<T>;
    const auto at = [&](std::size_t chain) -> pe_statistics& { return st.pe[g.index_of(g.snake_coord(chain))]; };
    for (std::size_t p = 0; p < P; ++p) {
        auto& s = at(p);
        const auto kb = static_cast<std::size_t>(part.nz_begin[p]), ke = static_cast<std::size_t>(part.nz_begin[p + 1]);
        const auto rb = static_cast<std::size_t>(part.row_begin[p]), re = static_cast<std::size_t>(part.row_begin[p + 1]);
        const bool carry = part.has_carry(A.row_ptr, p);
        s.tasks = ke - kb;
        s.rows = (re - rb) + (carry ? 1 : 0);
        // Gathers: every distinct x entry p uses that another PE owns arrives once, from its owner.
        s.words_received += t.x_gathered[p] * w * wpv;
        s.words_sent += t.x_served[p] * w * wpv;
        st.comm.point_to_point_words += t.x_gathered[p] * w * wpv;
        st.comm.word_hops += w * wpv * t.gather_hops[p];
        if (carry) {
            // The split row's owner is the first PE after p that owns rows: the PEs between own
            // none and start at that row too, so it is the last PE whose rows start there.
            const std::size_t owner = static_cast<std::size_t>(std::upper_bound(part.row_begin.begin(), part.row_begin.end(),
                                                                                part.row_begin[p + 1]) -
                                                               part.row_begin.begin()) - 1;
            s.words_sent += w * wpv;
            at(owner).words_received += w * wpv;
            st.comm.reduction_words += w * wpv;
            st.comm.word_hops += w * wpv * pe_grid::hops(g.snake_coord(owner), g.snake_coord(p));
        }
        s.bytes_held = s.tasks * (sizeof(T) + sizeof(I)) + (re - rb + 1) * sizeof(I) +
                       (t.x_used[p] + s.rows) * w * sizeof(T);
    }
}

template <scalar T, index I>
void checkerboard_statistics(const sparse_program<T, I>& prog, program_statistics& st) {
    const auto& b = prog.blocks();
    const pe_grid& g = prog.grid();
    const std::size_t R = g.rows(), C = g.cols(), w = st.width, wpv = words_per_value<T>;
    for (std::size_t c = 0; c < C; ++c) {
        const auto cb = static_cast<std::size_t>(b.col_split[c]), ce = static_cast<std::size_t>(b.col_split[c + 1]);
        // Columns of segment c that hold a nonzero outside PE row 0 are the x entries multicast down.
        const std::size_t len = prog.traffic().multicast_len[c];
        std::size_t receivers = 0;
        for (std::size_t r = 1; r < R; ++r) {
            if (b.block_nnz(r * C + c) == 0) continue;
            ++receivers;
            st.pe[r * C + c].words_received += len * w * wpv;
            st.pe[r * C + c].bytes_held += len * w * sizeof(T);
        }
        if (receivers > 0) {
            st.pe[c].words_sent += len * w * wpv;
            st.comm.multicast_words += len * w * wpv;
            st.comm.multicast_deliveries += receivers * len * w * wpv;
        }
        st.pe[c].bytes_held += (ce - cb) * w * sizeof(T); // PE (0, c) owns x segment c
    }
    for (std::size_t r = 0; r < R; ++r) {
        const std::size_t owner = r * C + (C - 1);
        st.pe[owner].bytes_held += static_cast<std::size_t>(b.row_split[r + 1] - b.row_split[r]) * w * sizeof(T);
        for (std::size_t c = 0; c < C; ++c) {
            const std::size_t p = r * C + c;
            auto& s = st.pe[p];
            const std::size_t segments = b.block_seg[p + 1] - b.block_seg[p];
            s.tasks = b.block_nnz(p);
            s.rows = segments;
            s.bytes_held += s.tasks * (sizeof(T) + sizeof(I)) + segments * 2 * sizeof(I);
            if (c + 1 < C && segments > 0) {
                s.bytes_held += segments * w * sizeof(T); // partial sums before they leave
                s.words_sent += segments * w * wpv;
                st.pe[owner].words_received += segments * w * wpv;
                st.comm.reduction_words += segments * w * wpv;
                st.comm.word_hops += segments * w * wpv * (C - 1 - c);
            }
        }
    }
}

/// Throws overflow_error unless every count of a program with `width` dense columns fits a
/// std::size_t. Each count is at most width x words (or bytes, or flops) per value x an entry count
/// (nonzeros, rows or columns) x hops or receivers (fewer than R + C): that bound is checked.
template <scalar T, index I>
void check_counts_fit(const sparse_program<T, I>& prog, std::size_t width) {
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    const std::size_t factors[] = {prog.nnz() + static_cast<std::size_t>(prog.rows()) + static_cast<std::size_t>(prog.cols()) + 1,
                                   prog.grid().rows() + prog.grid().cols(), std::max<std::size_t>(sizeof(T), flops_per_fma<T>), width};
    std::size_t bound = 1;
    for (const std::size_t f : factors) {
        if (f != 0 && bound > max / f)
            throw overflow_error("compute_statistics: " + std::to_string(width) + " dense columns of a " + std::to_string(prog.rows()) +
                                 "x" + std::to_string(prog.cols()) + " operator with " + std::to_string(prog.nnz()) + " nonzeros on " +
                                 std::to_string(prog.grid().rows()) + "x" + std::to_string(prog.grid().cols()) +
                                 " PEs: its byte, word and flop counts would overflow 64 bits");
        bound *= f;
    }
}

} // namespace detail

template <scalar T, index I>
[[nodiscard]] program_statistics compute_statistics(const sparse_program<T, I>& prog, std::size_t width) {
    detail::check_counts_fit(prog, width);
    program_statistics st;
    st.grid = prog.grid();
    st.placement = prog.placement();
    st.width = width;
    st.value_bytes = sizeof(T);
    st.pe.assign(prog.grid().size(), pe_statistics{});
    if (prog.placement() == placement::row_blocks) detail::row_blocks_statistics(prog, st);
    else detail::checkerboard_statistics(prog, st);
    for (auto& s : st.pe) {
        s.flops = s.tasks * width * flops_per_fma<T>;
        st.total_tasks += s.tasks;
        st.total_flops += s.flops;
        if (s.tasks > 0) ++st.active_pes;
    }
    return st;
}

} // namespace waferblas
