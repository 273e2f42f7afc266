// tools/waferblas/json_report.hpp — a model_result as JSON (`waferblas model ... --json`).
//
//   std::cout << to_json(result, /*per_pe=*/false).dump(2);
//
// Top level, for every OP: tool, machine (name), op, problem, grid {rows, cols, pes, how, rule,
// candidates}, iterations, cycles_per_iteration, cycles, seconds, flops, flop_per_second,
// fraction_of_peak, bound, bound_reason, max_pe_memory_bytes, sram_bytes_per_pe, fits, dense_cycles
// (null for dot), machine_parameters (every field of the machine and its derived peaks). Then per
// kind: "report" (spmv, spmm: the model's report: compute, communication, busiest_pes, dense, ...),
// "solver" (cg, bicgstab: counts, dot, axpy and host cycles, and the SpMV's "report"), or "dot".
// With per_pe, each report also holds its per-PE arrays (row-major, index = row * cols + col).
#pragma once

#include <nlohmann/json.hpp>

#include "model_result.hpp"

namespace waferblas::cli {

[[nodiscard]] nlohmann::ordered_json to_json(const model::machine& m);
[[nodiscard]] nlohmann::ordered_json to_json(const model::report& r, bool per_pe);
[[nodiscard]] nlohmann::ordered_json to_json(const model_result& r, bool per_pe);

} // namespace waferblas::cli
