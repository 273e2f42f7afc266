// Level-1 BLAS (dot, dotu, axpy, scal, nrm2) against naive loops in long double: every scalar type,
// lengths around the SIMD lane count and across the parallel cutoff, positive and negative strides,
// complex conjugation, overflow- and underflow-safe norms, errors, and bitwise agreement of every
// backend when deterministic results are asked for.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <waferblas/waferblas.hpp>

#include "backends.hpp"

using namespace waferblas;
using namespace waferblas::testing;

namespace {

/// The long double counterpart of T, for references.
template <class T>
using wide_t = std::conditional_t<is_complex_v<T>, std::complex<long double>, long double>;

template <class T>
wide_t<T> widen(T v) {
    if constexpr (is_complex_v<T>) return {static_cast<long double>(v.real()), static_cast<long double>(v.imag())};
    else return static_cast<long double>(v);
}

template <class W>
W wide_conj(W v) {
    if constexpr (is_complex_v<W>) return std::conj(v);
    else return v;
}

template <class T>
T make(double re, double im) {
    if constexpr (is_complex_v<T>) return T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(im));
    else return static_cast<T>(re + 0 * im);
}

template <class T>
std::vector<T> random_values(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    std::vector<T> v(n);
    for (auto& e : v) {
        const double re = d(rng);
        e = make<T>(re, d(rng));
    }
    return v;
}

template <class T>
constexpr long double eps() {
    return static_cast<long double>(std::numeric_limits<real_t<T>>::epsilon());
}

/// Bound for a sum of n products in T: 8 (n + 4) eps sum |x_i| |y_i| (a rigorous recursive-summation
/// bound is (n + 1) eps; the factor covers complex products and the lane tree), plus the smallest
/// normal number for sums that are all zero.
template <class T>
long double sum_bound(std::size_t n, long double magnitude) {
    return 8 * static_cast<long double>(n + 4) * eps<T>() * magnitude +
           static_cast<long double>(std::numeric_limits<real_t<T>>::min());
}

/// Values laid out with a stride (negative: walking backwards) inside a larger buffer whose gaps
/// hold a sentinel, so tests can check that a routine touched exactly the vector's elements.
template <class T>
class strided_vector {
public:
    strided_vector(const std::vector<T>& values, std::ptrdiff_t stride)
        : n_(values.size()), stride_(stride),
          buffer_(values.empty() ? 1 : (values.size() - 1) * abs_stride() + 1, sentinel()) {
        for (std::size_t i = 0; i < n_; ++i) buffer_[offset(i)] = values[i];
    }

    [[nodiscard]] vector_view<T> view() { return {buffer_.data() + (n_ == 0 ? 0 : offset(0)), n_, stride_}; }
    [[nodiscard]] vector_view<const T> view() const { return {buffer_.data() + (n_ == 0 ? 0 : offset(0)), n_, stride_}; }

    [[nodiscard]] std::vector<T> values() const {
        std::vector<T> v(n_);
        for (std::size_t i = 0; i < n_; ++i) v[i] = buffer_[offset(i)];
        return v;
    }

    /// True when every element outside the vector still holds the sentinel.
    [[nodiscard]] bool gaps_untouched() const {
        std::vector<bool> inside(buffer_.size());
        for (std::size_t i = 0; i < n_; ++i) inside[offset(i)] = true;
        for (std::size_t k = 0; k < buffer_.size(); ++k)
            if (!inside[k] && buffer_[k] != sentinel()) return false;
        return true;
    }

private:
    static T sentinel() { return make<T>(7777.0, -7777.0); }
    [[nodiscard]] std::size_t abs_stride() const { return static_cast<std::size_t>(stride_ < 0 ? -stride_ : stride_); }
    /// Buffer index of element i: element 0 is at the high end for a negative stride.
    [[nodiscard]] std::size_t offset(std::size_t i) const {
        return stride_ >= 0 ? i * abs_stride() : (n_ - 1 - i) * abs_stride();
    }

