// waferblas/kernels/simd.hpp — the SIMD width the kernels are shaped for.
//
// WaferBLAS is header-only, so the instruction set is the one the *user's* translation unit is
// compiled for (-mavx2, -march=native, ...): the kernels are written as fixed-width loops that the
// compiler turns into SSE2, AVX2 or AVX-512 code, and the widths below keep their accumulators in
// registers for that instruction set. Built without any such flag, they are portable x86-64 (SSE2)
// or generic code. Nothing here depends on the machine that built the library.
#pragma once

#include <cstddef>

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

} // namespace waferblas::kernels
