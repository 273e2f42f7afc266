#include "model_result.hpp"

#include <cmath>

namespace waferblas::cli {

namespace {

/// The iteration of a solver with the dense operator in place of the sparse one.
double dense_iteration_cycles(const model::solver_report& s) {
    return static_cast<double>(s.counts.spmvs) * s.spmv.dense_cycles + static_cast<double>(s.counts.dots) * s.dot.cycles +
           static_cast<double>(s.counts.axpys) * s.axpy_cycles + s.host_cycles;
}

} // namespace

summary summarize(const model_result& r) {
    summary s;
    const model::machine& m = r.machine;
    const auto n = static_cast<double>(r.iterations);
    if (r.report) {
        const model::report& p = *r.report;
        s.grid_rows = p.grid_rows, s.grid_cols = p.grid_cols;
        s.cycles_per_iteration = p.cycles;
        s.cycles = n * p.cycles;
        s.seconds = n * p.seconds;
        s.flops = n * p.flops;
        s.flop_per_second = p.flop_per_second;
        s.fraction_of_peak = p.fraction_of_peak;
        s.bound = p.bound, s.bound_reason = p.bound_reason;
        s.max_pe_memory_bytes = p.max_pe_memory_bytes;
        s.fits = p.fits;
        s.dense_cycles = n * p.dense_cycles;
    } else if (r.solver) {
        const model::solver_report& p = *r.solver;
        s.grid_rows = p.spmv.grid_rows, s.grid_cols = p.spmv.grid_cols;
        s.cycles_per_iteration = p.cycles_per_iteration;
        s.cycles = p.cycles, s.seconds = p.seconds, s.flops = p.flops;
        s.flop_per_second = p.flop_per_second;
        s.fraction_of_peak = p.fraction_of_peak;
        s.bound = p.bound, s.bound_reason = p.bound_reason;
        s.max_pe_memory_bytes = p.max_pe_memory_bytes;
        s.fits = p.fits;
        s.dense_cycles = static_cast<double>(p.iterations) * dense_iteration_cycles(p);
    } else if (r.dot) {
        const model::dot_estimate& d = *r.dot;
        const model::dtype t = r.problem.type;
        const double length = static_cast<double>(r.problem.rows);
        const double pes = static_cast<double>(r.dot_grid_rows * r.dot_grid_cols);
        s.grid_rows = r.dot_grid_rows, s.grid_cols = r.dot_grid_cols;
        s.cycles_per_iteration = d.cycles;
        s.cycles = n * d.cycles;
        s.seconds = m.seconds(s.cycles);
        s.flops = n * length * model::flops_per_fmac(t);
        s.flop_per_second = s.seconds > 0 ? s.flops / s.seconds : 0.0;
        const double peak = m.peak_flop_per_second(t);
        s.fraction_of_peak = peak > 0 ? s.flop_per_second / peak : 0.0;
        // Both vectors, evenly spread; the same rule the solver estimates use.
        s.max_pe_memory_bytes = static_cast<std::size_t>(2 * std::ceil(length / pes) * static_cast<double>(model::bytes_of(t)));
        s.fits = s.max_pe_memory_bytes <= m.sram_bytes_per_pe;
        if (!s.fits) {
            s.bound = model::bound_kind::capacity;
            s.bound_reason = "the two vectors need " + std::to_string(s.max_pe_memory_bytes) + " bytes per PE, more than its " +
                             std::to_string(m.sram_bytes_per_pe) + "-byte SRAM";
        } else if (d.allreduce_cycles >= d.local_cycles) {
            s.bound = model::bound_kind::latency;
            s.bound_reason = "the whole-grid all-reduce of the result takes longer than the local dot products";
        } else {
            s.bound = model::bound_kind::compute;
            s.bound_reason = "the local dot products take longer than the all-reduce of the result";
        }
    }
    return s;
}

} // namespace waferblas::cli