    std::size_t n_;
    std::ptrdiff_t stride_;
    std::vector<T> buffer_;
};

template <class T>
bool bitwise_equal(const T& a, const T& b) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}
template <class T>
bool bitwise_equal(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// Lengths around the lane counts (4 and 8), and across the parallel cutoff (32768) and several
/// deterministic segments; the long ones with fewer stride pairs, to keep the test quick.
const std::size_t short_lengths[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100, 1000};
const std::size_t long_lengths[] = {32767, 32768, 32769, 100003};

/// (x stride, y stride) pairs: unit, forward strides, backwards, and a mix.
const std::ptrdiff_t stride_pairs[][2] = {{1, 1}, {2, 3}, {-1, -1}, {-2, 1}, {1, -3}};
const std::ptrdiff_t long_stride_pairs[][2] = {{1, 1}, {-2, 1}};

/// Checks dot, dotu, nrm2, axpy and scal on `b` for x and y of length n with the given strides.
template <class T, class Backend>
void check_level1(const Backend& b, std::size_t n, std::ptrdiff_t incx, std::ptrdiff_t incy, std::uint64_t seed) {
    using W = wide_t<T>;
    const auto xv = random_values<T>(n, seed), yv = random_values<T>(n, seed + 1);
    const strided_vector<T> x(xv, incx);
    strided_vector<T> y(yv, incy);

    W dotc_ref{}, dotu_ref{};
    long double magnitude = 0, sumsq = 0;
    for (std::size_t i = 0; i < n; ++i) {
        dotc_ref += wide_conj(widen(xv[i])) * widen(yv[i]);
        dotu_ref += widen(xv[i]) * widen(yv[i]);
        magnitude += std::abs(widen(xv[i])) * std::abs(widen(yv[i]));
        sumsq += std::norm(widen(xv[i]));
    }
    const T got_dot = dot(b, x.view(), y.view());
    const T got_dotu = dotu(b, x.view(), y.view());
    CHECK(std::abs(widen(got_dot) - dotc_ref) <= sum_bound<T>(n, magnitude));
    CHECK(std::abs(widen(got_dotu) - dotu_ref) <= sum_bound<T>(n, magnitude));

    const real_t<T> got_norm = nrm2(b, x.view());
    const long double norm_ref = std::sqrt(sumsq);
    CHECK(std::abs(static_cast<long double>(got_norm) - norm_ref) <= sum_bound<T>(2 * n, norm_ref));

    const T alpha = make<T>(0.75, -1.5);
    axpy(b, alpha, x.view(), y.view());
    const auto y_after = y.values();
    std::size_t bad = n;
    for (std::size_t i = 0; i < n && bad == n; ++i) {
        const W want = widen(yv[i]) + widen(alpha) * widen(xv[i]);
        const long double tol = 8 * eps<T>() * (std::abs(widen(yv[i])) + std::abs(widen(alpha)) * std::abs(widen(xv[i])));
        if (!(std::abs(widen(y_after[i]) - want) <= tol)) bad = i;
    }
    CHECK_MESSAGE(bad == n, "axpy: first wrong element " << bad);
    CHECK(y.gaps_untouched());

    strided_vector<T> s(xv, incy);
    scal(b, alpha, s.view());
    const auto s_after = s.values();
    bad = n;
    for (std::size_t i = 0; i < n && bad == n; ++i) {
        const W want = widen(alpha) * widen(xv[i]);
        if (!(std::abs(widen(s_after[i]) - want) <= 8 * eps<T>() * std::abs(want))) bad = i;
    }
    CHECK_MESSAGE(bad == n, "scal: first wrong element " << bad);
    CHECK(s.gaps_untouched());
}

} // namespace

