// Test support: whether an address lies in memory advised for transparent huge pages, read from
// the kernel's own account of this process (/proc/self/smaps: "hg" in the mapping's VmFlags is
// set by madvise(MADV_HUGEPAGE), whether or not huge pages were available to back it).
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace waferblas_test {

/// true or false on Linux with transparent huge pages; nullopt where the question has no answer
/// (no smaps, a kernel without THP, or THP disabled), so callers can skip rather than pass.
inline std::optional<bool> huge_page_advised(const void* p) {
#if defined(__linux__)
    {
        std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
        std::string modes;
        if (!std::getline(thp, modes) || modes.find("[never]") != std::string::npos) return std::nullopt;
    }
    std::ifstream smaps("/proc/self/smaps");
    if (!smaps) return std::nullopt;
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        // A mapping's header: "start-end perms offset dev inode [path]" (addresses in hex).
        if (const auto dash = line.find('-'); dash != std::string::npos && line.find(' ') > dash &&
                                              line.find_first_not_of("0123456789abcdef") == dash) {
            const auto space = line.find(' ');
            const std::uintptr_t begin = std::stoull(line.substr(0, dash), nullptr, 16);
            const std::uintptr_t end = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
            inside = begin <= at && at < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            std::istringstream flags(line.substr(8));
            for (std::string f; flags >> f;)
                if (f == "hg") return true;
            return false;
        }
    }
    return std::nullopt;
#else
    (void)p;
    return std::nullopt;
#endif
}

} // namespace waferblas_test
