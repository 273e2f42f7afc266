// waferblas/model/render.hpp — a report as text, and as an SVG heat map of the PE grid.
//
//   std::cout << waferblas::model::to_text(r);
//   std::ofstream("work.svg") << waferblas::model::heat_map_svg(r, waferblas::model::metric::work);
//
// The heat map draws one cell per PE up to max_cells_per_side PEs per side; a larger grid is drawn
// in blocks of PEs, each cell showing the maximum of its block (so hot spots never average away).
// It is a standalone SVG 1.1 document with a title and a colour legend.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "report.hpp"

namespace waferblas::model {

enum class metric { work, memory, traffic };

[[nodiscard]] constexpr const char* to_string(metric k) noexcept {
    switch (k) {
    case metric::work: return "work";
    case metric::memory: return "memory";
    case metric::traffic: return "traffic";
    }
    return "?";
}

namespace detail {
inline std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
inline std::string xml_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += ch;
        }
    }
    return out;
}
/// A perceptually ordered dark-blue -> teal -> yellow ramp (viridis-like), t in [0, 1].
inline std::string heat_colour(double t) {
    static constexpr double stops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    t = std::clamp(t, 0.0, 1.0) * 4;
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), 3);
    const double f = t - static_cast<double>(i);
    char buf[16];
    const auto ch = [&](int k) { return static_cast<int>(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]) + 0.5); };
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", ch(0), ch(1), ch(2));
    return buf;
}
} // namespace detail

/// A few readable lines: what ran where, the time and its breakdown, the bound, memory, busiest PEs.
[[nodiscard]] inline std::string to_text(const report& r) {
    using detail::fmt;
    std::string s;
    s += r.op + " on " + r.machine + ": " + std::to_string(r.rows) + "x" + std::to_string(r.cols) + ", " +
         fmt("%.0f", r.nnz) + " nonzeros, " + to_string(r.type) + ", grid " + std::to_string(r.grid_rows) + "x" +
         std::to_string(r.grid_cols) + " (" + r.placement + ")\n";
    s += "  time      " + fmt("%.0f", r.cycles) + " cycles = " + fmt("%.4g", r.seconds * 1e6) + " us; " +
         fmt("%.4g", r.flops) + " flop, " + fmt("%.4g", r.flop_per_second / 1e12) + " TFLOP/s = " +
         fmt("%.3g", 100 * r.fraction_of_peak) + "% of machine peak (" + fmt("%.3g", 100 * r.grid_fraction_of_peak) +
         "% of the grid's)\n";
    s += "  path      " + r.critical_path + "\n";
    s += "            compute " + fmt("%.0f", r.compute_cycles) + ", exposed communication " +
         fmt("%.0f", r.communication_cycles) + " (" + fmt("%.0f", r.comm.latency_cycles) + " latency), host I/O " +
         fmt("%.0f", r.host_io_cycles) + "\n";
    s += "  comm      multicast " + fmt("%.0f", r.comm.multicast_cycles) + ", reduction " + fmt("%.0f", r.comm.reduction_cycles) +
         " (" + to_string(r.comm.reduction_algorithm) + ", B=" + fmt("%.0f", r.comm.reduction_wavelets) + ", P=" +
         std::to_string(r.comm.reduction_pes) + "), point-to-point " + fmt("%.0f", r.comm.point_to_point_cycles) +
         " cycles; words: multicast " + fmt("%.0f", r.comm.multicast_words) + ", reduction " +
         fmt("%.0f", r.comm.reduction_words) + ", p2p " + fmt("%.0f", r.comm.point_to_point_words) + "\n";
    s += "  compute   busiest PE " + fmt("%.0f", r.max_compute_cycles) + " cycles, mean " + fmt("%.1f", r.mean_compute_cycles) +
         (r.memory_port_bound ? " (memory-port bound)\n" : "\n");
    s += "  memory    max " + std::to_string(r.max_pe_memory_bytes) + " of " + std::to_string(r.sram_bytes_per_pe) +
         " bytes per PE: " + (r.fits ? std::string("fits") : "DOES NOT FIT: " + r.capacity_message) + "\n";
    s += std::string("  bound     ") + to_string(r.bound) + ": " + r.bound_reason + "\n";
    if (r.dense_cycles > 0)
        s += "  dense     " + fmt("%.0f", r.dense_cycles) + " cycles" + (r.dense_fits ? "" : " (would not fit SRAM)") +
             ": sparsity speedup " + fmt("%.3g", r.sparsity_speedup) + "x\n";
    if (!r.busiest.empty()) {
        s += "  busiest  ";
        for (const auto& b : r.busiest)
            s += " (" + std::to_string(b.row) + "," + std::to_string(b.col) + "):" + fmt("%.0f", b.compute_cycles);
        s += "\n";
    }
    return s;
}

