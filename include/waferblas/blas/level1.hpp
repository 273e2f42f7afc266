// waferblas/blas/level1.hpp — level-1 BLAS on dense vectors distributed over the PE grid.
//
//   std::vector<double> x(n, 1.0), y(n, 2.0);
//   double d = waferblas::dot(x, y);                          // sum conj(x_i) y_i
//   waferblas::axpy(0.5, x, y);                               // y += 0.5 x
//   waferblas::scal(2.0, y);                                  // y *= 2
//   double r = waferblas::nrm2(y);                            // ||y||_2, safe from overflow
//   auto e = waferblas::dot(waferblas::backend::tbb{2}, x, y); // on a chosen backend
//
//   dot(x, y)         sum conj(x_i) y_i (BLAS ?dotc; plain sum x_i y_i for real types)
//   dotu(x, y)        sum x_i y_i, never conjugated (BLAS ?dotu)
//   axpy(alpha, x, y) y += alpha x; alpha == 0 leaves y untouched (reference BLAS returns early)
//   scal(alpha, x)    x *= alpha, an IEEE multiply: scal(0, x) turns inf and NaN into NaN
//   nrm2(x)           sqrt(sum |x_i|^2) as real_t<T>, safe from overflow and underflow: a segment
//                     whose plain sum of squares might have over- or underflowed is summed again
//                     with Blue's scaling (LAPACK 3.10 ?nrm2), so values near 1e300 or 1e-300 are fine
//
// x and y are anything vector_like (std::vector, std::span, vector_view with any stride, negative
// included) of one of the four scalar types. Each routine has an overload taking a backend first;
// without one it runs on backend::default_backend. Throws dimension_error if x and y differ in
// length, invalid_argument_error if axpy's x and y overlap in memory (dot may read one vector twice).
//
// Lowering: the vector lives on a 1D chain of PEs in contiguous segments, one PE task per segment.
// A reduction (dot, nrm2) combines the per-segment partial results in ascending segment order, the
// order of a reduction along the chain, so a result depends only on the segment count:
//   * n < parallel_cutoff: one segment on the calling thread (the parallel overhead exceeds the work);
//   * backend.deterministic(): ceil(n / deterministic_segment) segments, from the length alone, so
//     results are bitwise identical across backends and thread counts;
//   * otherwise up to segments_per_thread equal segments per thread of backend.concurrency(), none
//     shorter than min_segment; the backends deal them out statically, so each thread always gets
//     the same part of a vector.
// One copy of each segment kernel serves every backend and every segment count.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "../backend/default.hpp"
#include "../core/checks.hpp"
#include "../core/scalar.hpp"
#include "../core/vector_view.hpp"
#include "../dataflow/row_partition.hpp"
#include "../kernels/out_of_line.hpp"

// Segment kernels are called, never inlined into the backends' task bodies (WAFERBLAS_NOINLINE,
// kernels/out_of_line.hpp): the same machine code, so the same bits, whoever runs them.