TEST_CASE_TEMPLATE("dot, dotu, nrm2, axpy and scal match long double loops for every type, length and stride", T, float,
                   double, std::complex<float>, std::complex<double>) {
    std::uint64_t seed = 1;
    const auto check = [&](std::size_t n, const std::ptrdiff_t (&inc)[2]) {
        INFO("n = " << n << ", incx = " << inc[0] << ", incy = " << inc[1]);
        // Deterministic sequential runs split n >= 32768 into segments; the default does not.
        check_level1<T>(backend::sequential{}, n, inc[0], inc[1], seed);
        check_level1<T>(backend::sequential{execution_options{0, true}}, n, inc[0], inc[1], seed);
        seed += 2;
    };
    for (std::size_t n : short_lengths)
        for (const auto& inc : stride_pairs) check(n, inc);
    for (std::size_t n : long_lengths)
        for (const auto& inc : long_stride_pairs) check(n, inc);
}

TEST_CASE_TEMPLATE("every backend computes level-1 results within the error bound, deterministic or not", T, float,
                   std::complex<double>) {
    for (bool deterministic : {false, true})
        for_each_backend(deterministic, [&](const auto& b, const std::string& name) {
            INFO(name << std::string(deterministic ? " deterministic" : "")); // doctest prints a char* as a pointer
            for (std::size_t n : {std::size_t{17}, std::size_t{70001}}) {
                INFO("n = " << n);
                check_level1<T>(b, n, 1, 1, n);
                check_level1<T>(b, n, -2, 3, n + 7);
            }
        });
}

TEST_CASE("dot conjugates x (BLAS dotc) and dotu does not, and for real types both are the plain sum") {
    const std::vector<std::complex<double>> x{{1, 2}}, y{{3, 4}};
    CHECK(dot(x, y) == std::complex<double>(11, -2));  // (1 - 2i)(3 + 4i)
    CHECK(dotu(x, y) == std::complex<double>(-5, 10)); // (1 + 2i)(3 + 4i)
    CHECK(dot(y, x) == std::conj(dot(x, y)));
    const std::vector<std::complex<float>> xf{{0, 1}};
    CHECK(dot(xf, xf) == std::complex<float>(1, 0)); // |i|^2
    CHECK(dotu(xf, xf) == std::complex<float>(-1, 0)); // i^2
    const std::vector<double> a{1, 2, 3}, c{4, -5, 6};
    CHECK(dot(a, c) == 12.0);
    CHECK(dotu(a, c) == 12.0);
}

TEST_CASE("level-1 routines accept std::vector, std::span, const vectors and views, and return real_t for nrm2") {
    std::vector<double> v{3, 4};
    const std::vector<double> cv{1, 1};
    CHECK(dot(std::span<const double>(v), cv) == 7.0);
    CHECK(dot(vector_view<double>(v), std::span<double>(v)) == 25.0);
    axpy(1.0, cv, std::span<double>(v));
    CHECK(v == std::vector<double>{4, 5});
    scal(2.0, vector_view<double>(v.data() + 1, 1));
    CHECK(v == std::vector<double>{4, 10});
    static_assert(std::same_as<decltype(nrm2(std::vector<std::complex<float>>{})), float>);
    static_assert(std::same_as<decltype(nrm2(std::vector<std::complex<double>>{})), double>);
    static_assert(std::same_as<decltype(dot(cv, cv)), double>);
    // A constant broadcast: a read-only view with stride 0.
    const double one = 1.0;
    CHECK(dot(vector_view<const double>(&one, 2, 0), v) == 14.0);
}

TEST_CASE_TEMPLATE("empty vectors give a zero dot product and norm, and axpy and scal do nothing", T, float, double,
                   std::complex<float>, std::complex<double>) {
    std::vector<T> x, y;
    CHECK(dot(x, y) == T(0));
    CHECK(dotu(x, y) == T(0));
    CHECK(nrm2(x) == real_t<T>(0));
    axpy(T(1), x, y);
    scal(T(2), x);
    CHECK(x.empty());
    CHECK(y.empty());
}