/// An SVG heat map of one per-PE metric (work = compute cycles, memory = bytes, traffic = words).
[[nodiscard]] inline std::string heat_map_svg(const report& r, metric k, std::size_t max_cells_per_side = 128) {
    using detail::fmt;
    const std::size_t R = r.grid_rows, C = r.grid_cols;
    const auto value = [&](std::size_t p) -> double {
        switch (k) {
        case metric::work: return r.pe_compute_cycles.empty() ? 0.0 : r.pe_compute_cycles[p];
        case metric::memory: return r.pe_memory_bytes.empty() ? 0.0 : static_cast<double>(r.pe_memory_bytes[p]);
        case metric::traffic: return r.pe_traffic_words.empty() ? 0.0 : r.pe_traffic_words[p];
        }
        return 0.0;
    };
    const std::size_t side = std::max<std::size_t>(max_cells_per_side, 1);
    const std::size_t br = (R + side - 1) / side, bc = (C + side - 1) / side; // PEs per cell
    const std::size_t cr = R == 0 ? 0 : (R + br - 1) / br, cc = C == 0 ? 0 : (C + bc - 1) / bc;
    std::vector<double> cell(cr * cc, 0.0);
    for (std::size_t p = 0; p < R * C; ++p) {
        auto& v = cell[(p / C) / br * cc + (p % C) / bc];
        v = std::max(v, value(p));
    }
    double hi = 0;
    for (double v : cell) hi = std::max(hi, v);
    const double cell_px = std::clamp(640.0 / static_cast<double>(std::max<std::size_t>({cr, cc, 1})), 1.0, 24.0);
    const double map_w = cell_px * static_cast<double>(cc), map_h = cell_px * static_cast<double>(cr);
    const double margin = 10, top = 50, legend_w = 90;
    const double width = margin * 2 + map_w + legend_w, height = top + std::max(map_h, 200.0) + margin;
    const char* unit = k == metric::work ? "cycles" : k == metric::memory ? "bytes" : "words";

    std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + fmt("%.0f", width) + "\" height=\"" +
         fmt("%.0f", height) + "\" viewBox=\"0 0 " + fmt("%.0f", width) + " " + fmt("%.0f", height) + "\">\n";
    const std::string title = detail::xml_escape(r.op + " on " + r.machine + ": " + to_string(k) + " per PE (" + unit +
                                                 "), grid " + std::to_string(R) + "x" + std::to_string(C) +
                                                 (br * bc > 1 ? ", max over " + std::to_string(br) + "x" +
                                                                    std::to_string(bc) + " PE blocks" : std::string()));
    s += "<title>" + title + "</title>\n";
    s += "<rect x=\"0\" y=\"0\" width=\"" + fmt("%.0f", width) + "\" height=\"" + fmt("%.0f", height) + "\" fill=\"white\"/>\n";
    s += "<text x=\"" + fmt("%.0f", margin) + "\" y=\"22\" font-family=\"sans-serif\" font-size=\"13\">" + title + "</text>\n";
    s += "<g id=\"cells\" shape-rendering=\"crispEdges\">\n";
    for (std::size_t i = 0; i < cr; ++i)
        for (std::size_t j = 0; j < cc; ++j) {
            const double v = cell[i * cc + j];
            s += "<rect x=\"" + fmt("%.2f", margin + cell_px * static_cast<double>(j)) + "\" y=\"" +
                 fmt("%.2f", top + cell_px * static_cast<double>(i)) + "\" width=\"" + fmt("%.2f", cell_px) + "\" height=\"" +
                 fmt("%.2f", cell_px) + "\" fill=\"" + detail::heat_colour(hi > 0 ? v / hi : 0.0) + "\"><title>(" +
                 std::to_string(i * br) + "," + std::to_string(j * bc) + ") " + fmt("%.6g", v) + "</title></rect>\n";
        }
    s += "</g>\n<g id=\"legend\" font-family=\"sans-serif\" font-size=\"11\">\n";
    const double lx = margin * 2 + map_w, steps = 10, lh = 160;
    for (int i = 0; i < static_cast<int>(steps); ++i) {
        const double t = 1.0 - i / (steps - 1);
        s += "<rect x=\"" + fmt("%.0f", lx) + "\" y=\"" + fmt("%.1f", top + lh / steps * i) + "\" width=\"16\" height=\"" +
             fmt("%.1f", lh / steps) + "\" fill=\"" + detail::heat_colour(t) + "\"/>\n";
    }
    s += "<text x=\"" + fmt("%.0f", lx + 20) + "\" y=\"" + fmt("%.0f", top + 10) + "\">" + fmt("%.4g", hi) + "</text>\n";
    s += "<text x=\"" + fmt("%.0f", lx + 20) + "\" y=\"" + fmt("%.0f", top + lh) + "\">0</text>\n";
    s += "<text x=\"" + fmt("%.0f", lx) + "\" y=\"" + fmt("%.0f", top + lh + 18) + "\">" + unit + "</text>\n";
    s += "</g>\n</svg>\n";
    return s;
}

} // namespace waferblas::model
