// waferblas/model/estimate.hpp — predicting a plan's cycles, memory and traffic on a wafer.
//
//   namespace wm = waferblas::model;
//   auto plan = waferblas::plan_spmv(A, waferblas::pe_grid{8, 8}, waferblas::placement::checkerboard);
//   wm::report r = wm::estimate(plan, wm::wse2());
//   r.cycles; r.seconds; r.fits; r.bound; r.dense_cycles / r.cycles;
//   auto rm = wm::estimate(spmm_plan, wm::wse3(), 16);          // SpMM with 16 right-hand columns
//
// The estimate walks the plan's lowered program once and never builds tasks: O(nnz + rows + PEs log
// PEs) time and O(PEs) memory (per-PE vectors; the distinct-x and distinct-row counts that would
// need a mark per row or column are counted once per program, see sparse_program::traffic()).
// Tasks (compute.hpp): SpMV runs one task per row piece a PE holds (a checkerboard segment or a
// row_blocks row, clipped to the PE's nonzeros), of length = its nonzeros; SpMM runs one AXPY task
// per nonzero, of length = the right-hand width. Communication (communication.hpp) and the overlap
// rule per placement:
//   checkerboard  x segment c is multicast down PE column c to the last PE row holding a nonzero of
//                 it (broadcast(B, rows reached)); a PE finishes at max(its column's multicast, its
//                 compute), since its tasks fire as x arrives; each PE row then reduces its partial
//                 sums (B = distinct non-empty rows x width x wavelets, P = PEs from the first
//                 non-empty block to the owner) with best_reduce (end-rooted: the owner is the
//                 last PE of the span, so root_policy::end_only). cycles = max over PE rows of
//                 (max over the row's PEs of finish) + that row's reduction.
//   row_blocks    every PE gathers its off-PE x entries at once (a point-to-point pattern: C = most
//                 words a PE sends or receives, E = word-hops, L = the farthest owner, N = mesh
//                 links), overlapped with compute; split rows are then reduced along the chain.
//                 cycles = max(gather, busiest compute) + slowest split-row reduction.
// Optionally the host sends x and receives y (estimate_options::include_host_io), in series.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "../dataflow/plan.hpp"
#include "../dataflow/program.hpp"
#include "../dataflow/statistics.hpp"
#include "communication.hpp"
#include "compute.hpp"
#include "dtype.hpp"
#include "finish.hpp"
#include "machine.hpp"
#include "report.hpp"

