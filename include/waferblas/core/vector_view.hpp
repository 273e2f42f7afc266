// waferblas/core/vector_view.hpp — a non-owning strided view of a dense vector.
//
//   std::vector<double> y(n);
//   waferblas::vector_view<double> every_other(y.data(), n / 2, 2);  // y[0], y[2], ...
//   waferblas::vector_view<const double> x = some_span;              // std::span, std::vector, ...
//
// Element i lives at data()[i * stride()]. A negative stride walks backwards from data() (data() is
// the *first logical* element, unlike the BLAS convention of pointing at the lowest address).
// A mutable view with stride 0 is rejected: writes through it would alias.
#pragma once

#include <concepts>
#include <functional>
#include <cstddef>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "error.hpp"

namespace waferblas {

namespace detail {
/// The most elements of T an offset may span: a view's last element must lie an address
/// difference (std::ptrdiff_t bytes) from its first, or indexing it overflows.
template <class T>
inline constexpr std::size_t max_offset_elements = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(T);
} // namespace detail

template <class T>
class vector_view {
public:
    using element_type = T;
    using value_type = std::remove_cv_t<T>;

    constexpr vector_view() noexcept = default;

    constexpr vector_view(T* data, std::size_t size, std::ptrdiff_t stride = 1)
        : data_(data), size_(size), stride_(stride) {
        if (size_ > 0 && data_ == nullptr) throw invalid_argument_error("vector_view: null data with non-zero size");
        if constexpr (!std::is_const_v<T>) {
            if (stride_ == 0 && size_ > 1) throw invalid_argument_error("vector_view: stride 0 on a mutable view would alias");
        }
        const std::size_t step = stride_ < 0 ? std::size_t{0} - static_cast<std::size_t>(stride_) : static_cast<std::size_t>(stride_);
        if (size_ > 1 && step != 0 && size_ - 1 > detail::max_offset_elements<T> / step)
            throw invalid_argument_error("vector_view: " + std::to_string(size_) + " elements " + std::to_string(stride_) +
                                         " apart reach beyond the address space");
    }

    /// Any contiguous sized range whose elements convert (std::vector, std::span, std::array, ...).
    template <std::ranges::contiguous_range R>
        requires std::ranges::sized_range<R> &&
                 std::is_convertible_v<std::remove_reference_t<std::ranges::range_reference_t<R>> (*)[], T (*)[]> &&
                 (!std::same_as<std::remove_cvref_t<R>, vector_view>)
    constexpr vector_view(R&& r) noexcept // NOLINT(google-explicit-constructor): views convert implicitly
        : data_(std::ranges::data(r)), size_(std::ranges::size(r)), stride_(1) {}

    /// vector_view<T> converts to vector_view<const T>.
    template <class U>
        requires(!std::same_as<U, T> && std::is_convertible_v<U (*)[], T (*)[]>)
    constexpr vector_view(const vector_view<U>& other) noexcept // NOLINT(google-explicit-constructor)
        : data_(other.data()), size_(other.size()), stride_(other.stride()) {}

    [[nodiscard]] constexpr T* data() const noexcept { return data_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr std::ptrdiff_t stride() const noexcept { return stride_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] constexpr bool contiguous() const noexcept { return stride_ == 1 || size_ <= 1; }

    [[nodiscard]] constexpr T& operator[](std::size_t i) const noexcept {
        return data_[static_cast<std::ptrdiff_t>(i) * stride_];
    }

    /// Elements [offset, offset + count) of this view.
    [[nodiscard]] constexpr vector_view subview(std::size_t offset, std::size_t count) const {
        if (offset > size_ || count > size_ - offset)
            throw dimension_error("vector_view::subview: [" + std::to_string(offset) + ", " +
                                  std::to_string(offset + count) + ") exceeds size " + std::to_string(size_));
        return vector_view(count == 0 ? data_ : data_ + static_cast<std::ptrdiff_t>(offset) * stride_, count, stride_);
    }

    /// The lowest and one-past-highest addresses touched (for aliasing checks).
    [[nodiscard]] std::pair<const void*, const void*> address_range() const noexcept {
        if (size_ == 0) return {nullptr, nullptr};
        const T* first = data_;
        const T* last = data_ + static_cast<std::ptrdiff_t>(size_ - 1) * stride_;
        if (last < first) std::swap(first, last);
        return {first, last + 1};
    }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::ptrdiff_t stride_ = 1;
};

template <std::ranges::contiguous_range R>
vector_view(R&&) -> vector_view<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

/// Views v as a vector_view: identity for views, a contiguous view of std::vector / std::span / arrays.
template <class T>
[[nodiscard]] constexpr vector_view<T> as_vector_view(vector_view<T> v) noexcept { return v; }

template <std::ranges::contiguous_range R>
    requires std::ranges::sized_range<R>
[[nodiscard]] constexpr auto as_vector_view(R&& r) noexcept {
    return vector_view<std::remove_reference_t<std::ranges::range_reference_t<R>>>(std::forward<R>(r));
}

/// Anything as_vector_view accepts: what a WaferBLAS routine takes as a vector.
template <class V>
concept vector_like = requires(V&& v) { as_vector_view(std::forward<V>(v)); };

/// A vector_like whose elements can be written.
template <class V>
concept mutable_vector_like =
    vector_like<V> && !std::is_const_v<typename decltype(as_vector_view(std::declval<V>()))::element_type>;

/// The element type of a vector_like, without cv-qualifiers.
template <vector_like V>
using vector_value_t = typename decltype(as_vector_view(std::declval<V>()))::value_type;

/// True when two views (vector or matrix) share any memory.
template <class A, class B>
    requires requires(const A& a, const B& b) { a.address_range(); b.address_range(); }
[[nodiscard]] bool overlaps(const A& a, const B& b) noexcept {
    auto [a0, a1] = a.address_range();
    auto [b0, b1] = b.address_range();
    if (a0 == nullptr || b0 == nullptr) return false;
    return std::less<>{}(a0, b1) && std::less<>{}(b0, a1);
}

} // namespace waferblas
