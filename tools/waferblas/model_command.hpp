// tools/waferblas/model_command.hpp — `waferblas model OP ...`: price an operation on a wafer.
//
//   model_options o;
//   CLI::App* sub = add_model_command(app, o);       // registers the options and their checks
//   ... app.parse(argc, argv) ...
//   if (sub->parsed()) return run_model_command(o, std::cout);
//
// The command reads the problem (a Matrix Market file, a structured stencil, or a vector length for
// dot), builds the machine (a preset, optionally with another fabric or clock), picks the grid,
// calls the model (include/waferblas/model/) and writes text, JSON and/or an SVG heat map.
// Throws usage_error for option combinations CLI11 cannot express, waferblas::error (or another
// std::exception) when the work fails; main() maps them to exit codes 2 and 1.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "model_result.hpp"

namespace waferblas::cli {

struct model_options {
    std::string op;                   ///< spmv, spmm, dot, cg, bicgstab
    std::string file;                 ///< FILE.mtx
    std::string stencil;              ///< 7pt, 27pt, 25pt, 5pt, banded (or the model's names)
    std::string dims;                 ///< XxYxZ, XxY or N
    std::size_t bandwidth = 0;        ///< --bandwidth (banded)
    std::size_t length = 0;           ///< --length (dot)
    std::string machine = "wse2";
    std::string fabric;               ///< WxH
    double clock_ghz = 0;             ///< 0: the preset's
    std::string dtype;                ///< empty: fp32 (complex_fp32 for a complex file)
    std::size_t iterations = 1;
    std::string grid;                 ///< RxC, auto or empty (auto)
    std::string placement;            ///< empty: checkerboard
    std::size_t rhs = 0;              ///< 0: not given (spmm uses 8)
    bool residual_to_host = false;
    bool host_io = false;
    std::size_t reserved_sram = 0;
    std::size_t top = 8;
    bool json = false;
    bool json_per_pe = false;
    std::string svg;
    std::string svg_metric;           ///< empty: work
    std::size_t svg_cells = 128;
};

/// Adds the `model` subcommand to `app`, storing into `o`.
CLI::App* add_model_command(CLI::App& app, model_options& o);

/// Runs the estimate the options describe (no output).
[[nodiscard]] model_result run_model_estimate(const model_options& o);

/// Runs the estimate and writes the result (text or JSON to `out`, the SVG to its file); returns
/// the exit code (0).
int run_model_command(const model_options& o, std::ostream& out);

} // namespace waferblas::cli
