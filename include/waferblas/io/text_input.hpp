// waferblas/io/text_input.hpp — line-numbered text input for the file readers (internal).
//
//   waferblas::io::detail::line_reader in(stream);
//   std::string_view line;
//   while (in.next(line)) {
//       waferblas::io::detail::tokenizer words(line);
//       std::int64_t n;
//       if (waferblas::io::detail::parse_integer(words.next(), n) != std::errc{})
//           throw waferblas::parse_error(in.line_number(), "not an integer");
//   }
//
// Numbers are parsed with std::from_chars: locale-independent, no allocation, and it must consume the
// whole token, so "12abc" or "1e" is an error rather than a silently shortened number.
#pragma once

#include <algorithm>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <istream>
#include <limits>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace waferblas::io::detail {

/// Hands out the lines of a stream as string_views (valid until the next call), counting them.
/// Reads large blocks straight from the streambuf: std::getline is several times slower on big files.
class line_reader {
public:
    explicit line_reader(std::istream& in) : src_(in.rdbuf()) {}

    /// The next line without its "\n" or "\r\n"; false at the end of the input.
    bool next(std::string_view& line) {
        for (;;) {
            const char* first = buf_.data() + begin_;
            const auto* nl = static_cast<const char*>(std::memchr(buf_.data() + scanned_, '\n', end_ - scanned_));
            if (nl != nullptr) {
                line = std::string_view(first, static_cast<std::size_t>(nl - first));
                begin_ = scanned_ = static_cast<std::size_t>(nl - buf_.data()) + 1;
                break;
            }
            scanned_ = end_;
            if (eof_) {
                if (begin_ == end_) return false;
                line = std::string_view(first, end_ - begin_);  // last line without a newline
                begin_ = scanned_ = end_;
                break;
            }
            refill();
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++line_;
        return true;
    }

    /// 1-based number of the line last returned by next(); 0 before the first.
    [[nodiscard]] std::size_t line_number() const noexcept { return line_; }

private:
    void refill() {
        // Keep the unfinished line at the front; grow only when a single line fills the buffer.
        if (begin_ > 0) {
            std::copy(buf_.begin() + static_cast<std::ptrdiff_t>(begin_), buf_.begin() + static_cast<std::ptrdiff_t>(end_),
                      buf_.begin());
            end_ -= begin_;
            scanned_ -= begin_;
            begin_ = 0;
        }
        if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
        const std::streamsize got =
            src_ ? src_->sgetn(buf_.data() + end_, static_cast<std::streamsize>(buf_.size() - end_)) : 0;
        if (got <= 0) eof_ = true;
        else end_ += static_cast<std::size_t>(got);
    }

    std::streambuf* src_;
    std::vector<char> buf_ = std::vector<char>(std::size_t{1} << 16);
    std::size_t begin_ = 0, end_ = 0, scanned_ = 0, line_ = 0;
    bool eof_ = false;
};

[[nodiscard]] constexpr bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/// Splits a line into blank-separated tokens.
class tokenizer {
public:
    explicit tokenizer(std::string_view line) noexcept : rest_(line) {}

    /// The next token, or an empty view at the end of the line.
    std::string_view next() noexcept {
        skip_blanks();
        std::size_t n = 0;
        while (n < rest_.size() && !is_blank(rest_[n])) ++n;
        const std::string_view tok = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return tok;
    }

    /// True when only blanks remain.
    [[nodiscard]] bool at_end() noexcept {
        skip_blanks();
        return rest_.empty();
    }

private:
    void skip_blanks() noexcept {
        while (!rest_.empty() && is_blank(rest_.front())) rest_.remove_prefix(1);
    }
    std::string_view rest_;
};

/// True for a line with nothing but blanks.
[[nodiscard]] inline bool is_blank_line(std::string_view line) noexcept {
    return std::all_of(line.begin(), line.end(), is_blank);
}

/// A token for an error message: quoted, cut to 40 characters, unprintable bytes shown as '?'.
[[nodiscard]] inline std::string show_token(std::string_view tok) {
    constexpr std::size_t max_len = 40;
    std::string s = "'";
    for (std::size_t k = 0; k < std::min(tok.size(), max_len); ++k) {
        const auto c = static_cast<unsigned char>(tok[k]);
        s += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return s + (tok.size() > max_len ? "...'" : "'");
}

namespace number_detail {
// from_chars does not take a leading '+', which some writers emit; "+-1" must stay invalid.
[[nodiscard]] constexpr std::string_view strip_plus(std::string_view tok) noexcept {
    if (tok.size() > 1 && tok[0] == '+' && tok[1] != '+' && tok[1] != '-') tok.remove_prefix(1);
    return tok;
}

// from_chars reports overflow and underflow alike as result_out_of_range. The token is a valid
// decimal number, so the position of its first nonzero digit and its exponent give its order of
// magnitude: negative means it underflowed (|x| < 1e-37 at least), otherwise it overflowed.
[[nodiscard]] constexpr bool is_tiny(std::string_view tok) noexcept {
    std::int64_t magnitude = 0;
    bool seen_point = false, seen_digit = false;
    std::size_t k = (!tok.empty() && (tok[0] == '-' || tok[0] == '+')) ? 1 : 0;
    for (; k < tok.size() && tok[k] != 'e' && tok[k] != 'E'; ++k) {
        const char c = tok[k];
        if (c == '.') { seen_point = true; continue; }
        if (!seen_digit && c == '0') { if (seen_point) --magnitude; continue; }
        if (!seen_digit) { seen_digit = true; if (seen_point) --magnitude; continue; }
        if (!seen_point) ++magnitude;
    }
    std::int64_t exponent = 0;
    if (k + 1 < tok.size()) {
        bool negative = false;
        ++k;
        if (tok[k] == '-' || tok[k] == '+') negative = tok[k++] == '-';
        for (; k < tok.size(); ++k) exponent = std::min<std::int64_t>(exponent * 10 + (tok[k] - '0'), 1'000'000'000);
        if (negative) exponent = -exponent;
    }
    return magnitude + exponent < 0;
}
} // namespace number_detail

/// Parses a whole token as an integer. Returns {} on success, invalid_argument if the token is not
/// an integer, result_out_of_range if it does not fit N.
template <std::integral N>
[[nodiscard]] std::errc parse_integer(std::string_view tok, N& out) noexcept {
    tok = number_detail::strip_plus(tok);
    const char* end = tok.data() + tok.size();
    const auto [ptr, ec] = std::from_chars(tok.data(), end, out);
    if (ptr != end || ec == std::errc::invalid_argument) return std::errc::invalid_argument;
    return ec;
}

/// Parses a whole token as a decimal floating-point number (also "nan", "inf", "infinity" in any case).
/// A value too small for R becomes a signed zero, as in IEEE rounding; one too large for R returns
/// result_out_of_range.
template <std::floating_point R>
[[nodiscard]] std::errc parse_real(std::string_view tok, R& out) noexcept {
    tok = number_detail::strip_plus(tok);
    const char* end = tok.data() + tok.size();
    const auto [ptr, ec] = std::from_chars(tok.data(), end, out, std::chars_format::general);
    if (ptr != end || ec == std::errc::invalid_argument) return std::errc::invalid_argument;
    if (ec == std::errc::result_out_of_range) {
        if (!number_detail::is_tiny(tok)) return ec;
        out = tok[0] == '-' ? -R{0} : R{0};
    }
    return std::errc{};
}

} // namespace waferblas::io::detail
