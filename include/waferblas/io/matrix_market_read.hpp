// waferblas/io/matrix_market_read.hpp — reading Matrix Market files into COO or CSR.
//
//   auto A = waferblas::io::read_matrix_market<double>("bcsstk01.mtx");            // full matrix
//   auto L = waferblas::io::read_matrix_market<double, std::int64_t>(
//       "bcsstk01.mtx", {.symmetry = waferblas::io::symmetry_handling::keep_stored_triangle});
//
// Every malformed input throws waferblas::parse_error carrying the 1-based line and the reason; see
// matrix_market.hpp for the decisions the format leaves open.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/memory.hpp"
#include "../core/scalar.hpp"
#include "../sparse/convert.hpp"
#include "../sparse/coo_matrix.hpp"
#include "../sparse/csr_matrix.hpp"
#include "matrix_market_header.hpp"
#include "text_input.hpp"

namespace waferblas::io {

/// What to return for a symmetric, skew-symmetric or Hermitian file.
enum class symmetry_handling {
    expand,               ///< the full matrix: each off-diagonal entry also at its mirror position
    keep_stored_triangle  ///< only the entries the file stores, where it stores them
};

struct read_options {
    symmetry_handling symmetry = symmetry_handling::expand;
    /// Repeated (i, j) entries: summed, or rejected with a parse_error naming both lines. A pattern
    /// entry given twice sums to 2 (then all_values_one() is false), as scipy reads it. Either way
    /// a size line may not declare more entries than the matrix has positions (stored_capacity).
    duplicates duplicate_entries = duplicates::sum;
    /// Larger row or column counts are rejected on the size line. The result takes memory proportional
    /// to the dimensions even with no entries, so bound this when reading untrusted files.
    std::uint64_t max_dimension = std::numeric_limits<std::uint64_t>::max();
};

namespace detail {

/// Maps entry numbers to line numbers without storing one line per entry: entries sit on consecutive
/// lines except after a comment or blank line, so only where each run starts is recorded.
class entry_lines {
public:
    void add(std::size_t entry, std::size_t line) {
        if (runs_.empty() || line - runs_.back().second != entry - runs_.back().first) runs_.emplace_back(entry, line);
    }
    [[nodiscard]] std::size_t line_of(std::size_t entry) const {
        auto run = std::upper_bound(runs_.begin(), runs_.end(), entry,
                                    [](std::size_t e, const auto& r) { return e < r.first; });
        --run;
        return run->second + (entry - run->first);
    }

private:
    std::vector<std::pair<std::size_t, std::size_t>> runs_;  // (first entry of the run, its line)
};

[[nodiscard]] inline std::string position(std::uint64_t i, std::uint64_t j) {
    return "(" + std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")";  // 1-based, as in the file
}

template <index I>
[[nodiscard]] I parse_index(tokenizer& words, const char* what, std::uint64_t n, std::size_t ln) {
    const std::string_view tok = words.next();
    if (tok.empty()) throw parse_error(ln, std::string("missing ") + what + " index");
    std::int64_t v = 0;
    const std::errc ec = parse_integer(tok, v);
    if (ec == std::errc::invalid_argument)
        throw parse_error(ln, std::string(what) + " index " + show_token(tok) + " is not an integer");
    if (ec != std::errc{} || v < 1 || static_cast<std::uint64_t>(v) > n)
        throw parse_error(ln, std::string(what) + " index " + show_token(tok) + " is out of range [1, " +
                                  std::to_string(n) + "]" +
                                  (ec == std::errc{} && v == 0 ? " (Matrix Market indices are 1-based)" : ""));
    return static_cast<I>(v - 1);
}

template <scalar T>
[[nodiscard]] T parse_value(tokenizer& words, mm_field field, std::size_t ln) {
    using R = real_t<T>;
    if (field == mm_field::pattern) return T{1};
    auto part = [&](const char* what) -> R {
        const std::string_view tok = words.next();
        if (tok.empty()) throw parse_error(ln, std::string("missing ") + what);
        if (field == mm_field::integer) {
            std::int64_t v = 0;
            const std::errc ec = parse_integer(tok, v);
            if (ec == std::errc::invalid_argument)
                throw parse_error(ln, std::string(what) + " " + show_token(tok) + " is not an integer (the field is integer)");
            if (ec != std::errc{})
                throw parse_error(ln, std::string(what) + " " + show_token(tok) + " does not fit a 64-bit integer");
            return static_cast<R>(v);
        }
        R v{};
        const std::errc ec = parse_real(tok, v);
        if (ec == std::errc::invalid_argument)
            throw parse_error(ln, std::string(what) + " " + show_token(tok) + " is not a number");
        if (ec != std::errc{})
            throw parse_error(ln, std::string(what) + " " + show_token(tok) + " is out of range for " + scalar_name<R>());
        return v;
    };
    const R re = part("value");
    if constexpr (is_complex_v<T>) {
        if (field == mm_field::complex) return T(re, part("imaginary part"));
    }
    return T(re);  // a complex file never gets here for real T: it is rejected at the banner
}

[[nodiscard]] inline const char* entry_layout(mm_format format, mm_field field) noexcept {
    const bool a = format == mm_format::array;
    switch (field) {
    case mm_field::pattern: return "'row column'";
    case mm_field::complex: return a ? "'real imaginary'" : "'row column real imaginary'";
    default: return a ? "'value'" : "'row column value'";
    }
}

/// The checks on one entry that depend on the symmetry: no stored diagonal when skew-symmetric, a real
/// diagonal when Hermitian.
template <scalar T>
void check_entry(const matrix_market_header& h, std::uint64_t i, std::uint64_t j, const T& v, std::size_t ln) {
    if (i != j) return;
    if (h.symmetry == mm_symmetry::skew_symmetric)
        throw parse_error(ln, "diagonal entry " + position(i, j) +
                                  " in a skew-symmetric matrix (its diagonal is zero and not stored)");
    if constexpr (is_complex_v<T>) {
        if (h.symmetry == mm_symmetry::hermitian && v.imag() != real_t<T>{0})
            throw parse_error(ln, "diagonal entry " + position(i, j) + " of a hermitian matrix has a nonzero imaginary part");
    }
}

template <scalar T>
[[nodiscard]] T mirrored(mm_symmetry s, const T& v) {
    if (s == mm_symmetry::skew_symmetric) return -v;
    if (s == mm_symmetry::hermitian) return waferblas::conj(v);
    return v;
}

/// The next entry line, or a parse_error one past the last line when the file ends early.
inline std::string_view next_entry(line_reader& in, const matrix_market_header& h, std::uint64_t read) {
    std::string_view line;
    if (!next_content_line(in, line))
        throw parse_error(in.line_number() + 1, "file ends after " + std::to_string(read) + " of " + std::to_string(h.entries) +
                                                    " entries declared on line " + std::to_string(h.size_line));
    return line;
}

/// After the declared entries only comments and blank lines may follow.
inline void expect_end_of_data(line_reader& in, const matrix_market_header& h) {
    std::string_view line;
    if (next_content_line(in, line))
        throw parse_error(in.line_number(), "more entries than the " + std::to_string(h.entries) + " declared on line " +
                                                std::to_string(h.size_line) + " (unexpected " + show_token(line) + ")");
}

/// Entry numbers ordered by (row(k), col(k)), ties in entry order, so repeats come out in file order.
template <class Row, class Col>
[[nodiscard]] std::vector<std::size_t> sort_by_position(std::size_t n, std::uint64_t rows, std::uint64_t cols, Row row,
                                                        Col col) {
    std::vector<std::size_t> order(n);
    // Two counting-sort passes cost O(n + rows + cols); when the dimensions dwarf n (a hypersparse
    // matrix) a comparison sort is cheaper and allocates nothing proportional to them.
    if (rows + cols > 4 * static_cast<std::uint64_t>(n) + 1024) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return std::tuple(row(a), col(a), a) < std::tuple(row(b), col(b), b);
        });
        return order;
    }
    std::vector<std::size_t> by_col(n);
    {
        std::vector<std::size_t> start(static_cast<std::size_t>(cols) + 1, 0);
        for (std::size_t k = 0; k < n; ++k) ++start[static_cast<std::size_t>(col(k)) + 1];
        std::partial_sum(start.begin(), start.end(), start.begin());
        for (std::size_t k = 0; k < n; ++k) by_col[start[static_cast<std::size_t>(col(k))]++] = k;
    }
    std::vector<std::size_t> start(static_cast<std::size_t>(rows) + 1, 0);
    for (std::size_t k = 0; k < n; ++k) ++start[static_cast<std::size_t>(row(k)) + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    for (const std::size_t k : by_col) order[start[static_cast<std::size_t>(row(k))]++] = k;
    return order;
}

