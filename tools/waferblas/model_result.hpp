// tools/waferblas/model_result.hpp — everything one `waferblas model` run found, for the text and
// JSON writers.
//
//   model_result r = run_model_estimate(options);     // model_command.hpp
//   summary s = summarize(r);                         // the headline numbers, whatever the OP
//
// An OP yields exactly one of: a per-PE `report` (spmv, spmm), a `solver_report` (cg, bicgstab), or
// a `dot_estimate` (dot). `summarize` reduces each to the same headline fields; with --iterations N
// an spmv/spmm/dot is repeated N times (cycles, seconds, flops and dense_cycles are totals), while a
// solver's iterations are its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <waferblas/model.hpp>

namespace waferblas::cli {

/// The operator (or vector) the OP runs on.
struct problem_info {
    std::string source;               ///< "file", "stencil" or "length"
    std::string file;                 ///< source == "file"
    std::string stencil;              ///< the model's name (star7_3d, ...), source == "stencil"
    std::vector<std::size_t> dims;    ///< as given to --dims
    std::size_t bandwidth = 0;        ///< banded only
    std::size_t rows = 0, cols = 0;
    double nnz = 0;
    model::dtype type = model::dtype::fp32;
    std::string placement;            ///< row_blocks, checkerboard, or the model's structured layout
    std::size_t rhs = 1;              ///< spmm right-hand columns
};

/// One grid the automatic choice estimated.
struct grid_candidate {
    std::size_t rows = 0, cols = 0;
    double cycles = 0;
    std::size_t max_pe_memory_bytes = 0;
    bool fits = true;
};

struct grid_choice {
    std::string how;                         ///< "given", "auto", "structured default", "vector default"
    std::string rule;                        ///< the rule, in words
    std::vector<grid_candidate> candidates;  ///< "auto" only
};

struct model_result {
    std::string op;               ///< spmv, spmm, dot, cg, bicgstab
    model::machine machine;
    problem_info problem;
    grid_choice grid;
    std::size_t iterations = 1;
    std::optional<model::report> report;         ///< spmv, spmm
    std::optional<model::solver_report> solver;  ///< cg, bicgstab
    std::optional<model::dot_estimate> dot;      ///< dot
    std::size_t dot_grid_rows = 0, dot_grid_cols = 0;
    std::string svg_file;                        ///< where the heat map was written, if anywhere
};

/// The headline numbers of any result.
struct summary {
    std::size_t grid_rows = 0, grid_cols = 0;
    double cycles_per_iteration = 0;
    double cycles = 0, seconds = 0, flops = 0, flop_per_second = 0, fraction_of_peak = 0;
    model::bound_kind bound = model::bound_kind::compute;
    std::string bound_reason;
    std::size_t max_pe_memory_bytes = 0;
    bool fits = true;
    std::optional<double> dense_cycles; ///< none for dot: a dot product has no sparse counterpart
};

[[nodiscard]] summary summarize(const model_result& r);

} // namespace waferblas::cli
