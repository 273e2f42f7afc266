// tools/waferblas/extents.hpp — parsing the "AxBxC" sizes of the command line.
//
//   parse_extents("750x994x740", "--dims");      // {750, 994, 740}
//   parse_extents("10x", "--dims");              // throws usage_error: "--dims '10x': ..."
//
// A size is one or more decimal digits, at least 1, and fits std::size_t; parts are separated by
// one 'x' (or 'X'). Nothing else is accepted: no signs, spaces, or empty parts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace waferblas::cli {

/// The parts of `text`, or usage_error naming `what` and the first bad part.
[[nodiscard]] std::vector<std::size_t> parse_extents(std::string_view text, std::string_view what);

/// As parse_extents, and exactly `count` parts ("a grid is RxC").
[[nodiscard]] std::vector<std::size_t> parse_extents(std::string_view text, std::string_view what, std::size_t count,
                                                     std::string_view shape);

/// "750x994x740".
[[nodiscard]] std::string format_extents(const std::vector<std::size_t>& parts);

} // namespace waferblas::cli