/// The entries a file stores, as read: 0-based positions as the file gives them, in file order.
template <scalar T, index I>
struct stored_entries {
    std::vector<I> row, col;
    std::vector<T> val;
    entry_lines lines;

    void reserve(std::size_t n) {
        row.reserve(n);
        col.reserve(n);
        val.reserve(n);
    }
    void add(I i, I j, const T& v, std::size_t line) {
        lines.add(val.size(), line);
        row.push_back(i);
        col.push_back(j);
        val.push_back(v);
    }
};

/// Builds the CSR result from the stored entries: repeats summed or rejected, an entry given in both
/// triangles of a symmetric file rejected, and mirror images added when expanding.
template <scalar T, index I>
[[nodiscard]] csr_matrix<T, I> assemble(const matrix_market_header& h, const stored_entries<T, I>& s, const read_options& opt) {
    const bool general = h.symmetry == mm_symmetry::general;
    const bool expand = !general && opt.symmetry == symmetry_handling::expand;
    const auto& ri = s.row;
    const auto& ci = s.col;
    const std::size_t n = s.val.size();
    // Entries are grouped by their lower-triangle position for the symmetric kinds, so that an entry
    // and its mirror meet. In that order every row can be filled left to right (see place below).
    auto key_row = [&](std::size_t k) { return general ? ri[k] : std::max(ri[k], ci[k]); };
    auto key_col = [&](std::size_t k) { return general ? ci[k] : std::min(ri[k], ci[k]); };
    const std::vector<std::size_t> order = sort_by_position(n, h.rows, h.cols, key_row, key_col);
    auto for_each_position = [&](auto&& visit) {  // visit(p, q): order[p, q) share one position
        for (std::size_t p = 0; p < n;) {
            std::size_t q = p + 1;
            while (q < n && key_row(order[q]) == key_row(order[p]) && key_col(order[q]) == key_col(order[p])) ++q;
            visit(p, q);
            p = q;
        }
    };

    // Pass 1: find the offending repeat that comes first in the file (not first in sorted order), and
    // count each row's entries left of and on the diagonal ("lower") and right of it ("upper").
    const auto rows = static_cast<std::size_t>(h.rows);
    std::vector<std::size_t> lower(rows, 0), upper(rows, 0);
    auto count = [&](I r, I c) { ++(c <= r ? lower : upper)[static_cast<std::size_t>(r)]; };
    std::size_t bad = n, bad_first = 0;
    for_each_position([&](std::size_t p, std::size_t q) {
        const std::size_t first = order[p];
        for (std::size_t x = p + 1; x < q; ++x) {
            const std::size_t k = order[x];
            const bool mirror = ri[k] != ri[first];  // same position, other triangle
            if ((mirror || opt.duplicate_entries == duplicates::reject) && k < bad) {
                bad = k;
                bad_first = first;
            }
        }
        if (!expand) {
            count(ri[first], ci[first]);
        } else {
            count(key_row(first), key_col(first));
            if (ri[first] != ci[first]) count(key_col(first), key_row(first));
        }
    });
    if (bad < n) {
        const auto at = [&](std::size_t k) {
            return position(static_cast<std::uint64_t>(ri[k]), static_cast<std::uint64_t>(ci[k]));
        };
        const std::string first_line = std::to_string(s.lines.line_of(bad_first));
        if (ri[bad] != ri[bad_first])
            throw parse_error(s.lines.line_of(bad), "entry " + at(bad) + " mirrors entry " + at(bad_first) + " on line " +
                                                        first_line + "; a " + symmetry_name(h.symmetry) +
                                                        " file stores each off-diagonal pair once");
        throw parse_error(s.lines.line_of(bad), "duplicate entry " + at(bad) + ", first given on line " + first_line);
    }

    // Row pointers. Each row fills from two cursors, its lower part then its upper part: the lower
    // part of row r comes from positions (r, c <= r), met in increasing c; the upper part from
    // mirrors (c, r) with c > r, met in increasing c as well. So every row comes out sorted. The
    // three arrays the matrix keeps are advised for huge pages before their first touch (memory.hpp).
    auto ptr = waferblas::detail::large_vector<I>(rows + 1, I{0});
    std::size_t total = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t row_start = total;
        total += lower[r] + upper[r];
        if (total > static_cast<std::size_t>(std::numeric_limits<I>::max()))
            throw parse_error(h.size_line, "the matrix has more nonzeros than the " + std::to_string(sizeof(I) * 8) +
                                               "-bit index type can count" + (expand ? " once expanded" : ""));
        ptr[r + 1] = static_cast<I>(total);
        upper[r] = row_start + lower[r];  // the counts become the cursors
        lower[r] = row_start;
    }
    auto idx = waferblas::detail::large_vector<I>(total);
    auto val = waferblas::detail::large_vector<T>(total);
    auto place = [&](I r, I c, const T& v) {
        std::size_t& at = (c <= r ? lower : upper)[static_cast<std::size_t>(r)];
        idx[at] = c;
        val[at] = v;
        ++at;
    };
    for_each_position([&](std::size_t p, std::size_t q) {
        const std::size_t first = order[p];
        T sum = s.val[first];
        for (std::size_t x = p + 1; x < q; ++x) sum += s.val[order[x]];
        if (!expand) {
            place(ri[first], ci[first], sum);
            return;
        }
        const bool stored_lower = ri[first] >= ci[first];
        const T mirror = mirrored(h.symmetry, sum);
        place(key_row(first), key_col(first), stored_lower ? sum : mirror);
        if (ri[first] != ci[first]) place(key_col(first), key_row(first), stored_lower ? mirror : sum);
    });
    return csr_matrix<T, I>(static_cast<I>(h.rows), static_cast<I>(h.cols), std::move(ptr), std::move(idx), std::move(val));
}