TEST_CASE_TEMPLATE("nrm2 neither overflows nor underflows where the squares would", T, float, double,
                   std::complex<float>, std::complex<double>) {
    using R = real_t<T>;
    using L = std::numeric_limits<R>;
    // Squares of `big` overflow and squares of `tiny` underflow (the norms themselves are finite and
    // normal); a naive sqrt(sum x^2) gives inf or 0.
    const R big = L::max() / R(1 << 20), tiny = L::min() * 8;
    const auto rel = [](R got, long double want) { return std::abs(static_cast<long double>(got) - want) / want; };
    const std::size_t components = is_complex_v<T> ? 2 : 1;
    for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{40000}}) {
        INFO("n = " << n);
        const long double count = static_cast<long double>(n * components);
        // n equal terms summed in R: the recursive-summation bound.
        const long double tol = 2 * (count + 4) * eps<T>();
        for (const auto& b : {backend::sequential{}, backend::sequential{execution_options{0, true}}}) {
            CHECK(rel(nrm2(b, std::vector<T>(n, make<T>(big, big))), static_cast<long double>(big) * std::sqrt(count)) <= tol);
            CHECK(rel(nrm2(b, std::vector<T>(n, make<T>(tiny, tiny))), static_cast<long double>(tiny) * std::sqrt(count)) <= tol);
            // Subnormal values, whose squares are all zero in R; so is the norm here, which is therefore
            // exact only to the subnormal spacing.
            const R sub = L::denorm_min() * 4;
            const long double want = static_cast<long double>(sub) * std::sqrt(count);
            CHECK(std::abs(static_cast<long double>(nrm2(b, std::vector<T>(n, make<T>(sub, sub)))) - want) <=
                  tol * want + static_cast<long double>(L::denorm_min()));
        }
    }
    // Mixed scales: the small values do not matter next to a big one, but do next to medium ones.
    const long double tol = 16 * eps<T>();
    std::vector<T> mixed{make<T>(big, 0), make<T>(1, 0), make<T>(tiny, 0)};
    CHECK(rel(nrm2(mixed), static_cast<long double>(big)) <= tol);
    mixed = {make<T>(3 * tiny, 0), make<T>(4 * tiny, 0)};
    CHECK(rel(nrm2(mixed), 5 * static_cast<long double>(tiny)) <= tol);
    mixed = {make<T>(0.5, 0), make<T>(tiny, 0)};
    CHECK(nrm2(mixed) == R(0.5));
    mixed = {make<T>(3, 0), is_complex_v<T> ? make<T>(0, 4) : make<T>(4, 0)};
    CHECK(rel(nrm2(mixed), 5.0L) <= tol);
}

TEST_CASE("nrm2 of doubles near 1e300 and 1e-300") {
    CHECK(nrm2(std::vector<double>{3e300, 4e300}) == doctest::Approx(5e300).epsilon(1e-15));
    CHECK(nrm2(std::vector<double>{3e-300, 4e-300}) == doctest::Approx(5e-300).epsilon(1e-15));
    CHECK(nrm2(std::vector<double>(1000, 1e300)) == doctest::Approx(1e300 * std::sqrt(1000.0)).epsilon(1e-14));
    CHECK(nrm2(std::vector<double>(1000, -1e-300)) == doctest::Approx(1e-300 * std::sqrt(1000.0)).epsilon(1e-14));
    CHECK(nrm2(std::vector<std::complex<double>>{{3e300, 4e300}}) == doctest::Approx(5e300).epsilon(1e-15));
    // Segments of a deterministic split that need scaling next to segments that do not.
    const backend::sequential split{execution_options{0, true}};
    REQUIRE(level1::segment_count(split, 100000) > 2);
    std::vector<double> v(100000, 1.0);
    v[70000] = 1e300;
    CHECK(nrm2(split, v) == doctest::Approx(1e300).epsilon(1e-15));
    v.assign(100000, 1e-300);
    v[99999] = 3e-150;
    v[5] = 4e-150;
    CHECK(nrm2(split, v) == doctest::Approx(5e-150).epsilon(1e-14));
    v[5] = 1.0;
    CHECK(nrm2(split, v) == 1.0);
    // The naive computation is indeed broken for these values.
    CHECK(std::isinf(std::sqrt(3e300 * 3e300 + 4e300 * 4e300)));
    CHECK(std::sqrt(3e-300 * 3e-300 + 4e-300 * 4e-300) == 0.0);
}

