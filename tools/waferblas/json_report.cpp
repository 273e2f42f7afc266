#include "json_report.hpp"

#include <waferblas/version.hpp>

namespace waferblas::cli {

namespace {

namespace wm = waferblas::model;
using json = nlohmann::ordered_json;

/// The peak of type t, or null where the machine does not support it.
json peak_or_null(const wm::machine& m, wm::dtype t) {
    if ((t == wm::dtype::fp64 || t == wm::dtype::complex_fp64) && !(m.fmac_per_cycle_fp64 > 0)) return nullptr;
    return m.peak_flop_per_second(t);
}

json to_json(const wm::pe_load& p) {
    return {{"row", p.row},
            {"col", p.col},
            {"compute_cycles", p.compute_cycles},
            {"tasks", p.tasks},
            {"memory_bytes", p.memory_bytes},
            {"traffic_words", p.traffic_words}};
}

json to_json(const wm::communication_report& c) {
    return {{"multicast_cycles", c.multicast_cycles},
            {"reduction_cycles", c.reduction_cycles},
            {"reduction_algorithm", wm::to_string(c.reduction_algorithm)},
            {"reduction_wavelets", c.reduction_wavelets},
            {"reduction_pes", c.reduction_pes},
            {"point_to_point_cycles", c.point_to_point_cycles},
            {"multicast_words", c.multicast_words},
            {"reduction_words", c.reduction_words},
            {"point_to_point_words", c.point_to_point_words},
            {"word_hops", c.word_hops},
            {"latency_cycles", c.latency_cycles}};
}

json to_json(const wm::reduction_choice& c) {
    return {{"algorithm", wm::to_string(c.algorithm)}, {"cycles", c.cycles}};
}

json to_json(const wm::dot_estimate& d) {
    return {{"cycles", d.cycles},
            {"local_cycles", d.local_cycles},
            {"allreduce_cycles", d.allreduce_cycles},
            {"allreduce",
             {{"row", to_json(d.allreduce.row)},
              {"column", to_json(d.allreduce.column)},
              {"broadcast_cycles", d.allreduce.broadcast}}}};
}

json to_json(const problem_info& p) {
    json j = {{"source", p.source}};
    if (p.source == "file") j["file"] = p.file;
    if (p.source == "stencil") {
        j["stencil"] = p.stencil;
        j["dims"] = p.dims;
        if (p.stencil == wm::to_string(wm::stencil::banded)) j["bandwidth"] = p.bandwidth;
    }
    j["rows"] = p.rows;
    j["cols"] = p.cols;
    j["nnz"] = p.nnz;
    j["dtype"] = wm::to_string(p.type);
    j["placement"] = p.placement.empty() ? json(nullptr) : json(p.placement);
    j["rhs"] = p.rhs;
    return j;
}

} // namespace

json to_json(const wm::machine& m) {
    return {{"name", m.name},
            {"fabric_width", m.fabric_width},
            {"fabric_height", m.fabric_height},
            {"pes", m.pes()},
            {"clock_hz", m.clock_hz},
            {"sram_bytes_per_pe", m.sram_bytes_per_pe},
            {"read_bytes_per_cycle", m.read_bytes_per_cycle},
            {"write_bytes_per_cycle", m.write_bytes_per_cycle},
            {"fmac_per_cycle", {{"fp16", m.fmac_per_cycle_fp16}, {"fp32", m.fmac_per_cycle_fp32}, {"fp64", m.fmac_per_cycle_fp64}}},
            {"link_bits", m.link_bits},
            {"hop_latency_cycles", m.hop_latency_cycles},
            {"ramp_latency_cycles", m.ramp_latency_cycles},
            {"colors", m.colors},
            {"host_io_bytes_per_second", m.host_io_bytes_per_second},
            {"host_latency_seconds", m.host_latency_seconds},
            {"memoryx_bytes_per_second", m.memoryx_bytes_per_second},
            {"swarmx_fanout", m.swarmx_fanout},
            {"task_start_cycles", m.task_start_cycles},
            {"peak_flop_per_second",
             {{"fp16", peak_or_null(m, wm::dtype::fp16)},
              {"fp32", peak_or_null(m, wm::dtype::fp32)},
              {"fp64", peak_or_null(m, wm::dtype::fp64)}}},
            {"sram_bytes_per_second", m.sram_bytes_per_second()},
            {"diameter_hops", m.diameter_hops()}};
}

json to_json(const wm::report& r, bool per_pe) {
    json busiest = json::array();
    for (const auto& p : r.busiest) busiest.push_back(to_json(p));
    json j = {{"machine", r.machine},
              {"op", r.op},
              {"placement", r.placement},
              {"grid_rows", r.grid_rows},
              {"grid_cols", r.grid_cols},
              {"dtype", wm::to_string(r.type)},
              {"width", r.width},
              {"rows", r.rows},
              {"cols", r.cols},
              {"nnz", r.nnz},
              {"cycles", r.cycles},
              {"seconds", r.seconds},
              {"flops", r.flops},
              {"flop_per_second", r.flop_per_second},
              {"fraction_of_peak", r.fraction_of_peak},
              {"grid_fraction_of_peak", r.grid_fraction_of_peak},
              {"bound", wm::to_string(r.bound)},
              {"bound_reason", r.bound_reason},
              {"critical_path", r.critical_path},
              {"compute",
               {{"critical_path_cycles", r.compute_cycles},
                {"max_pe_cycles", r.max_compute_cycles},
                {"mean_pe_cycles", r.mean_compute_cycles},
                {"memory_port_bound", r.memory_port_bound}}},
              {"communication_cycles", r.communication_cycles},
              {"host_io_cycles", r.host_io_cycles},
              {"communication", to_json(r.comm)},
              {"max_pe_memory_bytes", r.max_pe_memory_bytes},
              {"sram_bytes_per_pe", r.sram_bytes_per_pe},
              {"fits", r.fits},
              {"capacity_message", r.capacity_message},
              {"dense_cycles", r.dense_cycles},
              {"dense_flops", r.dense_flops},
              {"dense_fits", r.dense_fits},
              {"sparsity_speedup", r.sparsity_speedup},
              {"busiest_pes", std::move(busiest)}};
    if (per_pe)
        j["per_pe"] = {{"compute_cycles", r.pe_compute_cycles},
                       {"memory_bytes", r.pe_memory_bytes},
                       {"traffic_words", r.pe_traffic_words}};
    return j;
}

json to_json(const model_result& r, bool per_pe) {
    const summary s = summarize(r);
    json grid = {{"rows", s.grid_rows}, {"cols", s.grid_cols}, {"pes", s.grid_rows * s.grid_cols}, {"how", r.grid.how}};
    if (!r.grid.rule.empty()) grid["rule"] = r.grid.rule;
    if (!r.grid.candidates.empty()) {
        json c = json::array();
        for (const auto& g : r.grid.candidates)
            c.push_back({{"rows", g.rows}, {"cols", g.cols}, {"cycles", g.cycles}, {"max_pe_memory_bytes", g.max_pe_memory_bytes},
                         {"fits", g.fits}});
        grid["candidates"] = std::move(c);
    }
    json j = {{"tool", {{"name", "waferblas"}, {"version", version_string}}},
              {"machine", r.machine.name},
              {"op", r.op},
              {"problem", to_json(r.problem)},
              {"grid", std::move(grid)},
              {"iterations", r.iterations},
              {"cycles_per_iteration", s.cycles_per_iteration},
              {"cycles", s.cycles},
              {"seconds", s.seconds},
              {"flops", s.flops},
              {"flop_per_second", s.flop_per_second},
              {"fraction_of_peak", s.fraction_of_peak},
              {"bound", wm::to_string(s.bound)},
              {"bound_reason", s.bound_reason},
              {"max_pe_memory_bytes", s.max_pe_memory_bytes},
              {"sram_bytes_per_pe", r.machine.sram_bytes_per_pe},
              {"fits", s.fits},
              {"dense_cycles", s.dense_cycles ? json(*s.dense_cycles) : json(nullptr)},
              {"machine_parameters", to_json(r.machine)}};
    if (r.report) j["report"] = to_json(*r.report, per_pe);
    if (r.solver) {
        const wm::solver_report& v = *r.solver;
        j["solver"] = {{"name", v.solver},
                       {"iterations", v.iterations},
                       {"counts", {{"spmvs", v.counts.spmvs}, {"dots", v.counts.dots}, {"axpys", v.counts.axpys}, {"vectors", v.counts.vectors}}},
                       {"spmv_cycles", v.spmv.cycles},
                       {"dot", to_json(v.dot)},
                       {"axpy_cycles", v.axpy_cycles},
                       {"host_cycles_per_iteration", v.host_cycles},
                       {"capacity_message", v.capacity_message},
                       {"report", to_json(v.spmv, per_pe)}};
    }
    if (r.dot) j["dot"] = to_json(*r.dot);
    if (!r.svg_file.empty()) j["svg"] = r.svg_file;
    return j;
}

} // namespace waferblas::cli
