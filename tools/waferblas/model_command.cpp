#include "model_command.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <waferblas/dataflow/plan.hpp>
#include <waferblas/io/matrix_market.hpp>
#include <waferblas/model.hpp>

#include "extents.hpp"
#include "json_report.hpp"
#include "text_report.hpp"
#include "usage_error.hpp"

namespace waferblas::cli {

namespace {

namespace wm = waferblas::model;

constexpr std::size_t default_rhs = 8;

// ---- option values -----------------------------------------------------------------------------

struct stencil_name {
    const char* cli;
    wm::stencil kind;
    std::size_t dims;
    const char* shape;
};
constexpr stencil_name stencils[] = {
    {"7pt", wm::stencil::star7_3d, 3, "XxYxZ"},   {"27pt", wm::stencil::box27_3d, 3, "XxYxZ"},
    {"25pt", wm::stencil::star25_3d, 3, "XxYxZ"}, {"5pt", wm::stencil::star5_2d, 2, "XxY"},
    {"banded", wm::stencil::banded, 1, "N"},
};

const stencil_name& find_stencil(const std::string& s) {
    for (const auto& st : stencils)
        if (s == st.cli || s == wm::to_string(st.kind)) return st;
    throw usage_error("--stencil '" + s + "' is not a known stencil"); // unreachable after CLI11's check
}

/// A CLI11 check running an extents parser: its usage_error becomes CLI11's validation message.
CLI::Validator extents_check(std::string name, std::size_t count, std::string shape, bool allow_auto = false) {
    return CLI::Validator(
        [name, count, shape, allow_auto](std::string& value) -> std::string {
            if (allow_auto && value == "auto") return {};
            try {
                if (count == 0) (void)parse_extents(value, name);
                else (void)parse_extents(value, name, count, shape);
            } catch (const usage_error& e) {
                // CLI11 puts the option's name in front of the message already.
                std::string message = e.what();
                if (message.rfind(name + " ", 0) == 0) message.erase(0, name.size() + 1);
                return message;
            }
            return {};
        },
        allow_auto ? shape + "|auto" : shape, name);
}

/// A whole number >= 1 (CLI11's PositiveNumber prints its range as the largest double).
const CLI::Validator positive_integer(
    [](std::string& value) -> std::string {
        unsigned long long v = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc{} || ptr != value.data() + value.size() || v == 0)
            return "'" + value + "' is not a whole number >= 1";
        return {};
    },
    "", "positive integer");

wm::machine make_machine(const model_options& o) {
    auto found = wm::machine_by_name(o.machine);
    if (!found) throw usage_error("--machine '" + o.machine + "' is not one of wse1, wse2, wse2-1.1ghz, wse3");
    wm::machine m = std::move(*found);
    if (!o.fabric.empty()) {
        const auto wh = parse_extents(o.fabric, "--fabric", 2, "WxH");
        m = wm::with_fabric(std::move(m), wh[0], wh[1]);
        m.name += "-" + format_extents(wh);
    }
    if (o.clock_ghz > 0) {
        m.clock_hz = o.clock_ghz * 1e9;
        m.name += fmt::format("@{}GHz", o.clock_ghz);
    }
    m.validate();
    return m;
}

std::optional<pe_grid> given_grid(const model_options& o) {
    if (o.grid.empty() || o.grid == "auto") return std::nullopt;
    const auto rc = parse_extents(o.grid, "--grid", 2, "RxC");
    return pe_grid{rc[0], rc[1]};
}

placement parse_placement(const model_options& o) {
    if (o.placement.empty() || o.placement == "checkerboard") return placement::checkerboard;
    if (o.placement == "row_blocks") return placement::row_blocks;
    throw usage_error("--placement '" + o.placement + "' is not row_blocks or checkerboard");
}

wm::metric parse_metric(const std::string& s) {
    if (s.empty() || s == "work") return wm::metric::work;
    if (s == "memory") return wm::metric::memory;
    if (s == "traffic") return wm::metric::traffic;
    throw usage_error("--svg-metric '" + s + "' is not work, memory or traffic");
}

bool is_solver(const std::string& op) { return op == "cg" || op == "bicgstab"; }

/// Option combinations CLI11's excludes/needs cannot state; checked before any work is done.
void check_combinations(const model_options& o) {
    const int sources = int{!o.file.empty()} + int{!o.stencil.empty()} + int{o.length > 0};
    if (sources == 0)
        throw usage_error(o.op == "dot" ? "dot needs FILE.mtx, --stencil S --dims D, or --length N"
                                        : o.op + " needs FILE.mtx or --stencil S --dims D");
    if (o.length > 0 && o.op != "dot") throw usage_error("--length applies to dot only");
    if (!o.stencil.empty()) {
        const auto& st = find_stencil(o.stencil);
        (void)parse_extents(o.dims, "--dims", st.dims, st.shape);
        if (st.kind == wm::stencil::banded && o.bandwidth == 0)
            throw usage_error("--stencil banded needs --bandwidth B (the half-bandwidth, at least 1)");
        if (st.kind != wm::stencil::banded && o.bandwidth > 0) throw usage_error("--bandwidth applies to --stencil banded only");
        if (!o.placement.empty())
            throw usage_error("--placement applies to FILE.mtx only; stencils use the model's structured layout");
        if (o.op == "spmm") throw usage_error("spmm of a structured stencil is not modelled; use spmv, or spmm with a FILE.mtx");
    }
    if (o.rhs > 0 && o.op != "spmm") throw usage_error("--rhs applies to spmm only");
    if (o.residual_to_host && !is_solver(o.op)) throw usage_error("--residual-to-host applies to cg and bicgstab only");
    if (o.op == "dot") {
        if (!o.svg.empty()) throw usage_error("--svg: dot has no per-PE report to draw (its work is spread evenly)");
        if (!o.placement.empty()) throw usage_error("--placement does not apply to dot (vectors are spread evenly)");
        if (o.host_io) throw usage_error("--host-io does not apply to dot");
    }
    if (!o.svg_metric.empty() && o.svg.empty()) throw usage_error("--svg-metric needs --svg FILE");
    if (o.json_per_pe && !o.json) throw usage_error("--json-per-pe needs --json");
    if (!o.dtype.empty() && !wm::parse_dtype(o.dtype)) throw usage_error("--dtype '" + o.dtype + "' is not a known type");
    if (!o.file.empty() && o.dtype == "fp16")
        throw usage_error("--dtype fp16 is priced for --stencil problems only; a matrix file is read as fp32 or fp64 "
                          "(or complex_fp32, complex_fp64)");
    (void)given_grid(o);
    (void)parse_placement(o);
    (void)parse_metric(o.svg_metric);
}

wm::estimate_options estimate_options_of(const model_options& o) {
    wm::estimate_options e;
    e.top_k = o.top;
    e.include_host_io = o.host_io;
    e.reserved_sram_bytes_per_pe = o.reserved_sram;
    return e;
}

wm::solver_options solver_options_of(const model_options& o) {
    wm::solver_options s;
    s.iterations = o.iterations;
    s.residual_to_host = o.residual_to_host;
    s.estimate = estimate_options_of(o);
    return s;
}

/// For vectors alone (dot with --length or a file): a chain over the fabric, at most one PE per entry.
pe_grid vector_grid(std::size_t n, const wm::machine& m) {
    const std::size_t cols = std::min(n, m.fabric_width);
    return {std::min((n + cols - 1) / cols, m.fabric_height), cols};
}

constexpr const char* vector_grid_rule =
    "vectors fill the fabric row by row: min(n, fabric width) PE columns, min(ceil(n / columns), fabric height) PE rows";
constexpr const char* structured_grid_rule =
    "the model's layout: one PE per (x, y) column (3D) or per point (2D) up to the fabric size, else tiles; "
    "banded: a chain over the fabric, at most one PE per row";
constexpr const char* auto_grid_rule =
    "square grids s x s for s = 1, 2, 4, ... and s = min(rows, cols, fabric width, fabric height); "
    "the fewest predicted cycles among those that fit SRAM, else the least memory per PE";

// ---- problems ------------------------------------------------------------------------------------

void run_dot(const model_options& o, const wm::machine& m, model_result& r, std::size_t n, std::optional<pe_grid> natural) {
    if (n == 0) throw invalid_argument_error("dot: the vectors are empty (length 0)");
    const auto given = given_grid(o);
    pe_grid g = given ? *given : natural ? *natural : vector_grid(n, m);
    r.grid.how = given ? "given" : natural ? "structured default" : "vector default";
    if (!given) r.grid.rule = natural ? structured_grid_rule : vector_grid_rule;
    r.problem.rows = r.problem.cols = n;
    r.dot = wm::estimate_dot(static_cast<double>(n), g, r.problem.type, m);
    r.dot_grid_rows = g.rows(), r.dot_grid_cols = g.cols();
}

void run_stencil(const model_options& o, const wm::machine& m, model_result& r) {
    const auto& st = find_stencil(o.stencil);
    const auto dims = parse_extents(o.dims, "--dims", st.dims, st.shape);
    wm::structured_problem p;
    p.kind = st.kind;
    p.nx = dims[0];
    if (dims.size() > 1) p.ny = dims[1];
    if (dims.size() > 2) p.nz = dims[2];
    p.bandwidth = o.bandwidth;
    p.type = r.problem.type;
    if (const auto g = given_grid(o)) p.grid_rows = g->rows(), p.grid_cols = g->cols();
    r.problem.source = "stencil";
    r.problem.stencil = wm::to_string(st.kind);
    r.problem.dims = dims;
    r.problem.bandwidth = o.bandwidth;
    r.problem.placement = p.kind == wm::stencil::banded ? "banded_chain" : p.is_3d() ? "columns" : "tiles";
    r.grid.how = given_grid(o) ? "given" : "structured default";
    if (!given_grid(o)) r.grid.rule = structured_grid_rule;
    if (o.op == "dot") {
        run_dot(o, m, r, wm::detail::saturating_size(p.unknowns()), wm::default_grid(p, m)); // saturated: no UB past 2^64
        return;
    }
    if (o.op == "spmv") r.report = wm::estimate(p, m, estimate_options_of(o));
    else if (o.op == "cg") r.solver = wm::estimate_cg(p, m, solver_options_of(o));
    else r.solver = wm::estimate_bicgstab(p, m, solver_options_of(o));
    const wm::report& rep = r.report ? *r.report : r.solver->spmv;
    r.problem.rows = rep.rows, r.problem.cols = rep.cols, r.problem.nnz = rep.nnz;
}

/// What one grid gives for a file operand.
struct outcome {
    std::optional<wm::report> report;
    std::optional<wm::solver_report> solver;
    [[nodiscard]] double cycles() const { return report ? report->cycles : solver->cycles; }
    [[nodiscard]] bool fits() const { return report ? report->fits : solver->fits; }
    [[nodiscard]] std::size_t memory() const { return report ? report->max_pe_memory_bytes : solver->max_pe_memory_bytes; }
};

template <class T>
void run_file_operator(const model_options& o, const wm::machine& m, model_result& r) {
    const csr_matrix<T> A = io::read_matrix_market<T>(std::filesystem::path(o.file));
    const auto rows = static_cast<std::size_t>(A.rows()), cols = static_cast<std::size_t>(A.cols());
    r.problem.rows = rows, r.problem.cols = cols, r.problem.nnz = static_cast<double>(A.nnz());
    if (is_solver(o.op) && rows != cols)
        throw dimension_error(fmt::format("{} needs a square matrix; {} is {}x{}", o.op, o.file, rows, cols));
    const placement pl = parse_placement(o);
    r.problem.placement = to_string(pl);
    const std::size_t rhs = o.rhs > 0 ? o.rhs : default_rhs;

    const auto evaluate = [&](const pe_grid& g) {
        outcome out;
        if (o.op == "spmm") {
            out.report = wm::estimate(plan_spmm(A, g, pl), m, rhs, estimate_options_of(o));
        } else {
            const auto plan = plan_spmv(A, g, pl);
            if (o.op == "spmv") out.report = wm::estimate(plan, m, estimate_options_of(o));
            else if (o.op == "cg") out.solver = wm::estimate_cg(plan, m, solver_options_of(o));
            else out.solver = wm::estimate_bicgstab(plan, m, solver_options_of(o));
        }
        return out;
    };

    outcome best;
    if (const auto g = given_grid(o)) {
        r.grid.how = "given";
        best = evaluate(*g);
    } else {
        r.grid.how = "auto";
        r.grid.rule = auto_grid_rule;
        const std::size_t limit = std::max<std::size_t>(1, std::min({rows, cols, m.fabric_width, m.fabric_height}));
        std::vector<std::size_t> sides;
        for (std::size_t s = 1; s < limit; s *= 2) sides.push_back(s);
        sides.push_back(limit);
        bool have = false;
        for (std::size_t s : sides) {
            outcome c = evaluate(pe_grid{s, s});
            r.grid.candidates.push_back({s, s, c.cycles(), c.memory(), c.fits()});
            const bool better = !have || (c.fits() && !best.fits()) ||
                                (c.fits() == best.fits() && (c.fits() ? c.cycles() < best.cycles()
                                                                      : c.memory() < best.memory() ||
                                                                            (c.memory() == best.memory() && c.cycles() < best.cycles())));
            if (better) best = std::move(c), have = true;
        }
    }
    r.report = std::move(best.report);
    r.solver = std::move(best.solver);
}

void run_file(const model_options& o, const wm::machine& m, model_result& r) {
    r.problem.source = "file";
    r.problem.file = o.file;
    std::error_code ec;
    if (!std::filesystem::exists(o.file, ec)) throw invalid_argument_error(o.file + ": no such file");
    if (std::filesystem::is_directory(o.file, ec)) throw invalid_argument_error(o.file + ": is a directory, not a Matrix Market file");
    const auto header = [&] {
        try {
            return io::read_matrix_market_header(std::filesystem::path(o.file));
        } catch (const parse_error& e) {
            throw error(o.file + ": " + e.what());
        }
    }();
    const bool complex_file = header.field == io::mm_field::complex;
    r.problem.type = o.dtype.empty() ? (complex_file ? wm::dtype::complex_fp32 : wm::dtype::fp32) : *wm::parse_dtype(o.dtype);
    if (o.op == "dot") {
        run_dot(o, m, r, static_cast<std::size_t>(header.rows), std::nullopt);
        return;
    }
    try {
        switch (r.problem.type) {
        case wm::dtype::fp32: run_file_operator<float>(o, m, r); break;
        case wm::dtype::fp64: run_file_operator<double>(o, m, r); break;
        case wm::dtype::complex_fp32: run_file_operator<std::complex<float>>(o, m, r); break;
        case wm::dtype::complex_fp64: run_file_operator<std::complex<double>>(o, m, r); break;
        case wm::dtype::fp16: throw usage_error("--dtype fp16 is priced for --stencil problems only");
        }
    } catch (const parse_error& e) {
        throw error(o.file + ": " + e.what()); // "FILE: line N: reason"
    }
}

} // namespace

