// waferblas/kernels/simd.hpp — the SIMD width the kernels are shaped for.
//
// WaferBLAS is header-only, so the instruction set is the one the *user's* translation unit is
// compiled for (-mavx2, -march=native, ...): the kernels are written as fixed-width loops that the
// compiler turns into SSE2, AVX2 or AVX-512 code, and the widths below keep their accumulators in
// registers for that instruction set. Built without any such flag, they are portable x86-64 (SSE2)
// or generic code. Nothing here depends on the machine that built the library.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace waferblas::kernels {

#if defined(__AVX512F__)
inline constexpr std::size_t simd_register_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t simd_register_bytes = 32;
#else
inline constexpr std::size_t simd_register_bytes = 16;
#endif

/// Vector registers SpMM's row kernel fills with accumulators, leaving the rest of x86-64's 16
/// (without AVX-512) for operands.
inline constexpr std::size_t accumulator_registers = 8;

/// Panel width of SpMM's row kernel: elements of T per accumulator set. The kernel keeps two sets
/// (even and odd nonzeros of a row), so that two independent FMA chains hide the FMA latency.
template <class T>
inline constexpr std::size_t accumulator_panel = simd_register_bytes * accumulator_registers / sizeof(T) / 2;

/// Vector registers of the instruction set the kernels are compiled for: 32 with AVX-512, 16
/// otherwise (x86-64's count; the kernels assume no more elsewhere).
inline constexpr std::size_t simd_registers = simd_register_bytes == 64 ? 32 : 16;

/// Panel width of SpMM's passes over a long row (row_kernels.hpp): its two accumulator sets fill
/// half of the registers. Twice accumulator_panel with AVX-512's 32 registers, the same otherwise.
template <class T>
inline constexpr std::size_t long_row_panel = simd_register_bytes * (simd_registers / 2) / sizeof(T) / 2;

// ---- Packs ---------------------------------------------------------------------------------------
//
// The SpMM kernels' accumulators are written as explicit vectors (GCC and Clang vector extensions)
// rather than as fixed-length arrays left to the compiler's straight-line (SLP) vectoriser: GCC 12
// at -march=native on an AVX-512 machine cut a 32-double panel into scalar, 2-, 4- and 8-wide
// pieces, or kept it all scalar with spills, and `wiki-Vote` at 32 columns took 1,027 us instead
// of 264 (one thread, docs/performance.md item 0). A pack's arithmetic is element-wise, in the
// order a scalar loop would do it, so results do not change with the pack width.

#if defined(__GNUC__) || defined(__clang__)
#define WAFERBLAS_VECTOR_PACKS 1
#else
#define WAFERBLAS_VECTOR_PACKS 0
#endif

/// Elements of T in one SIMD register as the kernels use it: 1 (plain scalars) for types other
/// than float and double, and for compilers without vector extensions.
template <class T>
inline constexpr std::size_t simd_lanes =
    WAFERBLAS_VECTOR_PACKS && (std::is_same_v<T, float> || std::is_same_v<T, double>) ? simd_register_bytes / sizeof(T) : 1;

namespace detail {
template <class T, std::size_t N>
struct pack_of {
#if WAFERBLAS_VECTOR_PACKS
    typedef T type __attribute__((vector_size(N * sizeof(T))));
#endif
};
template <class T>
struct pack_of<T, 1> {
    using type = T;
};
} // namespace detail

/// N consecutive elements of T as one value (N a power of two, at most simd_lanes<T>): a vector
/// whose + and * act element-wise, a scalar operand standing for every element; T when N = 1.
template <class T, std::size_t N>
using pack = typename detail::pack_of<T, N>::type;

// load_pack and store_pack: a memcpy (one unaligned vector access) for a pack, a plain access for
// one element, which stays one at -O0 (the sanitizer builds) too.
template <std::size_t N, class T>
[[nodiscard]] inline pack<T, N> load_pack(const T* p) noexcept {
    if constexpr (N == 1) {
        return *p;
    } else {
        pack<T, N> v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
}

template <std::size_t N, class T>
inline void store_pack(T* p, const pack<T, N>& v) noexcept {
    if constexpr (N == 1) *p = v;
    else std::memcpy(p, &v, sizeof v);
}

/// a * b + c rounded as a pack's element is: once where the target has fused multiply-add (GCC
/// and Clang contract a pack's `v += a * b` into FMAs there), twice where it has none. Spelled out
/// for one-element panels because GCC's loop vectoriser may turn a scalar sum into an in-order
/// vector reduction whose multiplies are then not contracted: a one-column product of `float`
/// then differed from the same column of a wider one (-march=native, AVX2 or AVX-512).
template <class T>
[[nodiscard]] inline T multiply_add(T a, T b, T c) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__FMA__) || defined(__ARM_FEATURE_FMA))
    if constexpr (std::is_same_v<T, float>) return __builtin_fmaf(a, b, c);
    else if constexpr (std::is_same_v<T, double>) return __builtin_fma(a, b, c);
    else return a * b + c;
#else
    return a * b + c;
#endif
}

/// W sums of T (W a power of two) held as W / lanes packs: the accumulator set of a panel.
template <class T, std::size_t W>
struct panel_sums {
    static constexpr std::size_t lanes = W < simd_lanes<T> ? W : simd_lanes<T>;
    static constexpr std::size_t packs = W / lanes;
    static_assert(packs * lanes == W, "a panel is a whole number of packs");
    pack<T, lanes> v[packs];

    void zero() noexcept {
#pragma GCC unroll 16
        for (std::size_t q = 0; q < packs; ++q) v[q] = pack<T, lanes>{};
    }
    void load(const T* p) noexcept {
#pragma GCC unroll 16
        for (std::size_t q = 0; q < packs; ++q) v[q] = load_pack<lanes>(p + q * lanes);
    }
    void store(T* p) const noexcept {
#pragma GCC unroll 16
        for (std::size_t q = 0; q < packs; ++q) store_pack<lanes>(p + q * lanes, v[q]);
    }
    /// this[t] += a * b[t] for t in [0, W).
    void add_scaled(T a, const T* b) noexcept {
#pragma GCC unroll 16
        for (std::size_t q = 0; q < packs; ++q) {
            if constexpr (lanes == 1) v[q] = multiply_add(a, b[q], v[q]);
            else v[q] += a * load_pack<lanes>(b + q * lanes);
        }
    }
    /// this[t] += o[t].
    void add(const panel_sums& o) noexcept {
#pragma GCC unroll 16
        for (std::size_t q = 0; q < packs; ++q) v[q] += o.v[q];
    }
    [[nodiscard]] T operator[](std::size_t t) const noexcept {
        if constexpr (lanes == 1) return v[t];
        else return v[t / lanes][t % lanes];
    }
};

} // namespace waferblas::kernels