// A size line's promise is no reason to allocate: reserve at most this many entries up front.
inline constexpr std::uint64_t reserve_cap = std::uint64_t{1} << 20;

template <scalar T, index I>
[[nodiscard]] stored_entries<T, I> read_coordinate(line_reader& in, const matrix_market_header& h) {
    stored_entries<T, I> s;
    s.reserve(static_cast<std::size_t>(std::min(h.entries, reserve_cap)));
    for (std::uint64_t k = 0; k < h.entries; ++k) {  // h.entries fits I: checked on the size line
        tokenizer words(next_entry(in, h, k));
        const std::size_t ln = in.line_number();
        const I i = parse_index<I>(words, "row", h.rows, ln);
        const I j = parse_index<I>(words, "column", h.cols, ln);
        const T x = parse_value<T>(words, h.field, ln);
        if (!words.at_end())
            throw parse_error(ln, "unexpected " + show_token(words.next()) + " after the entry; expected " +
                                      entry_layout(h.format, h.field));
        check_entry(h, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j), x, ln);
        s.add(i, j, x, ln);
    }
    return s;
}

template <scalar T, index I>
[[nodiscard]] stored_entries<T, I> read_array(line_reader& in, const matrix_market_header& h) {
    // Column-major; the symmetric kinds store the lower triangle, skew-symmetric without the diagonal.
    auto first_row = [&](std::uint64_t j) {
        return h.symmetry == mm_symmetry::general ? 0 : (h.symmetry == mm_symmetry::skew_symmetric ? j + 1 : j);
    };
    stored_entries<T, I> s;
    std::uint64_t i = first_row(0), j = 0;
    for (std::uint64_t k = 0; k < h.entries; ++k) {
        tokenizer words(next_entry(in, h, k));
        const std::size_t ln = in.line_number();
        const T x = parse_value<T>(words, h.field, ln);
        if (!words.at_end())
            throw parse_error(ln, "unexpected " + show_token(words.next()) + " after the value; expected " +
                                      entry_layout(h.format, h.field));
        check_entry(h, i, j, x, ln);
        // A dense file has no structure: only nonzeros are kept (NaN is nonzero).
        if (x != T{}) {
            if (s.val.size() >= static_cast<std::size_t>(std::numeric_limits<I>::max()))
                throw parse_error(ln, "more nonzeros than the " + std::to_string(sizeof(I) * 8) + "-bit index type can count");
            s.add(static_cast<I>(i), static_cast<I>(j), x, ln);
        }
        if (++i >= h.rows) i = first_row(++j);
    }
    return s;
}