namespace waferblas::model {

struct estimate_options {
    std::size_t top_k = 8;                       ///< busiest PEs listed in the report
    bool include_host_io = false;                ///< add sending x and receiving y through the host link
    std::size_t reserved_sram_bytes_per_pe = 0;  ///< code, stack and runtime space counted against SRAM
    bool dense_counterpart = true;               ///< also estimate the dense operation on the same grid
};

enum class operation_kind { spmv, spmm };

namespace detail {

inline void check_grid_fits(const pe_grid& g, const machine& m) {
    if (g.cols() > m.fabric_width || g.rows() > m.fabric_height)
        throw capacity_error("model: a grid of " + std::to_string(g.rows()) + " PE rows x " + std::to_string(g.cols()) +
                             " PE columns does not fit machine '" + m.name + "', whose fabric is " +
                             std::to_string(m.fabric_width) + " PEs wide x " + std::to_string(m.fabric_height) + " high");
}

/// Host transfer of `bytes` plus one host latency, in cycles.
[[nodiscard]] inline double host_cycles(double bytes, const machine& m) noexcept {
    return m.cycles_of_seconds(bytes / m.host_io_bytes_per_second + m.host_latency_seconds);
}

struct dense_estimate {
    double cycles = 0, flops = 0;
    bool fits = true;
};

/// The dense counterpart on an R x C grid, in the wafer's GEMV layout (facts §2): PE (r, c) holds a
/// ceil(rows/R) x ceil(cols/C) block; SpMV-like: one AXPY per block column of length rb (the
/// single-tile-matvec), SpMM-like: one AXPY per block entry of length width; x multicast down the
/// PE columns, overlapped; partial y reduced along PE rows into its owner with best_reduce (end_only).
[[nodiscard]] inline dense_estimate dense_checkerboard(double rows, double cols, double width, operation_kind kind,
                                                       std::size_t R, std::size_t C, dtype t, const machine& m,
                                                       std::size_t reserved) {
    const double rb = std::ceil(rows / static_cast<double>(R)), cb = std::ceil(cols / static_cast<double>(C));
    pe_work w;
    if (kind == operation_kind::spmm) w.add_tasks(rb * cb, width, t, m);
    else w.add_tasks(cb, rb, t, m);
    const double wpv = static_cast<double>(wavelets_of(t));
    const double mc = broadcast(cb * width * wpv, R, m.ramp_latency_cycles);
    const double red = best_reduce(rb * width * wpv, C, m, root_policy::end_only).cycles;
    dense_estimate d;
    d.cycles = std::max(mc, w.cycles) + red;
    d.flops = rows * cols * width * flops_per_fmac(t);
    const double bytes = (rb * cb + (rb + cb) * width) * static_cast<double>(bytes_of(t)) + static_cast<double>(reserved);
    d.fits = bytes <= static_cast<double>(m.sram_bytes_per_pe);
    return d;
}

/// Fraction of a set of communication phases that is size-independent.
struct comm_sum {
    double cycles = 0, latency = 0;
    void add(double c, double l) noexcept { cycles += c, latency += l; }
    [[nodiscard]] double fraction() const noexcept { return cycles > 0 ? latency / cycles : 0.0; }
};

template <scalar T, index I>
[[nodiscard]] report estimate_program(const sparse_program<T, I>& prog, std::size_t width, operation_kind kind,
                                      const machine& m, const estimate_options& o) {
    m.validate();
    const pe_grid& g = prog.grid();
    check_grid_fits(g, m);
    if (width == 0) throw invalid_argument_error("model::estimate: the SpMM right-hand width must be at least 1");
    constexpr dtype t = dtype_of<T>;
    (void)m.fmac_per_cycle(t); // throws if the machine does not support the type
    const program_statistics st = compute_statistics(prog, width);
    const std::size_t R = g.rows(), C = g.cols(), P = g.size();
    const double T_R = m.ramp_latency_cycles, wd = static_cast<double>(width), wpv = static_cast<double>(wavelets_of(t));

    report r;
    r.machine = m.name;
    r.op = kind == operation_kind::spmv ? "spmv" : "spmm(" + std::to_string(width) + ")";
    if (prog.operation() != op::none) r.op += std::string(" op=") + to_string(prog.operation());
    r.placement = to_string(prog.placement());
    r.grid_rows = R, r.grid_cols = C;
    r.type = t;
    r.width = width;
    r.rows = static_cast<std::size_t>(prog.rows()), r.cols = static_cast<std::size_t>(prog.cols());
    r.nnz = static_cast<double>(prog.nnz());
    r.pe_compute_cycles.assign(P, 0.0);
    r.pe_memory_bytes.resize(P);
    r.pe_traffic_words.resize(P);
    for (std::size_t p = 0; p < P; ++p) {
        r.pe_memory_bytes[p] = saturating_add(st.pe[p].bytes_held, o.reserved_sram_bytes_per_pe);
        r.pe_traffic_words[p] = static_cast<double>(st.pe[p].words_sent + st.pe[p].words_received);
    }
    r.flops = static_cast<double>(st.total_flops);
    r.comm.multicast_words = static_cast<double>(st.comm.multicast_words);
    r.comm.reduction_words = static_cast<double>(st.comm.reduction_words);
    r.comm.point_to_point_words = static_cast<double>(st.comm.point_to_point_words);
    r.comm.word_hops = static_cast<double>(st.comm.word_hops);

    std::vector<pe_work> work(P);
    const auto add_piece = [&](pe_work& w, std::size_t len) {
        if (len == 0) return;
        if (kind == operation_kind::spmv) w.add_tasks(1, static_cast<double>(len), t, m);
        else w.add_tasks(static_cast<double>(len), wd, t, m);
    };
    const auto note_reduction = [&](const reduction_choice& c, double B, std::size_t pes) {
        if (c.cycles > r.comm.reduction_cycles)
            r.comm.reduction_cycles = c.cycles, r.comm.reduction_algorithm = c.algorithm, r.comm.reduction_wavelets = B,
            r.comm.reduction_pes = pes;
    };

    double cycles = 0;
    comm_sum exposed; // communication phases on the critical path
    double comp_max = 0;

    if (prog.placement() == placement::row_blocks) {
        const auto A = prog.row_blocks();
        const auto& part = prog.partition();
        const std::size_t cols = r.cols;
        double longest_route = 0;
        for (std::size_t p = 0; p < P; ++p) {
            const pe_coord pc = g.snake_coord(p);
            pe_work& w = work[g.index_of(pc)];
            const auto kb = static_cast<std::size_t>(part.nz_begin[p]), ke = static_cast<std::size_t>(part.nz_begin[p + 1]);
            const auto rb = static_cast<std::size_t>(part.row_begin[p]), re = static_cast<std::size_t>(part.row_begin[p + 1]);
            const std::size_t last = part.has_carry(A.row_ptr, p) ? re + 1 : re;
            for (std::size_t i = rb; i < last; ++i) {
                const std::size_t s = std::max(static_cast<std::size_t>(A.row_ptr[i]), kb);
                const std::size_t e = std::min(static_cast<std::size_t>(A.row_ptr[i + 1]), ke);
                if (e > s) add_piece(w, e - s);
            }
            if (ke == kb) continue;
            // Farthest x owner: owners are monotone in the column, so they lie in the chain range
            // [owner(min col), owner(max col)]; its bounding box on the grid bounds the route.
            std::size_t jmin = cols, jmax = 0;
            for (std::size_t k = kb; k < ke; ++k) {
                const auto j = static_cast<std::size_t>(A.col_idx[k]);
                jmin = std::min(jmin, j), jmax = std::max(jmax, j);
            }
            const std::size_t o1 = prog.x_owner(jmin), o2 = prog.x_owner(jmax);
            const pe_coord a = g.snake_coord(o1), b = g.snake_coord(o2);
            const std::size_t c_lo = a.row == b.row ? std::min(a.col, b.col) : 0;
            const std::size_t c_hi = a.row == b.row ? std::max(a.col, b.col) : C - 1;
            for (std::size_t row : {a.row, b.row})
                for (std::size_t col : {c_lo, c_hi})
                    longest_route = std::max(longest_route, static_cast<double>(pe_grid::hops(pc, {row, col})));
        }
        double busiest_words = 0;
        for (const auto& s : st.pe)
            busiest_words = std::max(busiest_words, static_cast<double>(std::max(s.words_sent, s.words_received)));
        const pattern gather =
            point_to_point_pattern(busiest_words, static_cast<double>(st.comm.word_hops), longest_route, mesh_links(R, C));
        r.comm.point_to_point_cycles = model::cycles(gather, T_R);
        const double gather_latency = latency_part(gather, T_R);
        // Split rows: the PEs q..p sharing a row reduce their carries into its owner p.
        reduction_choice slowest{};
        double slowest_latency = 0;
        for (std::size_t p = 0; p < P; ++p) {
            if (!part.first_row_shared(A.row_ptr, p)) continue;
            const I row = part.row_begin[p];
            std::size_t q = p;
            while (q > 0 && part.row_begin[q] == row) --q;
            const std::size_t span = p - q + 1;
            const reduction_choice c = best_reduce(wd * wpv, span, m, root_policy::end_only);
            note_reduction(c, wd * wpv, span);
            if (c.cycles > slowest.cycles) slowest = c, slowest_latency = reduce_cycles(c.algorithm, 0, span, m);
        }
        for (const auto& w : work) comp_max = std::max(comp_max, w.cycles);
        cycles = std::max(r.comm.point_to_point_cycles, comp_max) + slowest.cycles;
        if (r.comm.point_to_point_cycles > comp_max) exposed.add(r.comm.point_to_point_cycles, gather_latency);
        exposed.add(slowest.cycles, slowest_latency);
        r.critical_path = "max(gather x point-to-point, busiest PE compute) + slowest split-row reduction";
    } else {
        const auto& b = prog.blocks();
        for (std::size_t p = 0; p < P; ++p)
            for (std::size_t s = b.block_seg[p]; s < b.block_seg[p + 1]; ++s)
                add_piece(work[p], static_cast<std::size_t>(b.seg_ptr[s + 1] - b.seg_ptr[s]));
        // Multicast down each PE column: the x entries needed below PE row 0 (counted at lowering).
        const traffic_counts& tc = prog.traffic();
        std::vector<double> mc(C, 0.0), mc_latency(C, 0.0);
        for (std::size_t c = 0; c < C; ++c) {
            const auto len = static_cast<double>(tc.multicast_len[c]);
            std::size_t reach = 0; // last PE row with a nonzero in this column block
            for (std::size_t rr = 1; rr < R; ++rr)
                if (b.block_nnz(rr * C + c) > 0) reach = rr;
            if (reach == 0 || len == 0) continue;
            mc[c] = broadcast(len * wd * wpv, reach + 1, T_R);
            mc_latency[c] = broadcast(0, reach + 1, T_R);
            r.comm.multicast_cycles = std::max(r.comm.multicast_cycles, mc[c]);
        }
        // Reduction along each PE row of the distinct rows with partial sums (counted at lowering).
        double critical_finish = -1;
        for (std::size_t rr = 0; rr < R; ++rr) {
            const auto distinct = static_cast<double>(tc.reduced_rows[rr]);
            std::size_t first = C; // first PE column, before the owner's, with a non-empty block
            for (std::size_t c = 0; c + 1 < C; ++c)
                if (b.block_seg[rr * C + c + 1] != b.block_seg[rr * C + c]) {
                    first = c;
                    break;
                }
            reduction_choice red{};
            double red_latency = 0;
            if (first < C) {
                const std::size_t pes = C - first;
                red = best_reduce(distinct * wd * wpv, pes, m, root_policy::end_only);
                red_latency = reduce_cycles(red.algorithm, 0, pes, m);
                note_reduction(red, distinct * wd * wpv, pes);
            }
            double finish = 0, finish_mc = 0, finish_mc_latency = 0;
            for (std::size_t c = 0; c < C; ++c) {
                const double comp = work[rr * C + c].cycles;
                comp_max = std::max(comp_max, comp);
                if (comp <= 0) continue;
                const double f = std::max(mc[c], comp);
                if (f > finish) {
                    finish = f;
                    finish_mc = mc[c] > comp ? mc[c] : 0.0;
                    finish_mc_latency = mc[c] > comp ? mc_latency[c] : 0.0;
                }
            }
            if (finish + red.cycles > critical_finish) {
                critical_finish = finish + red.cycles;
                exposed = {};
                exposed.add(finish_mc, finish_mc_latency);
                exposed.add(red.cycles, red_latency);
            }
        }
        cycles = std::max(critical_finish, 0.0);
        r.critical_path = "max over PE rows of [max over the row's PEs of max(column multicast, compute)] + the row's reduction";
    }

    for (std::size_t p = 0; p < P; ++p) r.pe_compute_cycles[p] = work[p].cycles;
    std::size_t busiest = 0;
    for (std::size_t p = 1; p < P; ++p)
        if (work[p].cycles > work[busiest].cycles) busiest = p;
    r.memory_port_bound = work[busiest].port_bound();

    critical_path path;
    path.compute = comp_max;
    path.communication = std::max(cycles - comp_max, 0.0);
    path.communication_latency = path.communication * exposed.fraction();
    if (o.include_host_io) {
        path.host = host_cycles(static_cast<double>(r.rows + r.cols) * wd * static_cast<double>(bytes_of(t)), m);
        cycles += path.host;
        r.critical_path += " + host I/O (x in, y out)";
    }
    r.comm.latency_cycles = path.communication_latency;
    r.cycles = cycles;
    if (o.dense_counterpart) {
        const auto d = dense_checkerboard(static_cast<double>(r.rows), static_cast<double>(r.cols), wd, kind, R, C, t, m,
                                          o.reserved_sram_bytes_per_pe);
        r.dense_cycles = d.cycles + path.host;
        r.dense_flops = d.flops;
        r.dense_fits = d.fits;
    }
    std::vector<double> tasks(P);
    for (std::size_t p = 0; p < P; ++p) tasks[p] = work[p].tasks;
    finish_report(r, m, tasks, o.top_k, path);
    return r;
}

} // namespace detail

/// Predicts one execution of an SpMV plan (y = op(A) x) on machine m.
template <scalar T, index I>
[[nodiscard]] report estimate(const spmv_plan<T, I>& plan, const machine& m, const estimate_options& o = {}) {
    return detail::estimate_program(plan.program(), 1, operation_kind::spmv, m, o);
}

/// Predicts one execution of an SpMM plan with `rhs_cols` dense right-hand columns on machine m.
template <scalar T, index I>
[[nodiscard]] report estimate(const spmm_plan<T, I>& plan, const machine& m, std::size_t rhs_cols,
                              const estimate_options& o = {}) {
    return detail::estimate_program(plan.program(), rhs_cols, operation_kind::spmm, m, o);
}

} // namespace waferblas::model
