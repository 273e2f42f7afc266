// waferblas/model/solvers.hpp — the cost of Krylov solver iterations and of distributed dot products.
//
//   namespace wm = waferblas::model;
//   wm::solver_options so; so.iterations = 100; so.residual_to_host = true;
//   auto cg = wm::estimate_cg(wm::structured_problem{wm::stencil::star7_3d, 750, 994, 740}, wm::wse2(), so);
//   auto bi = wm::estimate_bicgstab(plan, wm::wse2(), so);      // any spmv_plan
//   auto d = wm::estimate_dot(1e6, waferblas::pe_grid{994, 750}, wm::dtype::fp32, wm::wse2());
//
// Per iteration (counts pinned by unit tests):
//   CG (Hestenes-Stiefel): 1 SpMV (A p), 2 dots (p.Ap, r.r), 3 AXPYs (x += a p, r -= a Ap,
//     p = r + b p); resident vectors x, r, p, Ap.
//   BiCGStab: 2 SpMVs (v = A p, t = A s), 5 dots (r.r, r.v, t.s, t.t, r0.r, as in the csl-examples
//     bicgstab benchmark, facts §2), 6 AXPYs (p = r + b(p - w v): 2, s = r - a v, x += a p + w s: 2,
//     r = s - w t); resident vectors x, r, r0, p, v, s, t.
// A dot is a local dot product (one task per PE over its n/PEs entries, reading x and y) followed by
// a 2D all-reduce of one value over the whole grid (allreduce_2d). An AXPY is one task per PE of n/PEs
// FMACs. Vectors are spread evenly over the grid's PEs; moving the SpMV's output layout into its input
// layout between iterations is not modelled (for checkerboard plans it would add a transpose).
// residual_to_host: every iteration also sends the residual norm to the host and waits for its
// reply (one host latency plus the transfer). Phases run in series: each dot's all-reduce is a
// global synchronisation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "../core/error.hpp"
#include "../dataflow/pe_grid.hpp"
#include "../dataflow/plan.hpp"
#include "communication.hpp"
#include "compute.hpp"
#include "estimate.hpp"
#include "machine.hpp"
#include "report.hpp"
#include "structured.hpp"

