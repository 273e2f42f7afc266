// tools/waferblas/usage_error.hpp — a command line the tool cannot act on.
//
//   throw usage_error("--rhs applies to spmm only");     // main() prints it and exits with 2
//
// The exit-code rule of the tool: 2 when the command line itself is wrong (CLI11's parse errors and
// this exception: an unknown OP or option, a malformed or out-of-range value, options that do not go
// together); 1 when it is well-formed but the work fails (a missing or malformed file, a grid that
// does not fit the fabric: any waferblas::error or other exception); 0 otherwise.
#pragma once

#include <stdexcept>

namespace waferblas::cli {

class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum exit_code : int { exit_success = 0, exit_failure = 1, exit_usage = 2 };

} // namespace waferblas::cli