inline std::ifstream open_for_reading(const std::filesystem::path& file, const char* who) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw invalid_argument_error(std::string(who) + ": cannot open " + file.string());
    return in;
}

} // namespace detail

/// Reads a Matrix Market stream into a CSR matrix: repeats summed or rejected per `opt`, symmetric
/// kinds mirrored to the full matrix unless opt.symmetry says otherwise. Throws parse_error if the
/// input is malformed, invalid_argument_error if the stream is not readable.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> read_matrix_market(std::istream& in, const read_options& opt = {}) {
    if (!in) throw invalid_argument_error("read_matrix_market: the stream is not readable");
    detail::line_reader lines(in);
    auto h = detail::read_banner(lines);
    if constexpr (!is_complex_v<T>) {
        if (h.field == mm_field::complex)
            throw parse_error(1, std::string("complex file read into real type ") + scalar_name<T>() +
                                     "; read it as std::complex<" + scalar_name<T>() + ">");
    }
    detail::read_size_line<I>(lines, h, opt.max_dimension);
    const auto stored = h.format == mm_format::coordinate ? detail::read_coordinate<T, I>(lines, h)
                                                          : detail::read_array<T, I>(lines, h);
    detail::expect_end_of_data(lines, h);
    return detail::assemble(h, stored, opt);
}

/// Reads a Matrix Market file into a CSR matrix; throws invalid_argument_error if it cannot be opened.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> read_matrix_market(const std::filesystem::path& file, const read_options& opt = {}) {
    auto in = detail::open_for_reading(file, "read_matrix_market");
    return read_matrix_market<T, I>(in, opt);
}

/// As read_matrix_market, as triplets in row-major order (no repeats).
template <scalar T, index I = std::int32_t>
[[nodiscard]] coo_matrix<T, I> read_matrix_market_coo(std::istream& in, const read_options& opt = {}) {
    return to_coo(read_matrix_market<T, I>(in, opt));
}

template <scalar T, index I = std::int32_t>
[[nodiscard]] coo_matrix<T, I> read_matrix_market_coo(const std::filesystem::path& file, const read_options& opt = {}) {
    return to_coo(read_matrix_market<T, I>(file, opt));
}

} // namespace waferblas::io