namespace waferblas::model {

struct dot_estimate {
    double local_cycles = 0;     ///< the busiest PE's local dot
    double allreduce_cycles = 0; ///< 2D all-reduce of one value
    allreduce_2d_cost allreduce;
    double cycles = 0;
};

/// A dot product of two length-n vectors spread evenly over `grid`, ending with the result on every PE.
[[nodiscard]] inline dot_estimate estimate_dot(double n, const pe_grid& grid, dtype t, const machine& m) {
    if (!(n >= 0) || !std::isfinite(n))
        throw invalid_argument_error("estimate_dot: the vector length must be finite and >= 0 (is " + std::to_string(n) + ")");
    m.validate();
    detail::check_grid_fits(grid, m);
    const double local = std::ceil(n / static_cast<double>(grid.size()));
    dot_estimate d;
    d.local_cycles = task_cycles(local, t, m, dot_access);
    d.allreduce = allreduce_2d(static_cast<double>(wavelets_of(t)), grid.rows(), grid.cols(), m);
    d.allreduce_cycles = d.allreduce.cycles;
    d.cycles = d.local_cycles + d.allreduce_cycles;
    return d;
}

struct solver_options {
    std::size_t iterations = 1;
    bool residual_to_host = false; ///< send the residual norm to the host every iteration
    estimate_options estimate;     ///< passed to the SpMV estimate
};

/// Per-iteration operation counts of a solver.
struct solver_counts {
    std::size_t spmvs, dots, axpys, vectors;
};
inline constexpr solver_counts cg_counts{1, 2, 3, 4};
inline constexpr solver_counts bicgstab_counts{2, 5, 6, 7};

struct solver_report {
    std::string solver;           ///< "cg" or "bicgstab"
    std::string machine, op;
    std::size_t iterations = 0;
    solver_counts counts{0, 0, 0, 0};
    report spmv;                  ///< one SpMV of the operator
    dot_estimate dot;             ///< one dot product
    double axpy_cycles = 0;       ///< one AXPY
    double host_cycles = 0;       ///< per iteration (residual_to_host)
    double cycles_per_iteration = 0, cycles = 0, seconds = 0;
    double flops = 0, flop_per_second = 0, fraction_of_peak = 0;
    std::size_t max_pe_memory_bytes = 0;
    bool fits = true;
    std::string capacity_message;
    bound_kind bound = bound_kind::compute;
    std::string bound_reason;
};

namespace detail {

[[nodiscard]] inline solver_report estimate_solver(const char* name, const solver_counts& k, report spmv, double n,
                                                   const machine& m, const solver_options& o) {
    const pe_grid grid{spmv.grid_rows, spmv.grid_cols};
    const dtype t = spmv.type;
    solver_report s;
    s.solver = name;
    s.machine = m.name;
    s.op = spmv.op;
    s.iterations = o.iterations;
    s.counts = k;
    s.dot = estimate_dot(n, grid, t, m);
    const double local = std::ceil(n / static_cast<double>(grid.size()));
    s.axpy_cycles = task_cycles(local, t, m, axpy_access);
    s.host_cycles = o.residual_to_host ? host_cycles(static_cast<double>(bytes_of(t)), m) : 0.0;
    const double spmv_total = static_cast<double>(k.spmvs) * spmv.cycles;
    const double dot_total = static_cast<double>(k.dots) * s.dot.cycles;
    const double axpy_total = static_cast<double>(k.axpys) * s.axpy_cycles;
    s.cycles_per_iteration = spmv_total + dot_total + axpy_total + s.host_cycles;
    const double iters = static_cast<double>(o.iterations);
    s.cycles = iters * s.cycles_per_iteration;
    s.seconds = m.seconds(s.cycles);
    s.flops = iters * (static_cast<double>(k.spmvs) * spmv.flops + static_cast<double>(k.dots + k.axpys) * n * flops_per_fmac(t));
    s.flop_per_second = s.seconds > 0 ? s.flops / s.seconds : 0.0;
    s.fraction_of_peak = s.flop_per_second / m.peak_flop_per_second(t);
    // The SpMV's report holds its x and y; the other vectors come on top, evenly spread.
    const std::size_t extra = saturating_size(static_cast<double>(k.vectors - 2) * local * static_cast<double>(bytes_of(t)));
    s.max_pe_memory_bytes = saturating_add(spmv.max_pe_memory_bytes, extra);
    s.fits = s.max_pe_memory_bytes <= m.sram_bytes_per_pe;
    if (!s.fits) {
        const auto& b = spmv.pe_memory_bytes;
        const auto worst = static_cast<std::size_t>(std::max_element(b.begin(), b.end()) - b.begin());
        s.capacity_message = "PE (" + std::to_string(worst / spmv.grid_cols) + "," + std::to_string(worst % spmv.grid_cols) +
                             ") needs " + std::to_string(s.max_pe_memory_bytes) + " bytes (operator " +
                             std::to_string(spmv.max_pe_memory_bytes) + " + " + std::to_string(k.vectors - 2) +
                             " more vectors " + std::to_string(extra) + "), " +
                             std::to_string(s.max_pe_memory_bytes - m.sram_bytes_per_pe) + " more than its " +
                             std::to_string(m.sram_bytes_per_pe) + "-byte SRAM";
    }
    // The bound: capacity, else the largest share of an iteration.
    const double share[] = {spmv_total, dot_total, axpy_total, s.host_cycles};
    const auto top = static_cast<std::size_t>(std::max_element(std::begin(share), std::end(share)) - std::begin(share));
    // (An empty operator on one PE has an iteration of 0 cycles: 0%, not 0/0.)
    const auto pct = [&](double v) {
        return std::to_string(static_cast<long long>(s.cycles_per_iteration > 0 ? 100 * v / s.cycles_per_iteration + 0.5 : 0.0)) + "%";
    };
    if (!s.fits) s.bound = bound_kind::capacity, s.bound_reason = s.capacity_message;
    else if (top == 0) s.bound = spmv.bound, s.bound_reason = "SpMVs take " + pct(spmv_total) + " of an iteration; SpMV: " + spmv.bound_reason;
    else if (top == 1) {
        const bool lat = s.dot.allreduce_cycles >= s.dot.local_cycles;
        s.bound = lat ? bound_kind::latency : bound_kind::compute;
        s.bound_reason = "dot products take " + pct(dot_total) + " of an iteration" +
                         (lat ? ", mostly their whole-grid all-reduce" : ", mostly their local part");
    } else if (top == 2) {
        s.bound = task_body(local, t, m, axpy_access).port_bound() ? bound_kind::memory_port : bound_kind::compute;
        s.bound_reason = "AXPYs take " + pct(axpy_total) + " of an iteration";
    } else {
        s.bound = bound_kind::host_io;
        s.bound_reason = "the residual's host round trip takes " + pct(s.host_cycles) + " of an iteration";
    }
    s.spmv = std::move(spmv);
    return s;
}

} // namespace detail

/// CG iterations with the structured operator p.
[[nodiscard]] inline solver_report estimate_cg(const structured_problem& p, const machine& m, const solver_options& o = {}) {
    return detail::estimate_solver("cg", cg_counts, estimate(p, m, o.estimate), p.unknowns(), m, o);
}
/// BiCGStab iterations with the structured operator p.
[[nodiscard]] inline solver_report estimate_bicgstab(const structured_problem& p, const machine& m, const solver_options& o = {}) {
    return detail::estimate_solver("bicgstab", bicgstab_counts, estimate(p, m, o.estimate), p.unknowns(), m, o);
}
/// CG iterations with a general matrix, as lowered by `plan` (square operators).
template <scalar T, index I>
[[nodiscard]] solver_report estimate_cg(const spmv_plan<T, I>& plan, const machine& m, const solver_options& o = {}) {
    if (plan.rows() != plan.cols()) throw dimension_error("estimate_cg: the operator must be square");
    return detail::estimate_solver("cg", cg_counts, estimate(plan, m, o.estimate), static_cast<double>(plan.rows()), m, o);
}
/// BiCGStab iterations with a general matrix, as lowered by `plan` (square operators).
template <scalar T, index I>
[[nodiscard]] solver_report estimate_bicgstab(const spmv_plan<T, I>& plan, const machine& m, const solver_options& o = {}) {
    if (plan.rows() != plan.cols()) throw dimension_error("estimate_bicgstab: the operator must be square");
    return detail::estimate_solver("bicgstab", bicgstab_counts, estimate(plan, m, o.estimate), static_cast<double>(plan.rows()), m, o);
}

} // namespace waferblas::model
