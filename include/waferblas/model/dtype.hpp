// waferblas/model/dtype.hpp — the data types the wafer timing model prices.
//
//   auto t = waferblas::model::parse_dtype("fp32").value();      // dtype::fp32
//   waferblas::model::bytes_of(t);                                // 4
//   waferblas::model::dtype_of<std::complex<double>>;             // dtype::complex_fp64
//
// fp16 has no WaferBLAS scalar type; it is modelled so that a float plan can be priced as if its
// values were stored and multiplied in half precision (estimate_options::type).
#pragma once

#include <complex>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string_view>

#include "../core/scalar.hpp"

namespace waferblas::model {

enum class dtype { fp16, fp32, fp64, complex_fp32, complex_fp64 };

/// Bytes of one value: 2, 4, 8, 8, 16.
[[nodiscard]] constexpr std::size_t bytes_of(dtype t) noexcept {
    switch (t) {
    case dtype::fp16: return 2;
    case dtype::fp32: return 4;
    case dtype::fp64: return 8;
    case dtype::complex_fp32: return 8;
    case dtype::complex_fp64: return 16;
    }
    return 0;
}

/// 32-bit fabric wavelets one value occupies (an fp16 value still travels in one wavelet).
[[nodiscard]] constexpr std::size_t wavelets_of(dtype t) noexcept { return (bytes_of(t) + 3) / 4; }

[[nodiscard]] constexpr bool is_complex(dtype t) noexcept {
    return t == dtype::complex_fp32 || t == dtype::complex_fp64;
}

/// Real floating-point operations of one multiply-add: 2 for real types, 8 for complex ones.
[[nodiscard]] constexpr double flops_per_fmac(dtype t) noexcept { return is_complex(t) ? 8.0 : 2.0; }

[[nodiscard]] constexpr const char* to_string(dtype t) noexcept {
    switch (t) {
    case dtype::fp16: return "fp16";
    case dtype::fp32: return "fp32";
    case dtype::fp64: return "fp64";
    case dtype::complex_fp32: return "complex_fp32";
    case dtype::complex_fp64: return "complex_fp64";
    }
    return "?";
}

/// Accepts the to_string() names and the C++ spellings ("half", "float", "double",
/// "complex<float>", "complex<double>").
[[nodiscard]] constexpr std::optional<dtype> parse_dtype(std::string_view s) noexcept {
    if (s == "fp16" || s == "half") return dtype::fp16;
    if (s == "fp32" || s == "float") return dtype::fp32;
    if (s == "fp64" || s == "double") return dtype::fp64;
    if (s == "complex_fp32" || s == "complex<float>") return dtype::complex_fp32;
    if (s == "complex_fp64" || s == "complex<double>") return dtype::complex_fp64;
    return std::nullopt;
}

/// The dtype of a WaferBLAS scalar type.
template <scalar T>
inline constexpr dtype dtype_of = std::same_as<T, float>                ? dtype::fp32
                                  : std::same_as<T, double>             ? dtype::fp64
                                  : std::same_as<T, std::complex<float>> ? dtype::complex_fp32
                                                                         : dtype::complex_fp64;

} // namespace waferblas::model
