// waferblas/core/scalar.hpp — the value and index types WaferBLAS computes with.
//
// `scalar` admits exactly the four BLAS types (float, double, complex<float>, complex<double>);
// `index` admits the signed 32- and 64-bit integers used for sparse indices.
#pragma once

#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "error.hpp"

namespace waferblas {

template <class T>
struct is_complex : std::false_type {};
template <class R>
struct is_complex<std::complex<R>> : std::true_type {};
template <class T>
inline constexpr bool is_complex_v = is_complex<T>::value;

/// float, double, std::complex<float> or std::complex<double>.
template <class T>
concept scalar = std::same_as<T, float> || std::same_as<T, double> ||
                 std::same_as<T, std::complex<float>> || std::same_as<T, std::complex<double>>;

/// std::int32_t or std::int64_t: the index types of sparse structures.
template <class I>
concept index = std::same_as<I, std::int32_t> || std::same_as<I, std::int64_t>;

namespace detail {
template <class T>
struct real_type { using type = T; };
template <class R>
struct real_type<std::complex<R>> { using type = R; };
} // namespace detail

/// The real type underlying T (double for complex<double>).
template <class T>
using real_t = typename detail::real_type<T>::type;

/// Complex conjugate that stays in T (std::conj of a real returns a complex).
template <scalar T>
[[nodiscard]] constexpr T conj(const T& v) noexcept {
    if constexpr (is_complex_v<T>) return std::conj(v); else return v;
}

/// Number of 32-bit fabric words (wavelets) one value of T occupies.
template <class T>
inline constexpr std::size_t words_per_value = (sizeof(T) + 3) / 4;

/// Real floating-point operations in one multiply-add of T (2 for real, 8 for complex).
template <scalar T>
inline constexpr std::size_t flops_per_fma = is_complex_v<T> ? 8 : 2;

/// Readable name of a scalar type, for messages and reports.
template <scalar T>
[[nodiscard]] constexpr const char* scalar_name() noexcept {
    if constexpr (std::same_as<T, float>) return "float";
    else if constexpr (std::same_as<T, double>) return "double";
    else if constexpr (std::same_as<T, std::complex<float>>) return "complex<float>";
    else return "complex<double>";
}

/// Converts a size to index type I, throwing overflow_error (naming `what`) if it does not fit.
template <index I, class N>
[[nodiscard]] I checked_index(N n, const char* what) {
    static_assert(std::is_integral_v<N>);
    if constexpr (std::is_signed_v<N>) {
        if (n < 0) throw invalid_argument_error(std::string(what) + " is negative (" + std::to_string(n) + ")");
    }
    if (static_cast<std::uintmax_t>(n) > static_cast<std::uintmax_t>(std::numeric_limits<I>::max()))
        throw overflow_error(std::string(what) + " = " + std::to_string(n) + " does not fit the " +
                             std::to_string(sizeof(I) * 8) + "-bit index type");
    return static_cast<I>(n);
}

} // namespace waferblas