namespace waferblas {

namespace level1 {

/// Below this length a routine runs as one segment on the calling thread. Approximate, measured
/// on a 2-core x86-64 machine (g++ 12 -O3, doubles in cache, 2 threads against 1): a split pays off
/// from about 16,000 elements for dot and nrm2 and 32,000 for axpy on OpenMP or on an already
/// running TBB arena; a TBB arena created for the call costs 20-100 us more. A round value in that
/// range, not a tuned constant.
inline constexpr std::size_t parallel_cutoff = 32768;
/// Segment length when the backend asks for deterministic results (the last segment is shorter).
inline constexpr std::size_t deterministic_segment = 32768;
/// Segments per thread when results may follow the thread count.
inline constexpr std::size_t segments_per_thread = 4;
/// Shortest segment when results may follow the thread count.
inline constexpr std::size_t min_segment = 8192;
/// Upper bound on the segment count (a vector of 2^25+ elements has longer segments).
inline constexpr std::size_t max_segments = 1024;
/// Segment boundaries fall on multiples of this many elements (whole cache lines of doubles).
inline constexpr std::size_t segment_granule = 64;

/// How many segments a routine on `backend` splits a vector of n elements into (see file comment).
template <backend::executor Backend>
[[nodiscard]] std::size_t segment_count(const Backend& backend, std::size_t n) {
    const auto ceil_div = [](std::size_t a, std::size_t b) { return a / b + (a % b != 0); };
    if (n < parallel_cutoff) return 1;
    if (backend.deterministic()) return std::min(ceil_div(n, deterministic_segment), max_segments);
    const std::size_t threads = backend.concurrency();
    if (threads <= 1) return 1;
    return std::clamp(std::min(threads * segments_per_thread, n / min_segment), std::size_t{1}, max_segments);
}

/// First element of segment s of `count` (s == count gives n): balanced, on granule boundaries.
[[nodiscard]] constexpr std::size_t segment_begin(std::size_t s, std::size_t count, std::size_t n) noexcept {
    const std::size_t granules = n / segment_granule + (n % segment_granule != 0);
    return std::min(n, detail::proportional(s, granules, count) * segment_granule);
}

} // namespace level1

namespace detail::level1 {

/// A vector as a kernel sees it: the pointer to its first element and its stride, in elements.
template <class T>
struct strided {
    T* data;
    std::ptrdiff_t stride;