TEST_CASE("nrm2 propagates NaN and infinity from any scale") {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    CHECK(std::isnan(nrm2(std::vector<double>{1, nan, 2})));
    CHECK(std::isnan(nrm2(std::vector<double>{1e300, nan})));
    CHECK(std::isnan(nrm2(std::vector<double>{1e-300, nan})));
    CHECK(std::isnan(nrm2(std::vector<std::complex<double>>{{1, nan}})));
    CHECK(nrm2(std::vector<double>{1, -inf, 1e-300}) == inf);
    CHECK(nrm2(std::vector<double>{inf, 1e300}) == inf);
}

TEST_CASE("axpy with alpha = 0 leaves y untouched, and scal multiplies, so scal(0, x) turns inf and NaN into NaN") {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const std::vector<double> x{nan, inf, 1};
    std::vector<double> y{1, 2, 3};
    axpy(0.0, x, y);
    CHECK(y == std::vector<double>{1, 2, 3});
    std::vector<double> v{inf, nan, 2};
    scal(0.0, v);
    CHECK(std::isnan(v[0]));
    CHECK(std::isnan(v[1]));
    CHECK(v[2] == 0.0);
    std::vector<std::complex<double>> c{{1, 2}, {-3, 0.5}};
    scal(std::complex<double>(0, 1), c); // multiply by i
    CHECK(c == std::vector<std::complex<double>>{{-2, 1}, {-0.5, -3}});
    std::vector<std::complex<float>> yc{{1, 1}};
    axpy(std::complex<float>(2, -1), std::vector<std::complex<float>>{{0, 1}}, yc); // + (2 - i) i = 1 + 2i
    CHECK(yc[0] == std::complex<float>(2, 3));
}

TEST_CASE("level-1 routines reject vectors of different lengths, naming the routine and both sizes") {
    std::vector<double> x(3), y(4);
    CHECK_THROWS_WITH_AS((void)dot(x, y), "dot: y has 4, expected 3", dimension_error);
    CHECK_THROWS_WITH_AS((void)dotu(x, y), "dotu: y has 4, expected 3", dimension_error);
    CHECK_THROWS_WITH_AS(axpy(1.0, x, y), "axpy: y has 4, expected 3", dimension_error);
    std::vector<std::complex<float>> xc(2), yc(1);
    CHECK_THROWS_AS((void)dot(xc, yc), dimension_error);
}

TEST_CASE("axpy rejects x and y that overlap in memory, and dot may read one vector twice") {
    std::vector<double> v{1, 2, 3, 4};
    CHECK_THROWS_WITH_AS(axpy(1.0, vector_view<const double>(v.data(), 3), vector_view<double>(v.data() + 1, 3)),
                         "axpy: x and y overlap in memory (aliasing is not supported, nor are views whose address ranges interleave)",
                         invalid_argument_error);
    CHECK_THROWS_AS(axpy(1.0, std::span<const double>(v), v), invalid_argument_error);
    // Interleaved views share the address range even though no element is shared: also refused.
    CHECK_THROWS_WITH_AS(axpy(1.0, vector_view<const double>(v.data(), 2, 2), vector_view<double>(v.data() + 1, 2, 2)),
                         "axpy: x and y overlap in memory (aliasing is not supported, nor are views whose address ranges interleave)",
                         invalid_argument_error);
    CHECK(v == std::vector<double>{1, 2, 3, 4});
    CHECK(dot(v, v) == 30.0);
    CHECK(dot(vector_view<const double>(v.data(), 3), vector_view<const double>(v.data() + 1, 3)) == 20.0);
}

