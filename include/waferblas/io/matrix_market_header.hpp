// waferblas/io/matrix_market_header.hpp — what a Matrix Market file declares before its entries.
//
//   auto h = waferblas::io::read_matrix_market_header("young1c.mtx");
//   h.rows; h.cols; h.entries;                          // 841, 841, 4089
//   bool complex = h.field == waferblas::io::mm_field::complex;  // then read it as std::complex<double>
//
// Line 1 is the banner `%%MatrixMarket matrix <format> <field> <symmetry>`, its words in any case
// (as the NIST reference reader accepts them). Comment lines (%) and blank lines may follow; then the
// size line: `rows cols entries` (coordinate) or `rows cols` (array). Combinations the format does not
// define — pattern with array, pattern with skew-symmetric or hermitian — are parse errors.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "../core/error.hpp"
#include "../core/scalar.hpp"
#include "text_input.hpp"

namespace waferblas::io {

enum class mm_format { coordinate, array };
enum class mm_field { real, integer, complex, pattern };
enum class mm_symmetry { general, symmetric, skew_symmetric, hermitian };

struct matrix_market_header {
    mm_format format = mm_format::coordinate;
    mm_field field = mm_field::real;
    mm_symmetry symmetry = mm_symmetry::general;
    std::uint64_t rows = 0, cols = 0;
    /// Entry lines that follow: the declared nonzeros for coordinate files; for array files every
    /// stored value (rows*cols, or the stored triangle of a symmetric matrix).
    std::uint64_t entries = 0;
    /// Line number of the size line, for messages about what it declared.
    std::size_t size_line = 0;
};

namespace detail {

inline constexpr const char* banner_form =
    "expected '%%MatrixMarket matrix <coordinate|array> <real|integer|complex|pattern> "
    "<general|symmetric|skew-symmetric|hermitian>'";

[[nodiscard]] inline std::string lowercase(std::string_view s) {
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return r;
}

/// Parses line 1 into format, field and symmetry (the size fields are left at zero).
[[nodiscard]] inline matrix_market_header parse_banner(std::string_view line) {
    auto fail = [](const std::string& why) { throw parse_error(1, why); };
    tokenizer words(line);
    const std::string start = lowercase(words.next());
    if (start != "%%matrixmarket")
        fail("missing Matrix Market banner (the first line is " + show_token(line) + "); " + banner_form);
    auto word = [&](const char* what) {
        const std::string_view w = words.next();
        if (w.empty()) fail(std::string("banner is missing the ") + what + "; " + banner_form);
        return lowercase(w);
    };

    matrix_market_header h;
    if (const auto object = word("object"); object != "matrix")
        fail("unsupported object " + show_token(object) + " in the banner (only 'matrix' is supported)");

    const auto format = word("format");
    if (format == "coordinate") h.format = mm_format::coordinate;
    else if (format == "array") h.format = mm_format::array;
    else fail("unknown format " + show_token(format) + " in the banner (expected coordinate or array)");

    const auto field = word("field");
    if (field == "real") h.field = mm_field::real;
    else if (field == "integer") h.field = mm_field::integer;
    else if (field == "complex") h.field = mm_field::complex;
    else if (field == "pattern") h.field = mm_field::pattern;
    else fail("unknown field " + show_token(field) + " in the banner (expected real, integer, complex or pattern)");

    const auto symmetry = word("symmetry");
    if (symmetry == "general") h.symmetry = mm_symmetry::general;
    else if (symmetry == "symmetric") h.symmetry = mm_symmetry::symmetric;
    else if (symmetry == "skew-symmetric") h.symmetry = mm_symmetry::skew_symmetric;
    else if (symmetry == "hermitian") h.symmetry = mm_symmetry::hermitian;
    else fail("unknown symmetry " + show_token(symmetry) +
              " in the banner (expected general, symmetric, skew-symmetric or hermitian)");

    if (!words.at_end()) fail("unexpected " + show_token(words.next()) + " after the symmetry in the banner");
    if (h.field == mm_field::pattern && h.format == mm_format::array)
        fail("the pattern field is not allowed with the array format (an array has no structure to give)");
    if (h.field == mm_field::pattern && h.symmetry != mm_symmetry::general && h.symmetry != mm_symmetry::symmetric)
        fail("the pattern field cannot be " + symmetry + " (a pattern has no values to negate or conjugate)");
    return h;
}

[[nodiscard]] constexpr std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) noexcept {
    return (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) ? std::numeric_limits<std::uint64_t>::max()
                                                                        : a * b;
}

/// How many entries a rows x cols matrix of this symmetry can store (saturating).
[[nodiscard]] constexpr std::uint64_t stored_capacity(mm_symmetry s, std::uint64_t rows, std::uint64_t cols) noexcept {
    if (s == mm_symmetry::general) return saturating_mul(rows, cols);
    const std::uint64_t n = rows;  // square, checked before
    if (s == mm_symmetry::skew_symmetric)  // strictly lower triangle: n(n-1)/2
        return n == 0 ? 0 : (n % 2 == 0 ? saturating_mul(n / 2, n - 1) : saturating_mul(n, (n - 1) / 2));
    return n % 2 == 0 ? saturating_mul(n / 2, n + 1) : saturating_mul(n, (n + 1) / 2);  // with the diagonal
}

[[nodiscard]] constexpr const char* symmetry_name(mm_symmetry s) noexcept {
    switch (s) {
    case mm_symmetry::general: return "general";
    case mm_symmetry::symmetric: return "symmetric";
    case mm_symmetry::skew_symmetric: return "skew-symmetric";
    case mm_symmetry::hermitian: return "hermitian";
    }
    return "?";
}

/// Skips comment and blank lines; false at the end of the input.
inline bool next_content_line(line_reader& in, std::string_view& line) {
    while (in.next(line)) {
        tokenizer t(line);
        if (t.at_end()) continue;
        if (t.next().front() == '%') continue;
        return true;
    }
    return false;
}

/// Reads the size line after the banner and checks it against the index type I and max_dimension.
template <index I>
void read_size_line(line_reader& in, matrix_market_header& h, std::uint64_t max_dimension) {
    std::string_view line;
    if (!next_content_line(in, line))
        throw parse_error(in.line_number() + 1, "missing size line (the file ends after the banner)");
    const std::size_t ln = in.line_number();
    const bool coordinate = h.format == mm_format::coordinate;
    const char* layout = coordinate ? "'rows cols entries'" : "'rows cols'";
    constexpr auto index_max = static_cast<std::uint64_t>(std::numeric_limits<I>::max());
    const std::string index_type = std::to_string(sizeof(I) * 8) + "-bit index type";

    tokenizer words(line);
    auto number = [&](const char* what) -> std::uint64_t {
        const std::string_view tok = words.next();
        if (tok.empty())
            throw parse_error(ln, std::string("size line is missing the number of ") + what + "; expected " + layout);
        std::int64_t v = 0;
        const std::errc ec = parse_integer(tok, v);
        if (ec == std::errc::invalid_argument)
            throw parse_error(ln, std::string("number of ") + what + " " + show_token(tok) +
                                      " on the size line is not an integer");
        if (ec == std::errc{} && v < 0)
            throw parse_error(ln, std::string("number of ") + what + " is negative (" + std::to_string(v) + ")");
        if (ec != std::errc{} || static_cast<std::uint64_t>(v) > index_max)
            throw parse_error(ln, std::string("number of ") + what + " " + show_token(tok) + " does not fit the " + index_type);
        return static_cast<std::uint64_t>(v);
    };
    h.rows = number("rows");
    h.cols = number("columns");
    const std::uint64_t declared = coordinate ? number("entries") : 0;
    if (!words.at_end())
        throw parse_error(ln, "unexpected " + show_token(words.next()) + " after the size line; expected " + layout);
    for (const auto& [n, what] : {std::pair{h.rows, "rows"}, std::pair{h.cols, "columns"}})
        if (n > max_dimension)
            throw parse_error(ln, std::string("number of ") + what + " " + std::to_string(n) +
                                      " exceeds read_options::max_dimension = " + std::to_string(max_dimension));
    if (h.symmetry != mm_symmetry::general && h.rows != h.cols)
        throw parse_error(ln, std::string("a ") + symmetry_name(h.symmetry) +
                                  " matrix must be square, but the size line declares " + std::to_string(h.rows) + "x" +
                                  std::to_string(h.cols));
    const std::uint64_t capacity = stored_capacity(h.symmetry, h.rows, h.cols);
    if (coordinate && declared > capacity)
        throw parse_error(ln, "size line declares " + std::to_string(declared) + " entries, but a " +
                                  std::to_string(h.rows) + "x" + std::to_string(h.cols) + " " + symmetry_name(h.symmetry) +
                                  " matrix stores at most " + std::to_string(capacity) + " distinct entries");
    h.entries = coordinate ? declared : capacity;
    h.size_line = ln;
}

/// Reads line 1 and parses it as the banner.
[[nodiscard]] inline matrix_market_header read_banner(line_reader& in) {
    std::string_view line;
    if (!in.next(line)) throw parse_error(1, "missing Matrix Market banner (the input is empty)");
    return parse_banner(line);
}

} // namespace detail

/// Reads the banner and size line of a Matrix Market stream, checking sizes against 64-bit indices.
/// Throws parse_error on a malformed header. The stream is read in blocks, so afterwards it is not
/// positioned at the first entry.
[[nodiscard]] inline matrix_market_header read_matrix_market_header(std::istream& in) {
    detail::line_reader lines(in);
    auto h = detail::read_banner(lines);
    detail::read_size_line<std::int64_t>(lines, h, std::numeric_limits<std::uint64_t>::max());
    return h;
}

/// As above, from a file; throws invalid_argument_error if it cannot be opened.
[[nodiscard]] inline matrix_market_header read_matrix_market_header(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw invalid_argument_error("read_matrix_market_header: cannot open " + file.string());
    return read_matrix_market_header(in);
}

} // namespace waferblas::io
