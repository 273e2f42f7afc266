// waferblas/io/matrix_market_write.hpp — writing CSR matrices as Matrix Market files.
//
//   waferblas::io::write_matrix_market("A.mtx", A);                                   // coordinate
//   waferblas::io::write_matrix_market(std::cout, A, {.format = waferblas::io::mm_format::array});
//
// Values are written in the shortest form that reads back to the same bits (std::to_chars), so
// read_matrix_market(write_matrix_market(A)) == A exactly — never more digits than max_digits10 —
// in coordinate format. The array format writes every position and the reader keeps the nonzeros
// only, so stored zeros (+0 and -0) do not come back from an array file.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>

#include "../core/error.hpp"
#include "../core/scalar.hpp"
#include "../sparse/convert.hpp"
#include "../sparse/csr_matrix.hpp"
#include "matrix_market_header.hpp"

namespace waferblas::io {

struct write_options {
    /// coordinate: the stored entries, "coordinate general"; array: every value column by column,
    /// zeros included, "array general".
    mm_format format = mm_format::coordinate;
    /// Write the structure only ("pattern" field). Coordinate format only.
    bool pattern = false;
    /// Written after the banner, each of its lines as a "% " comment line.
    std::string comment{};
};

namespace detail {

/// Formats into a buffer and hands it to the stream in large blocks.
class text_writer {
public:
    explicit text_writer(std::ostream& out) : out_(out) { buf_.reserve(block + 64); }

    text_writer& operator<<(std::string_view s) {
        buf_ += s;
        if (buf_.size() >= block) flush();
        return *this;
    }
    /// Integers exactly; floating point in the shortest form that round-trips.
    template <class N>
    text_writer& number(N v) {
        char tmp[64];
        const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        return *this << std::string_view(tmp, static_cast<std::size_t>(r.ptr - tmp));
    }
    template <scalar T>
    text_writer& value(const T& v) {
        if constexpr (is_complex_v<T>) {
            number(v.real()) << " ";
            return number(v.imag());
        } else {
            return number(v);
        }
    }
    void flush() {
        out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        buf_.clear();
    }

private:
    static constexpr std::size_t block = std::size_t{1} << 16;
    std::ostream& out_;
    std::string buf_;
};

} // namespace detail

/// Writes `a` as "%%MatrixMarket matrix coordinate|array real|complex|pattern general".
/// Throws invalid_argument_error for pattern with array, and waferblas::error if the stream fails.
template <scalar T, index I>
void write_matrix_market(std::ostream& out, const csr_matrix<T, I>& a, const write_options& opt = {}) {
    const bool array = opt.format == mm_format::array;
    if (array && opt.pattern)
        throw invalid_argument_error("write_matrix_market: the pattern field needs the coordinate format");
    detail::text_writer w(out);
    w << "%%MatrixMarket matrix " << (array ? "array " : "coordinate ")
      << (opt.pattern ? "pattern" : is_complex_v<T> ? "complex" : "real") << " general\n";
    for (std::size_t start = 0; start < opt.comment.size();) {
        const std::size_t end = std::min(opt.comment.find('\n', start), opt.comment.size());
        const auto line = std::string_view(opt.comment).substr(start, end - start);
        w << (line.empty() ? "%" : "% ") << line << "\n";
        start = end + 1;
    }
    const auto row_ptr = a.row_ptr();
    const auto col_idx = a.col_idx();
    const auto values = a.values();
    if (array) {
        w.number(a.rows()) << " ";
        w.number(a.cols()) << "\n";
        const auto c = to_csc(a);
        const auto col_ptr = c.col_ptr();
        const auto row_idx = c.row_idx();
        const auto cvalues = c.values();
        for (I j = 0; j < a.cols(); ++j) {
            auto p = static_cast<std::size_t>(col_ptr[static_cast<std::size_t>(j)]);
            for (I i = 0; i < a.rows(); ++i) {
                const bool stored = p < static_cast<std::size_t>(col_ptr[static_cast<std::size_t>(j) + 1]) && row_idx[p] == i;
                w.value(stored ? cvalues[p++] : T{}) << "\n";
            }
        }
    } else {
        w.number(a.rows()) << " ";
        w.number(a.cols()) << " ";
        w.number(a.nnz()) << "\n";
        for (I i = 0; i < a.rows(); ++i) {
            const auto end = static_cast<std::size_t>(row_ptr[static_cast<std::size_t>(i) + 1]);
            for (auto p = static_cast<std::size_t>(row_ptr[static_cast<std::size_t>(i)]); p < end; ++p) {
                w.number(static_cast<std::int64_t>(i) + 1) << " ";
                w.number(static_cast<std::int64_t>(col_idx[p]) + 1);
                if (!opt.pattern) {
                    w << " ";
                    w.value(values[p]);
                }
                w << "\n";
            }
        }
    }
    w.flush();
    if (!out) throw error("write_matrix_market: writing to the stream failed");
}

/// Writes `a` to a file (replacing it); throws invalid_argument_error if it cannot be created.
template <scalar T, index I>
void write_matrix_market(const std::filesystem::path& file, const csr_matrix<T, I>& a, const write_options& opt = {}) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) throw invalid_argument_error("write_matrix_market: cannot open " + file.string() + " for writing");
    write_matrix_market(out, a, opt);
    out.close();
    if (!out) throw error("write_matrix_market: writing " + file.string() + " failed");
}

} // namespace waferblas::io