CLI::App* add_model_command(CLI::App& app, model_options& o) {
    CLI::App* sub = app.add_subcommand("model", "Predict an operation's cycles, memory and fabric traffic on a wafer-scale "
                                                "machine with the analytic model (docs/model.md)");
    sub->footer(
        "Problems: FILE.mtx (a Matrix Market file), or --stencil S --dims D (a structured operator, never built), "
        "or --length N (dot only).\n"
        "Grid: --grid RxC (R PE rows x C PE columns). Without it, a FILE's grid is chosen automatically: square\n"
        "grids s x s for s = 1, 2, 4, ... and s = min(rows, cols, fabric width, fabric height) are estimated, and the\n"
        "one with the fewest cycles that fits SRAM is kept (if none fits: the least memory per PE). Stencils use\n"
        "the model's layout (one PE per (x, y) column); dot with --length fills the fabric row by row.\n"
        "Exit codes: 0 success, 1 the work failed (file missing or malformed, grid too large, ...), 2 usage error.\n\n"
        "Examples:\n"
        "  waferblas model spmv --stencil 7pt --dims 750x994x740 --machine wse2\n"
        "  waferblas model cg matrix.mtx --machine wse3 --iterations 100 --residual-to-host --json\n"
        "  waferblas model spmm matrix.mtx --rhs 16 --grid 32x32 --placement row_blocks --svg work.svg");

    sub->add_option("OP", o.op, "spmv | spmm | dot | cg | bicgstab")
        ->required()
        ->check(CLI::IsMember({"spmv", "spmm", "dot", "cg", "bicgstab"}));
    CLI::Option* file = sub->add_option("FILE", o.file, "Matrix Market file (.mtx) holding the operator");
    CLI::Option* stencil =
        sub->add_option("--stencil", o.stencil, "Structured operator: 7pt, 27pt, 25pt (3D star of radius 4), 5pt (2D), banded")
            ->check(CLI::IsMember({"7pt", "27pt", "25pt", "5pt", "banded", "star7_3d", "box27_3d", "star25_3d", "star5_2d"}));
    CLI::Option* dims =
        sub->add_option("--dims", o.dims, "Points per axis: XxYxZ (3D stencils), XxY (5pt), N (banded: the order)")
            ->check(extents_check("--dims", 0, "XxYxZ"));
    CLI::Option* bandwidth =
        sub->add_option("--bandwidth", o.bandwidth, "Half-bandwidth B of --stencil banded (2B+1 diagonals)")->check(positive_integer);
    CLI::Option* length = sub->add_option("--length", o.length, "Vector length (dot only)")->check(positive_integer);
    file->excludes(stencil)->excludes(length);
    stencil->excludes(length)->needs(dims);
    dims->needs(stencil);
    bandwidth->needs(stencil);

    sub->add_option("--machine", o.machine, "Machine preset: wse1, wse2 (750x994 at 0.85 GHz), wse2-1.1ghz, wse3")
        ->check(CLI::IsMember({"wse1", "wse2", "wse2-1.1ghz", "wse3"}))
        ->capture_default_str();
    sub->add_option("--fabric", o.fabric, "Program-visible fabric WxH (PE columns x PE rows) instead of the preset's")
        ->check(extents_check("--fabric", 2, "WxH"));
    sub->add_option("--clock", o.clock_ghz, "Clock in GHz instead of the preset's (e.g. --machine wse2 --clock 1.1)")
        ->check(CLI::Range(1e-3, 1e3));
    sub->add_option("--dtype", o.dtype, "Value type: fp16 (stencils only), fp32 (default), fp64, complex_fp32, complex_fp64")
        ->check(CLI::IsMember({"fp16", "fp32", "fp64", "complex_fp32", "complex_fp64"}));
    sub->add_option("--iterations", o.iterations,
                    "cg/bicgstab: solver iterations; spmv/spmm/dot: repetitions (cycles, seconds, flops are totals)")
        ->check(positive_integer)
        ->capture_default_str();
    sub->add_option("--grid", o.grid, "PE grid RxC (R PE rows x C PE columns), or auto (default; see below)")
        ->check(extents_check("--grid", 2, "RxC", true));
    sub->add_option("--placement", o.placement, "FILE only: checkerboard (default, the wafer layout) or row_blocks")
        ->check(CLI::IsMember({"row_blocks", "checkerboard"}));
    sub->add_option("--rhs", o.rhs, "spmm: dense right-hand columns (default 8)")->check(positive_integer);
    sub->add_flag("--residual-to-host", o.residual_to_host, "cg/bicgstab: send the residual norm to the host every iteration");
    sub->add_flag("--host-io", o.host_io, "Also send x from and y to the host through the host link");
    sub->add_option("--reserved-sram", o.reserved_sram, "Bytes per PE reserved for code and runtime, counted against SRAM")
        ->capture_default_str();
    sub->add_option("--top", o.top, "Busiest PEs to list")->capture_default_str();
    sub->add_flag("--json", o.json, "Write JSON to stdout instead of text");
    sub->add_flag("--json-per-pe", o.json_per_pe, "With --json: also the per-PE work, memory and traffic arrays (row-major)");
    sub->add_option("--svg", o.svg, "Write an SVG heat map of the PE grid to this file");
    sub->add_option("--svg-metric", o.svg_metric, "Heat map metric: work (default, compute cycles), memory (bytes), traffic (words)")
        ->check(CLI::IsMember({"work", "memory", "traffic"}));
    sub->add_option("--svg-cells", o.svg_cells, "Heat map cells per side; larger grids are drawn as blocks (block maximum)")
        ->check(positive_integer)
        ->capture_default_str();
    return sub;
}

