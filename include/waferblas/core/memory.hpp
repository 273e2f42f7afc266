// waferblas/core/memory.hpp — large arrays that a plan fills once and then streams.
//
// A plan copies or rearranges the whole matrix into fresh memory. On Linux with transparent huge
// pages in `madvise` mode (a common default), every fresh 4 KiB page then costs a page fault on
// first touch; on the project's virtual machine that made copying a 175 MB matrix take 8 times as
// long as one SpMV over it (docs/performance.md, plan construction). Advising the range for huge
// pages before it is first written cuts the faults 512-fold. Elsewhere the advice is a no-op: the
// arrays are ordinary std::vectors either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#if defined(__linux__) && __has_include(<sys/mman.h>)
#include <sys/mman.h>
#define WAFERBLAS_HAS_MADVISE 1
#endif

namespace waferblas::detail {

/// Arrays smaller than this are left to the allocator: the advice would not save a fault.
inline constexpr std::size_t huge_page_advice_bytes = std::size_t{4} << 20;

/// Asks the OS to back the whole pages inside [p, p + bytes) with huge pages. A hint: failure is
/// ignored (the memory is then used with ordinary pages).
inline void advise_huge_pages(const void* p, std::size_t bytes) noexcept {
#ifdef WAFERBLAS_HAS_MADVISE
    if (bytes < huge_page_advice_bytes) return;
    constexpr std::uintptr_t page = 4096;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(p) + bytes;
    if (begin < end) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p, (void)bytes;
#endif
}

/// n copies of `value` in storage advised before its first touch.
template <class T>
[[nodiscard]] std::vector<T> large_vector(std::size_t n, const T& value = T{}) {
    std::vector<T> v;
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
    v.assign(n, value);
    return v;
}

/// A copy of `src` in storage advised before its first touch.
template <class T>
[[nodiscard]] std::vector<std::remove_const_t<T>> large_copy(std::span<T> src) {
    std::vector<std::remove_const_t<T>> v;
    v.reserve(src.size());
    advise_huge_pages(v.data(), src.size() * sizeof(T));
    v.assign(src.begin(), src.end());
    return v;
}

} // namespace waferblas::detail
