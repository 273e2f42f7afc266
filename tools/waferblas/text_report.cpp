#include "text_report.hpp"

#include <fmt/format.h>

#include "extents.hpp"

namespace waferblas::cli {

namespace {

namespace wm = waferblas::model;

std::string indent(const std::string& text, const char* prefix) {
    std::string out;
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        out += prefix;
        out.append(text, begin, end - begin);
        out += '\n';
        begin = end + 1;
    }
    return out;
}

std::string describe_problem(const problem_info& p, bool vectors = false) {
    if (vectors && p.source == "file") return fmt::format("vectors of length {} (the rows of {})", p.rows, p.file);
    if (vectors && p.source == "stencil")
        return fmt::format("vectors of length {} (the unknowns of {} {})", p.rows, p.stencil, format_extents(p.dims));
    if (p.source == "file") return fmt::format("{} ({}x{}, {:.0f} nonzeros)", p.file, p.rows, p.cols, p.nnz);
    if (p.source == "stencil") {
        if (p.stencil == wm::to_string(wm::stencil::banded))
            return fmt::format("banded (n={}, b={})", p.rows, p.bandwidth);
        return fmt::format("{} {} ({} unknowns)", p.stencil, format_extents(p.dims), p.rows);
    }
    return fmt::format("vectors of length {}", p.rows);
}

std::string rates(const summary& s) {
    return fmt::format("{:.4g} flop, {:.4g} TFLOP/s = {:.3g}% of machine peak", s.flops, s.flop_per_second / 1e12,
                       100 * s.fraction_of_peak);
}

std::string solver_text(const model_result& r, const summary& s) {
    const wm::solver_report& v = *r.solver;
    const wm::machine& m = r.machine;
    std::string t;
    t += fmt::format("{} on {}: {} iterations, operator {}, {}, grid {}x{}\n", v.solver, v.machine, v.iterations,
                     describe_problem(r.problem), wm::to_string(r.problem.type), s.grid_rows, s.grid_cols);
    t += fmt::format("  time      {:.0f} cycles = {:.4g} us; per iteration {:.0f} cycles = {:.4g} us\n", v.cycles,
                     v.seconds * 1e6, v.cycles_per_iteration, m.seconds(v.cycles_per_iteration) * 1e6);
    t += fmt::format("  rate      {}\n", rates(s));
    t += fmt::format("  iteration {} SpMV x {:.0f} + {} dot x {:.0f} + {} AXPY x {:.0f} + host {:.0f} cycles\n", v.counts.spmvs,
                     v.spmv.cycles, v.counts.dots, v.dot.cycles, v.counts.axpys, v.axpy_cycles, v.host_cycles);
    t += fmt::format("  dot       local {:.0f} + all-reduce {:.0f} (rows: {} {:.0f}, column: {} {:.0f}, broadcast {:.0f})\n",
                     v.dot.local_cycles, v.dot.allreduce_cycles, wm::to_string(v.dot.allreduce.row.algorithm),
                     v.dot.allreduce.row.cycles, wm::to_string(v.dot.allreduce.column.algorithm),
                     v.dot.allreduce.column.cycles, v.dot.allreduce.broadcast);
    t += fmt::format("  memory    max {} of {} bytes per PE ({} resident vectors): {}\n", v.max_pe_memory_bytes,
                     m.sram_bytes_per_pe, v.counts.vectors, v.fits ? std::string("fits") : "DOES NOT FIT: " + v.capacity_message);
    t += fmt::format("  bound     {}: {}\n", wm::to_string(v.bound), v.bound_reason);
    if (s.dense_cycles && *s.dense_cycles > 0)
        t += fmt::format("  dense     {:.0f} cycles with a dense operator{}: sparsity speedup {:.3g}x\n", *s.dense_cycles,
                         v.spmv.dense_fits ? "" : " (would not fit SRAM)", *s.dense_cycles / v.cycles);
    t += "  one SpMV of the operator:\n";
    t += indent(wm::to_text(v.spmv), "  ");
    return t;
}

std::string dot_text(const model_result& r, const summary& s) {
    const wm::dot_estimate& d = *r.dot;
    const wm::machine& m = r.machine;
    std::string t;
    t += fmt::format("dot on {}: {}, {}, grid {}x{}{}\n", m.name, describe_problem(r.problem, true), wm::to_string(r.problem.type),
                     s.grid_rows, s.grid_cols, r.iterations > 1 ? fmt::format(", {} times", r.iterations) : std::string());
    t += fmt::format("  time      {:.0f} cycles = {:.4g} us{}\n", s.cycles, s.seconds * 1e6,
                     r.iterations > 1 ? fmt::format(" ({:.0f} cycles each)", d.cycles) : std::string());
    t += fmt::format("  rate      {}\n", rates(s));
    t += fmt::format("  parts     local {:.0f} + all-reduce {:.0f} (rows: {} {:.0f}, column: {} {:.0f}, broadcast {:.0f})\n",
                     d.local_cycles, d.allreduce_cycles, wm::to_string(d.allreduce.row.algorithm), d.allreduce.row.cycles,
                     wm::to_string(d.allreduce.column.algorithm), d.allreduce.column.cycles, d.allreduce.broadcast);
    t += fmt::format("  memory    max {} of {} bytes per PE: {}\n", s.max_pe_memory_bytes, m.sram_bytes_per_pe,
                     s.fits ? "fits" : "DOES NOT FIT");
    t += fmt::format("  bound     {}: {}\n", wm::to_string(s.bound), s.bound_reason);
    return t;
}

std::string grid_text(const model_result& r, const summary& s) {
    std::string t = fmt::format("  grid      {}x{} ({})", s.grid_rows, s.grid_cols, r.grid.how);
    if (!r.grid.candidates.empty()) {
        t += ", tried";
        for (const auto& c : r.grid.candidates)
            t += fmt::format(" {}x{}:{:.0f}{}", c.rows, c.cols, c.cycles, c.fits ? "" : "(does not fit)");
    }
    t += '\n';
    if (!r.grid.rule.empty()) t += "            rule: " + r.grid.rule + "\n";
    return t;
}

} // namespace

std::string to_text(const model_result& r) {
    const summary s = summarize(r);
    const wm::machine& m = r.machine;
    std::string t;
    if (r.report) {
        t = wm::to_text(*r.report);
        if (r.iterations > 1)
            t += fmt::format("  repeated  {} times: {:.0f} cycles = {:.4g} us\n", r.iterations, s.cycles, s.seconds * 1e6);
    } else if (r.solver) {
        t = solver_text(r, s);
    } else if (r.dot) {
        t = dot_text(r, s);
    }
    t += grid_text(r, s);
    t += fmt::format("  machine   {}: fabric {}x{} ({} PEs), {:.4g} GHz, {} KiB SRAM per PE\n", m.name, m.fabric_width,
                     m.fabric_height, m.pes(), m.clock_hz / 1e9, m.sram_bytes_per_pe / 1024);
    if (!r.svg_file.empty()) t += "  heat map  " + r.svg_file + "\n";
    return t;
}

} // namespace waferblas::cli