model_result run_model_estimate(const model_options& o) {
    check_combinations(o);
    model_result r;
    r.op = o.op;
    r.machine = make_machine(o);
    r.iterations = o.iterations;
    r.problem.rhs = o.op == "spmm" ? (o.rhs > 0 ? o.rhs : default_rhs) : 1;
    if (!o.dtype.empty()) r.problem.type = *wm::parse_dtype(o.dtype);
    if (!o.file.empty()) run_file(o, r.machine, r);
    else if (!o.stencil.empty()) run_stencil(o, r.machine, r);
    else {
        r.problem.source = "length";
        run_dot(o, r.machine, r, o.length, std::nullopt);
    }
    return r;
}

int run_model_command(const model_options& o, std::ostream& out) {
    model_result r = run_model_estimate(o);
    if (!o.svg.empty()) {
        const wm::report& rep = r.report ? *r.report : r.solver->spmv;
        std::ofstream svg(o.svg, std::ios::binary);
        if (!svg) throw std::runtime_error("--svg: cannot open " + o.svg + " for writing");
        svg << wm::heat_map_svg(rep, parse_metric(o.svg_metric), o.svg_cells);
        svg.close();
        if (!svg) throw std::runtime_error("--svg: writing " + o.svg + " failed");
        r.svg_file = o.svg;
    }
    if (o.json) out << to_json(r, o.json_per_pe).dump(2) << '\n';
    else out << to_text(r);
    out.flush();
    if (!out) throw std::runtime_error("writing the output failed");
    return exit_success;
}

} // namespace waferblas::cli