TEST_CASE("the segment count follows the length alone when deterministic results are asked for") {
    const backend::sequential seq, seq_det{execution_options{0, true}};
    CHECK(level1::segment_count(seq_det, level1::parallel_cutoff - 1) == 1);
    CHECK(level1::segment_count(seq_det, 1'000'000) == (1'000'000 + level1::deterministic_segment - 1) / level1::deterministic_segment);
    CHECK(level1::segment_count(seq_det, std::size_t{1} << 40) == level1::max_segments);
    CHECK(level1::segment_count(seq, 1'000'000) == 1); // one thread, results may follow it: no split
#ifdef WAFERBLAS_TEST_HAVE_TBB
    for (std::size_t t : {std::size_t{1}, std::size_t{2}, std::size_t{64}}) {
        CHECK(level1::segment_count(backend::tbb{execution_options{t, true}}, 1'000'000) == level1::segment_count(seq_det, 1'000'000));
        CHECK(level1::segment_count(backend::tbb{t}, 1'000) == 1);
        CHECK(level1::segment_count(backend::tbb{t}, 1'000'000) <= std::max<std::size_t>(1, t * level1::segments_per_thread));
    }
#endif
    // Segments tile [0, n) in order, on granule boundaries.
    for (std::size_t n : {std::size_t{32768}, std::size_t{100003}, std::size_t{1} << 20})
        for (std::size_t count : {std::size_t{1}, std::size_t{3}, std::size_t{8}, std::size_t{1024}}) {
            CHECK(level1::segment_begin(0, count, n) == 0);
            CHECK(level1::segment_begin(count, count, n) == n);
            for (std::size_t s = 0; s < count; ++s) {
                const std::size_t b = level1::segment_begin(s, count, n), e = level1::segment_begin(s + 1, count, n);
                CHECK(b <= e);
                CHECK(b % level1::segment_granule == 0);
            }
        }
}

TEST_CASE_TEMPLATE("with deterministic options every backend and thread count gives bitwise identical results", T,
                   float, double, std::complex<float>, std::complex<double>) {
    REQUIRE(backend_count() >= 1);
    for (std::size_t n : {std::size_t{1000}, std::size_t{40000}, std::size_t{100003}, std::size_t{300000}}) {
        INFO("n = " << n);
        const auto x = random_values<T>(n, 3 * n), y = random_values<T>(n, 3 * n + 1);
        const T alpha = make<T>(-0.3, 0.7);
        bool first = true;
        T dot0{}, dotu0{}, dot_strided0{};
        real_t<T> nrm0{};
        std::vector<T> axpy0, scal0;
        for_each_backend(true, [&](const auto& b, const std::string& name) {
            INFO(name);
            const T d = dot(b, x, y), du = dotu(b, x, y);
            const T ds = dot(b, vector_view<const T>(x.data() + n - 1, n / 2, -2), vector_view<const T>(y.data(), n / 2, 2));
            const real_t<T> r = nrm2(b, x);
            auto ya = y;
            axpy(b, alpha, x, ya);
            auto xs = x;
            scal(b, alpha, xs);
            if (first) {
                dot0 = d;
                dotu0 = du;
                dot_strided0 = ds;
                nrm0 = r;
                axpy0 = ya;
                scal0 = xs;
                first = false;
                return;
            }
            CHECK(bitwise_equal(d, dot0));
            CHECK(bitwise_equal(du, dotu0));
            CHECK(bitwise_equal(ds, dot_strided0));
            CHECK(bitwise_equal(r, nrm0));
            CHECK(bitwise_equal(ya, axpy0));
            CHECK(bitwise_equal(xs, scal0));
        });
    }
}

TEST_CASE("the default backend runs the overloads without a backend argument") {
    // Whatever backend::default_backend is in this program, the result equals an explicit call on it.
    const auto x = random_values<double>(50000, 1), y = random_values<double>(50000, 2);
    CHECK(bitwise_equal(dot(x, y), dot(backend::default_backend{}, x, y)));
    CHECK(bitwise_equal(nrm2(x), nrm2(backend::default_backend{}, x)));
}
