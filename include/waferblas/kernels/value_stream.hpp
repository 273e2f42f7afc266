// waferblas/kernels/value_stream.hpp — how a kernel reads a matrix's values: from the array, or
// not at all when every value is one.
//
// A pattern matrix (a graph's adjacency matrix, a Matrix Market `pattern` file) stores only ones.
// Reading them is most of an SpMV's traffic: 8 of the 12 bytes per nonzero for double values and
// int32 indices. The kernels take their values as a value_stream: the array, or unit_values, whose
// every read is T(1). For real T, `1 * x` is x exactly (and is folded away by the compiler), so a
// kernel on unit_values gives bitwise the result it gives on an array of ones. Not for complex T:
// (1 + 0i)(a + bi) = (a - 0 b) + (b + 0 a)i can turn a -0 into +0 and an infinity into NaN.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace waferblas::kernels {

/// The values of a matrix whose stored values are all exactly one: nothing is read.
template <class T>
struct unit_values {
    constexpr T operator[](std::size_t) const noexcept { return T(1); }
    /// The values from some nonzero on: the same ones (so kernels may offset it like an array).
    constexpr unit_values operator+(std::size_t) const noexcept { return *this; }
};

/// What a kernel reads values of element type T from.
template <class V, class T>
concept value_stream = std::same_as<V, const T*> || std::same_as<V, unit_values<T>>;

/// Calls f(values), or f(unit_values<T>{}) when every value is one and T is real.
template <class T, class F>
void with_value_stream(const T* values, bool all_one, F&& f) {
    if constexpr (std::is_floating_point_v<T>) {
        if (all_one) {
            f(unit_values<T>{});
            return;
        }
    }
    f(values);
}

} // namespace waferblas::kernels