    [[nodiscard]] strided from(std::size_t begin) const noexcept {
        return {data + static_cast<std::ptrdiff_t>(begin) * stride, stride};
    }
};

template <class T>
[[nodiscard]] strided<T> to_strided(vector_view<T> v) noexcept { return {v.data(), v.stride()}; }

// Complex vectors are read as their real and imaginary parts (std::complex<R> is layout-compatible
// with R[2]), so the kernels spell out complex arithmetic without the NaN/inf fix-ups of
// std::complex's operator*, which keep it from vectorising.
template <class R>
[[nodiscard]] const R* parts(const std::complex<R>* p) noexcept { return reinterpret_cast<const R*>(p); }
template <class R>
[[nodiscard]] R* parts(std::complex<R>* p) noexcept { return reinterpret_cast<R*>(p); }

/// Independent accumulators in the reductions: they break the add dependency chain and fill SIMD
/// registers; element i always goes to lane i % lanes, so the order is fixed.
inline constexpr std::size_t lanes = 8;
inline constexpr std::size_t complex_lanes = 4;

template <class R>
[[nodiscard]] R lane_sum(const R (&a)[lanes]) noexcept {
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}
template <class R>
[[nodiscard]] R lane_sum(const R (&a)[complex_lanes]) noexcept {
    return (a[0] + a[1]) + (a[2] + a[3]);
}

/// sum_{i<n} x_i y_i for real R (Unit: both strides are 1).
template <bool Unit, class R>
WAFERBLAS_NOINLINE R dot_segment(std::size_t n, const R* x, std::ptrdiff_t incx, const R* y,
                                 std::ptrdiff_t incy) noexcept {
    R acc[lanes] = {};
    std::size_t i = 0;
    if constexpr (Unit) {
        for (; i + lanes <= n; i += lanes)
            for (std::size_t k = 0; k < lanes; ++k) acc[k] += x[i + k] * y[i + k];
        for (std::size_t k = 0; i + k < n; ++k) acc[k] += x[i + k] * y[i + k];
    } else {
        for (std::size_t k = 0; i < n; ++i, k = (k + 1) % lanes)
            acc[k] += x[static_cast<std::ptrdiff_t>(i) * incx] * y[static_cast<std::ptrdiff_t>(i) * incy];
    }
    return lane_sum(acc);
}

/// sum_{i<n} op(x_i) y_i for complex<R>, op = conj when Conj; x, y and strides in complex elements.
template <bool Conj, bool Unit, class R>
WAFERBLAS_NOINLINE std::complex<R> dot_segment(std::size_t n, const std::complex<R>* xc, std::ptrdiff_t incx,
                                               const std::complex<R>* yc, std::ptrdiff_t incy) noexcept {
    const R* x = parts(xc);
    const R* y = parts(yc);
    R re[complex_lanes] = {}, im[complex_lanes] = {};
    const auto step = [&](std::size_t k, std::ptrdiff_t ix, std::ptrdiff_t iy) {
        const R xr = x[ix], xi = x[ix + 1], yr = y[iy], yi = y[iy + 1];
        if constexpr (Conj) {
            re[k] += xr * yr + xi * yi;
            im[k] += xr * yi - xi * yr;
        } else {
            re[k] += xr * yr - xi * yi;
            im[k] += xr * yi + xi * yr;
        }
    };
    std::size_t i = 0;
    if constexpr (Unit) {
        for (; i + complex_lanes <= n; i += complex_lanes)
            for (std::size_t k = 0; k < complex_lanes; ++k) {
                const auto j = static_cast<std::ptrdiff_t>(2 * (i + k));
                step(k, j, j);
            }
        for (std::size_t k = 0; i + k < n; ++k) {
            const auto j = static_cast<std::ptrdiff_t>(2 * (i + k));
            step(k, j, j);
        }
    } else {
        for (std::size_t k = 0; i < n; ++i, k = (k + 1) % complex_lanes) {
            const auto ii = static_cast<std::ptrdiff_t>(i);
            step(k, 2 * ii * incx, 2 * ii * incy);
        }
    }
    return {lane_sum(re), lane_sum(im)};
}

/// y_i += alpha x_i for i < n (x and y do not overlap: checked by the caller).
template <bool Unit, class T>
WAFERBLAS_NOINLINE void axpy_segment(std::size_t n, T alpha, const T* __restrict xs, std::ptrdiff_t incx,
                                     T* __restrict ys, std::ptrdiff_t incy) noexcept {
    if constexpr (is_complex_v<T>) {
        using R = real_t<T>;
        const R ar = alpha.real(), ai = alpha.imag();
        const R* __restrict x = parts(xs);
        R* __restrict y = parts(ys);
        const std::ptrdiff_t sx = Unit ? 2 : 2 * incx, sy = Unit ? 2 : 2 * incy;
        for (std::size_t i = 0; i < n; ++i) {
            const auto ii = static_cast<std::ptrdiff_t>(i);
            const R xr = x[ii * sx], xi = x[ii * sx + 1];
            y[ii * sy] += ar * xr - ai * xi;
            y[ii * sy + 1] += ar * xi + ai * xr;
        }
    } else if constexpr (Unit) {
        for (std::size_t i = 0; i < n; ++i) ys[i] += alpha * xs[i];
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const auto ii = static_cast<std::ptrdiff_t>(i);
            ys[ii * incy] += alpha * xs[ii * incx];
        }
    }
}

/// x_i *= alpha for i < n.
template <bool Unit, class T>
WAFERBLAS_NOINLINE void scal_segment(std::size_t n, T alpha, T* xs, std::ptrdiff_t incx) noexcept {
    if constexpr (is_complex_v<T>) {
        using R = real_t<T>;
        const R ar = alpha.real(), ai = alpha.imag();
        R* x = parts(xs);
        const std::ptrdiff_t sx = Unit ? 2 : 2 * incx;
        for (std::size_t i = 0; i < n; ++i) {
            const auto ii = static_cast<std::ptrdiff_t>(i);
            const R xr = x[ii * sx], xi = x[ii * sx + 1];
            x[ii * sx] = ar * xr - ai * xi;
            x[ii * sx + 1] = ar * xi + ai * xr;
        }
    } else if constexpr (Unit) {
        for (std::size_t i = 0; i < n; ++i) xs[i] *= alpha;
    } else {
        for (std::size_t i = 0; i < n; ++i) xs[static_cast<std::ptrdiff_t>(i) * incx] *= alpha;
    }
}

/// Blue's scaled sums of squares (the algorithm of LAPACK 3.10's ?nrm2, Anderson 2017): values
/// above tbig are summed scaled down by sbig, values below tsml scaled up by ssml, the rest as they
/// are. The scale factors are fixed powers of two, so the partial sums of segments simply add.
template <std::floating_point R>
struct sum_of_squares {
    R big{}, medium{}, small{};

