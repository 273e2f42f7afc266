// waferblas/core/memory.hpp — large arrays backed by huge pages where the OS allows.
//
// The arrays of every sparse matrix WaferBLAS builds (Matrix Market reading, triplet compression,
// transposition, the generators, copies of a CSR or CSC matrix), those a plan copies or
// rearranges, and aligned_vector's blocks are advised for transparent huge pages before they are
// first written, when they span 4 MiB or more. On Linux in THP `madvise` mode (a common default)
// such arrays otherwise get 4 KiB pages:
// - an SpMV streaming a matrix beyond the caches then ran 1.1-1.5x slower on the project machine
//   (one thread, `poisson3d_128` 12.1 against 8.7 ms, `banded_1M_w9` 7.3 against 4.9, `rmat18`
//   7.3 against 6.5; docs/performance.md, item 0);
// - every fresh 4 KiB page costs a page fault on first touch: copying a 175 MB matrix took 8 times
//   as long as one SpMV over it (docs/performance.md, plan construction).
// Matrices built from the caller's own vectors keep the caller's pages. Elsewhere the advice is a
// no-op: the arrays are ordinary std::vectors either way.
#pragma once

#include <algorithm>
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

/// An empty vector with room for n elements in storage advised before its first touch (fill it
/// with push_back or insert: it does not reallocate up to n).
template <class T>
[[nodiscard]] std::vector<T> large_reserved(std::size_t n) {
    std::vector<T> v;
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
    return v;
}

/// n copies of `value` in storage advised before its first touch.
template <class T>
[[nodiscard]] std::vector<T> large_vector(std::size_t n, const T& value = T{}) {
    std::vector<T> v = large_reserved<T>(n);
    v.assign(n, value);
    return v;
}

/// Makes v at least n long, growing it by steps of 64 Ki elements within a capacity reserved
/// beforehand (large_reserved): what is written next lands on elements zeroed moments before,
/// still in cache, instead of on a whole array zeroed ahead (for the checkerboard blocks that
/// zeroing cost as much as the copy into them). Beyond the capacity, v grows as resize does.
template <class T>
inline void grow_to(std::vector<T>& v, std::size_t n) {
    if (v.size() < n) v.resize(std::max(n, std::min(v.capacity(), v.size() + (std::size_t{64} << 10))));
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
