// tools/waferblas/text_report.hpp — a model_result as readable text (the default output).
//
//   std::cout << to_text(result);
//
// spmv/spmm print the model's own to_text(report); solvers and dot get a summary in the same style,
// followed (solvers) by the SpMV's report. The grid choice and the machine close the output.
#pragma once

#include <string>

#include "model_result.hpp"

namespace waferblas::cli {

[[nodiscard]] std::string to_text(const model_result& r);

} // namespace waferblas::cli