    static constexpr R pow2(int e) noexcept {
        R r = 1;
        for (; e > 0; --e) r *= 2;
        for (; e < 0; ++e) r /= 2;
        return r;
    }
    static constexpr int floor_half(int v) noexcept { return v >= 0 ? v / 2 : -((1 - v) / 2); }
    static constexpr int ceil_half(int v) noexcept { return -floor_half(-v); }

    using limits = std::numeric_limits<R>;
    static constexpr R tsml = pow2(ceil_half(limits::min_exponent - 1));
    static constexpr R tbig = pow2(floor_half(limits::max_exponent - limits::digits + 1));
    static constexpr R ssml = pow2(-floor_half(limits::min_exponent - limits::digits));
    static constexpr R sbig = pow2(-ceil_half(limits::max_exponent + limits::digits - 1));

    sum_of_squares& operator+=(const sum_of_squares& o) noexcept {
        big += o.big;
        medium += o.medium;
        small += o.small;
        return *this;
    }

    /// sqrt of the whole sum, combining the accumulators as LAPACK does. NaN anywhere gives NaN
    /// (a NaN is summed as a medium value), inf gives inf.
    [[nodiscard]] R norm() const noexcept {
        if (big > 0) {
            R b = big;
            if (medium > 0 || std::isnan(medium)) b += (medium * sbig) * sbig;
            return std::sqrt(b) / sbig;
        }
        if (small > 0) {
            if (medium > 0 || std::isnan(medium)) {
                const R m = std::sqrt(medium), s = std::sqrt(small) / ssml;
                const R lo = s > m ? m : s, hi = s > m ? s : m;
                const R q = lo / hi;
                return std::sqrt(hi * hi * (R(1) + q * q));
            }
            return std::sqrt(small) / ssml;
        }
        return std::sqrt(medium);
    }
};

/// The sum of squares of the real numbers x[0], x[inc], ..., x[(m-1) inc] (Unit: inc = 1). For a
/// complex vector the kernel sees 2m reals: with unit stride they are one unit-stride run, otherwise
/// the caller passes Pairs (x[2 i inc], x[2 i inc + 1] for i < m / 2).
///
/// First the plain sum of squares, which vectorises like a dot product. It is as accurate as the
/// scaled one when it lies in [m * min, tbig^2]: nothing overflowed (and the segments' sums cannot
/// overflow when added), and the squares that underflowed are off by at most m * denorm_min / 2 <=
/// eps/2 of the sum. Otherwise (huge or tiny values, inf, NaN, all zeros) Blue's scaled sums.
template <bool Unit, bool Pairs, class R>
WAFERBLAS_NOINLINE sum_of_squares<R> nrm2_segment(std::size_t m, const R* x, std::ptrdiff_t inc) noexcept {
    using S = sum_of_squares<R>;
    const auto at = [&](std::size_t j) -> R {
        if constexpr (Unit) return x[j];
        else if constexpr (Pairs) return x[2 * static_cast<std::ptrdiff_t>(j / 2) * inc + static_cast<std::ptrdiff_t>(j % 2)];
        else return x[static_cast<std::ptrdiff_t>(j) * inc];
    };
    R acc[lanes] = {};
    std::size_t j = 0;
    for (; j + lanes <= m; j += lanes)
        for (std::size_t k = 0; k < lanes; ++k) {
            const R v = at(j + k);
            acc[k] += v * v;
        }
    for (std::size_t k = 0; j + k < m; ++k) {
        const R v = at(j + k);
        acc[k] += v * v;
    }
    const R plain = lane_sum(acc);
    if (plain <= S::tbig * S::tbig && plain >= static_cast<R>(m) * std::numeric_limits<R>::min()) return {R(0), plain, R(0)};

    S sums;
    for (j = 0; j < m; ++j) {
        const R a = std::abs(at(j));
        if (a > S::tbig) sums.big += (a * S::sbig) * (a * S::sbig);
        else if (a < S::tsml) sums.small += (a * S::ssml) * (a * S::ssml);
        else sums.medium += a * a; // also NaN, which fails both comparisons
    }
    return sums;
}

/// Runs segment(begin, end) -> P for every segment of [0, n) and folds the results in ascending
/// segment order.
template <class Backend, class P, class F>
[[nodiscard]] P reduce_segments(const Backend& backend, std::size_t n, const F& segment) {
    const std::size_t count = waferblas::level1::segment_count(backend, n);
    if (count == 1) return segment(std::size_t{0}, n);
    std::vector<P> partial(count);
    backend.parallel_for(count, [&](std::size_t s) {
        partial[s] = segment(waferblas::level1::segment_begin(s, count, n), waferblas::level1::segment_begin(s + 1, count, n));
    });
    P result = partial[0];
    for (std::size_t s = 1; s < count; ++s) result += partial[s];
    return result;
}

/// Runs segment(begin, end) for every segment of [0, n).
template <class Backend, class F>
void for_each_segment(const Backend& backend, std::size_t n, const F& segment) {
    const std::size_t count = waferblas::level1::segment_count(backend, n);
    if (count == 1) {
        segment(std::size_t{0}, n);
        return;
    }
    backend.parallel_for(count, [&](std::size_t s) {
        segment(waferblas::level1::segment_begin(s, count, n), waferblas::level1::segment_begin(s + 1, count, n));
    });
}

template <bool Conj, class Backend, class T>
[[nodiscard]] T dot(const Backend& backend, const char* routine, vector_view<const T> x, vector_view<const T> y) {
    check_size(routine, "y", y.size(), x.size());
    const auto xs = to_strided(x), ys = to_strided(y);
    const auto run = [&]<bool Unit>() {
        return reduce_segments<Backend, T>(backend, x.size(), [&](std::size_t b, std::size_t e) {
            const auto xb = xs.from(b), yb = ys.from(b);
            if constexpr (is_complex_v<T>) return dot_segment<Conj, Unit, real_t<T>>(e - b, xb.data, xb.stride, yb.data, yb.stride);
            else return dot_segment<Unit, T>(e - b, xb.data, xb.stride, yb.data, yb.stride);
        });
    };
    return x.contiguous() && y.contiguous() ? run.template operator()<true>() : run.template operator()<false>();
}

} // namespace detail::level1

