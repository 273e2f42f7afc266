#include "extents.hpp"

#include <charconv>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "usage_error.hpp"

namespace waferblas::cli {

std::vector<std::size_t> parse_extents(std::string_view text, std::string_view what) {
    const auto fail = [&](std::string_view why) {
        throw usage_error(fmt::format("{} '{}': {}", what, text, why));
    };
    if (text.empty()) fail("is empty");
    std::vector<std::size_t> parts;
    std::size_t begin = 0;
    while (true) {
        std::size_t end = text.find_first_of("xX", begin);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view part = text.substr(begin, end - begin);
        const std::size_t number = parts.size() + 1;
        if (part.empty()) fail(fmt::format("size {} is missing", number));
        std::size_t value = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (ec == std::errc::result_out_of_range) fail(fmt::format("size {} ({}) is too large", number, part));
        if (ec != std::errc{} || ptr != part.data() + part.size() || part.front() == '+' || part.front() == '-')
            fail(fmt::format("size {} ('{}') is not a whole number", number, part));
        if (value == 0) fail(fmt::format("size {} is 0; every size must be at least 1", number));
        parts.push_back(value);
        if (end == text.size()) break;
        begin = end + 1;
    }
    return parts;
}

std::vector<std::size_t> parse_extents(std::string_view text, std::string_view what, std::size_t count,
                                       std::string_view shape) {
    auto parts = parse_extents(text, what);
    if (parts.size() != count)
        throw usage_error(fmt::format("{} '{}': expected {} ({} size{}), got {}", what, text, shape, count,
                                      count == 1 ? "" : "s", parts.size()));
    return parts;
}

std::string format_extents(const std::vector<std::size_t>& parts) {
    return fmt::format("{}", fmt::join(parts, "x"));
}

} // namespace waferblas::cli
