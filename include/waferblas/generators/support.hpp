// waferblas/generators/support.hpp — what every generator family shares: a portable seeded random
// stream, the non-zero values generators store, and overflow-checked size arithmetic.
//
//   waferblas::generators::detail::random_stream s(seed, waferblas::generators::detail::stream::values);
//   double v = s.nonzero<double>();          // |v| in [0.5, 1.5), random sign
//
// Reproducibility: std::mt19937_64's output sequence is fixed by the standard, but the standard
// distributions (uniform_real_distribution, ...) are not, so every variate is derived from raw
// 64-bit outputs here. A seed therefore gives the same matrix with any standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "../core/error.hpp"
#include "../core/memory.hpp"
#include "../core/scalar.hpp"

namespace waferblas::generators::detail {

/// Independent streams derived from one seed: the sparsity pattern never depends on how many
/// draws the values took, so a seed gives the same pattern for every T and I.
enum class stream : std::uint64_t { structure = 0, values = 1 };

/// splitmix64: spreads (seed, stream) over the generator's seed space, so seeds 1 and 2 are unrelated.
[[nodiscard]] constexpr std::uint64_t mix(std::uint64_t z) noexcept {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class random_stream {
public:
    random_stream(std::uint64_t seed, stream s) : g_(mix(mix(seed) ^ static_cast<std::uint64_t>(s))) {}

    [[nodiscard]] std::uint64_t bits() { return g_(); }

    /// Uniform on [0, 1) with 53 random bits.
    [[nodiscard]] double uniform() { return static_cast<double>(g_() >> 11) * 0x1p-53; }

    /// Uniform on (0, 1]: safe to take the logarithm of.
    [[nodiscard]] double uniform_positive() { return static_cast<double>((g_() >> 11) + 1) * 0x1p-53; }

    /// Uniform on [0, n), n >= 1, without modulo bias (rejects the incomplete last block).
    [[nodiscard]] std::uint64_t below(std::uint64_t n) {
        const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t limit = max - max % n;
        std::uint64_t x = g_();
        while (x >= limit) x = g_();
        return x % n;
    }

    /// A value with every component (real, and imaginary for complex T) of magnitude in [0.5, 1.5)
    /// and random sign: never zero, so a generator's nnz is exactly its structural count.
    template <scalar T>
    [[nodiscard]] T nonzero() {
        if constexpr (is_complex_v<T>) {
            const auto re = component(g_());
            return T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(component(g_())));
        } else {
            return static_cast<T>(component(g_()));
        }
    }

    /// Like nonzero() but every component positive, so sums of such values never cancel to zero.
    template <scalar T>
    [[nodiscard]] T positive() {
        if constexpr (is_complex_v<T>) {
            const auto re = magnitude(g_());
            return T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(magnitude(g_())));
        } else {
            return static_cast<T>(magnitude(g_()));
        }
    }

private:
    static double magnitude(std::uint64_t x) { return 0.5 + static_cast<double>(x >> 11) * 0x1p-53; }
    static double component(std::uint64_t x) { return (x & 1U) ? -magnitude(x) : magnitude(x); }

    std::mt19937_64 g_;
};

/// a * b for non-negative a, b; overflow_error naming `what` if it exceeds 64 bits.
[[nodiscard]] inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* what) {
    if (a != 0 && b > std::numeric_limits<std::int64_t>::max() / a)
        throw overflow_error(std::string(what) + " overflows 64 bits");
    return a * b;
}

/// a + b for non-negative a, b; overflow_error naming `what` if it exceeds 64 bits.
[[nodiscard]] inline std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* what) {
    if (b > std::numeric_limits<std::int64_t>::max() - a) throw overflow_error(std::string(what) + " overflows 64 bits");
    return a + b;
}

/// Throws invalid_argument_error unless 0 <= p <= 1 (NaN included in the rejection).
inline void check_probability(double p, const char* what) {
    if (!(p >= 0.0 && p <= 1.0)) throw invalid_argument_error(std::string(what) + " = " + std::to_string(p) + " is not in [0, 1]");
}

} // namespace waferblas::generators::detail