/// sum_i conj(x_i) y_i (for real types: sum_i x_i y_i), on `backend`.
template <backend::executor Backend, vector_like X, vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
[[nodiscard]] vector_value_t<X> dot(const Backend& backend, X&& x, Y&& y) {
    using T = vector_value_t<X>;
    return detail::level1::dot<true, Backend, T>(backend, "dot", as_vector_view(x), as_vector_view(y));
}

/// sum_i conj(x_i) y_i (for real types: sum_i x_i y_i).
template <vector_like X, vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
[[nodiscard]] vector_value_t<X> dot(X&& x, Y&& y) {
    return dot(backend::default_backend{}, std::forward<X>(x), std::forward<Y>(y));
}

/// sum_i x_i y_i, unconjugated, on `backend`.
template <backend::executor Backend, vector_like X, vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
[[nodiscard]] vector_value_t<X> dotu(const Backend& backend, X&& x, Y&& y) {
    using T = vector_value_t<X>;
    return detail::level1::dot<false, Backend, T>(backend, "dotu", as_vector_view(x), as_vector_view(y));
}

/// sum_i x_i y_i, unconjugated.
template <vector_like X, vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
[[nodiscard]] vector_value_t<X> dotu(X&& x, Y&& y) {
    return dotu(backend::default_backend{}, std::forward<X>(x), std::forward<Y>(y));
}

