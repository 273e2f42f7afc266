// waferblas/core/aligned_allocator.hpp — dense operands that start on a cache line.
//
//   waferblas::aligned_vector<double> B(n * k), C(m * k);   // row-major, k columns
//   waferblas::spmm(1.0, A, waferblas::matrix_view<const double>(B.data(), n, k), 0.0,
//                   waferblas::matrix_view<double>(C.data(), m, k));
//
// SpMM adds a row of B per nonzero of A. A row that starts inside a cache line spans one line more
// (17 instead of 16 for 128 doubles) and its vector loads straddle lines. A plain std::vector
// gives no alignment beyond 16 bytes: glibc places a large block 16 bytes past a page boundary. On
// the project machine (AVX-512, one thread) SpMM took up to 1.2x as long at 128 columns and up to
// 1.45x at 32 with B 16 bytes past a line as with B on a line (docs/performance.md, item 0, "B on
// a cache line"). Eigen's own dense matrices are aligned the same way. Every row stays on a line
// when the row stride in bytes is a multiple of the alignment too (k a multiple of 8 doubles or
// 16 floats). Blocks of 4 MiB and more are also advised for huge pages before their first touch,
// as the sparse matrices WaferBLAS builds are (core/memory.hpp).
#pragma once

#include <cstddef>
#include <limits>
#include <new>
#include <vector>

#include "memory.hpp"

namespace waferblas {

/// Bytes of a cache line on the x86-64 and AArch64 machines WaferBLAS targets (and of an AVX-512
/// register).
inline constexpr std::size_t cache_line_bytes = 64;

/// A standard allocator whose blocks start at a multiple of Alignment bytes (a power of two, at
/// least alignof(T)). Stateless: any two compare equal.
template <class T, std::size_t Alignment = cache_line_bytes>
class aligned_allocator {
    static_assert(Alignment > 0 && (Alignment & (Alignment - 1)) == 0, "aligned_allocator: Alignment must be a power of two");
    static_assert(Alignment >= alignof(T), "aligned_allocator: Alignment below the type's own alignment");

public:
    using value_type = T;
    /// Needed explicitly: std::allocator_traits cannot rebind a template with a non-type parameter.
    template <class U>
    struct rebind {
        using other = aligned_allocator<U, Alignment>;
    };

    constexpr aligned_allocator() noexcept = default;
    template <class U>
    constexpr aligned_allocator(const aligned_allocator<U, Alignment>&) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
        T* p = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{Alignment}));
        detail::advise_huge_pages(p, n * sizeof(T));
        return p;
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{Alignment}); }

    template <class U>
    [[nodiscard]] constexpr bool operator==(const aligned_allocator<U, Alignment>&) const noexcept {
        return true;
    }
};

/// A std::vector whose elements start on a cache line: the storage to hand SpMM's dense operands.
template <class T>
using aligned_vector = std::vector<T, aligned_allocator<T>>;

} // namespace waferblas