/// y += alpha x on `backend`; alpha == 0 leaves y untouched. x and y must not overlap.
template <backend::executor Backend, vector_like X, mutable_vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
void axpy(const Backend& backend, std::type_identity_t<vector_value_t<Y>> alpha, X&& x, Y&& y) {
    using T = vector_value_t<Y>;
    const vector_view<const T> xv = as_vector_view(x);
    const vector_view<T> yv = as_vector_view(y);
    detail::check_size("axpy", "y", yv.size(), xv.size());
    detail::check_no_alias("axpy", "x", xv, "y", yv);
    if (alpha == T(0)) return;
    const auto xs = detail::level1::to_strided(xv);
    const auto ys = detail::level1::to_strided(yv);
    const auto run = [&]<bool Unit>() {
        detail::level1::for_each_segment(backend, xv.size(), [&](std::size_t b, std::size_t e) {
            const auto xb = xs.from(b);
            const auto yb = ys.from(b);
            detail::level1::axpy_segment<Unit, T>(e - b, alpha, xb.data, xb.stride, yb.data, yb.stride);
        });
    };
    if (xv.contiguous() && yv.contiguous()) run.template operator()<true>();
    else run.template operator()<false>();
}

/// y += alpha x; alpha == 0 leaves y untouched. x and y must not overlap.
template <vector_like X, mutable_vector_like Y>
    requires scalar<vector_value_t<X>> && std::same_as<vector_value_t<X>, vector_value_t<Y>>
void axpy(std::type_identity_t<vector_value_t<Y>> alpha, X&& x, Y&& y) {
    axpy(backend::default_backend{}, alpha, std::forward<X>(x), std::forward<Y>(y));
}

/// x *= alpha on `backend`.
template <backend::executor Backend, mutable_vector_like X>
    requires scalar<vector_value_t<X>>
void scal(const Backend& backend, std::type_identity_t<vector_value_t<X>> alpha, X&& x) {
    using T = vector_value_t<X>;
    const vector_view<T> xv = as_vector_view(x);
    const auto xs = detail::level1::to_strided(xv);
    const auto run = [&]<bool Unit>() {
        detail::level1::for_each_segment(backend, xv.size(), [&](std::size_t b, std::size_t e) {
            const auto xb = xs.from(b);
            detail::level1::scal_segment<Unit, T>(e - b, alpha, xb.data, xb.stride);
        });
    };
    if (xv.contiguous()) run.template operator()<true>();
    else run.template operator()<false>();
}

/// x *= alpha.
template <mutable_vector_like X>
    requires scalar<vector_value_t<X>>
void scal(std::type_identity_t<vector_value_t<X>> alpha, X&& x) {
    scal(backend::default_backend{}, alpha, std::forward<X>(x));
}

/// sqrt(sum_i |x_i|^2) on `backend`, without overflow or harmful underflow in between.
template <backend::executor Backend, vector_like X>
    requires scalar<vector_value_t<X>>
[[nodiscard]] real_t<vector_value_t<X>> nrm2(const Backend& backend, X&& x) {
    using T = vector_value_t<X>;
    using R = real_t<T>;
    using S = detail::level1::sum_of_squares<R>;
    const vector_view<const T> xv = as_vector_view(x);
    const auto xs = detail::level1::to_strided(xv);
    constexpr std::size_t reals = is_complex_v<T> ? 2 : 1;
    const auto run = [&]<bool Unit>() {
        return detail::level1::reduce_segments<Backend, S>(backend, xv.size(), [&](std::size_t b, std::size_t e) {
            const auto xb = xs.from(b);
            const R* data = reinterpret_cast<const R*>(xb.data);
            return detail::level1::nrm2_segment<Unit, (reals == 2 && !Unit), R>(reals * (e - b), data, xb.stride);
        });
    };
    const S sums = xv.contiguous() ? run.template operator()<true>() : run.template operator()<false>();
    return sums.norm();
}

/// sqrt(sum_i |x_i|^2), without overflow or harmful underflow in between.
template <vector_like X>
    requires scalar<vector_value_t<X>>
[[nodiscard]] real_t<vector_value_t<X>> nrm2(X&& x) {
    return nrm2(backend::default_backend{}, std::forward<X>(x));
}

} // namespace waferblas

