// Dense views: strides, layouts, const conversion, aliasing detection and misuse errors.
#include <doctest/doctest.h>

#include <array>
#include <complex>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <waferblas/waferblas.hpp>

using namespace waferblas;

TEST_CASE("vector_view addresses element i at data()[i * stride], also for negative strides") {
    std::vector<double> v{0, 1, 2, 3, 4, 5};
    vector_view<double> every_other(v.data(), 3, 2);
    CHECK(every_other[2] == 4);
    vector_view<double> backwards(v.data() + 5, 6, -1);
    CHECK(backwards[0] == 5);
    CHECK(backwards[5] == 0);
    CHECK_FALSE(backwards.contiguous());
    auto [lo, hi] = backwards.address_range();
    CHECK(lo == v.data());
    CHECK(hi == v.data() + 6);
}

TEST_CASE("vector_view converts from std::vector, std::span and std::array, and adds const") {
    std::vector<float> v(4, 1.0f);
    std::array<float, 3> a{1, 2, 3};
    vector_view<float> from_vector = v;
    vector_view<const float> from_span = std::span<const float>(v);
    vector_view<float> from_array = a;
    vector_view<const float> as_const = from_vector;
    CHECK(from_vector.size() == 4);
    CHECK(from_span.size() == 4);
    CHECK(from_array[2] == 3);
    CHECK(as_const.data() == v.data());
    static_assert(vector_like<std::vector<double>&>);
    static_assert(mutable_vector_like<std::vector<double>&>);
    static_assert(!mutable_vector_like<const std::vector<double>&>);
    static_assert(!vector_like<int>);
}

TEST_CASE("vector_view rejects a null pointer with a size and a zero stride on mutable data") {
    double d = 0;
    CHECK_THROWS_AS(vector_view<double>(nullptr, 3), invalid_argument_error);
    CHECK_THROWS_AS(vector_view<double>(&d, 3, 0), invalid_argument_error);
    CHECK_NOTHROW(vector_view<const double>(&d, 3, 0)); // a broadcast read is fine
}

TEST_CASE("views whose last element lies beyond the address space are refused, not indexed with an overflow") {
    double d[4] = {};
    constexpr auto max_stride = std::numeric_limits<std::ptrdiff_t>::max();
    CHECK_THROWS_WITH_AS(vector_view<const double>(d, 3, max_stride),
                         ("vector_view: 3 elements " + std::to_string(max_stride) + " apart reach beyond the address space").c_str(),
                         invalid_argument_error);
    CHECK_THROWS_AS(vector_view<double>(d, 2, std::numeric_limits<std::ptrdiff_t>::min()), invalid_argument_error);
    CHECK_THROWS_AS(vector_view<double>(d, std::numeric_limits<std::size_t>::max() / 8, 1), invalid_argument_error);
    CHECK_NOTHROW(vector_view<const double>(d, 1, max_stride));                                  // one element: no offset
    CHECK_NOTHROW(vector_view<const double>(d, std::numeric_limits<std::size_t>::max(), 0));      // a broadcast
    CHECK_NOTHROW(vector_view<double>(d, 2, max_stride / static_cast<std::ptrdiff_t>(sizeof(double)))); // the largest step
    CHECK_THROWS_WITH_AS(matrix_view<double>(d, 4, 2, layout::row_major, std::numeric_limits<std::size_t>::max() / 2),
                         ("matrix_view: 4x2 with leading dimension " + std::to_string(std::numeric_limits<std::size_t>::max() / 2) +
                          " reaches beyond the address space")
                             .c_str(),
                         invalid_argument_error);
    CHECK_THROWS_AS(matrix_view<double>(d, std::numeric_limits<std::size_t>::max() / 4, 2, layout::row_major), invalid_argument_error);
    CHECK_THROWS_AS(matrix_view<double>(d, 2, std::numeric_limits<std::size_t>::max() / 4, layout::col_major), invalid_argument_error);
    CHECK_NOTHROW(matrix_view<double>(d, 1, 2, layout::row_major, std::numeric_limits<std::size_t>::max() / 2)); // one row: ld unused
}

TEST_CASE("vector_view::subview checks its range") {
    std::vector<double> v(10);
    vector_view<double> all = v;
    CHECK(all.subview(2, 3).data() == v.data() + 2);
    CHECK_THROWS_AS((void)all.subview(8, 3), dimension_error);
}

TEST_CASE("overlaps detects shared memory between views") {
    std::vector<double> v(10);
    CHECK(overlaps(vector_view<double>(v.data(), 5), vector_view<double>(v.data() + 4, 5)));
    CHECK_FALSE(overlaps(vector_view<double>(v.data(), 5), vector_view<double>(v.data() + 5, 5)));
    CHECK_FALSE(overlaps(vector_view<double>(), vector_view<double>(v.data(), 5)));
}

TEST_CASE("matrix_view indexes row- and column-major storage with a leading dimension") {
    std::vector<double> s(12);
    for (std::size_t k = 0; k < s.size(); ++k) s[k] = static_cast<double>(k);
    matrix_view<double> rm(s.data(), 2, 3, layout::row_major, 4);
    CHECK(rm(1, 2) == 6);
    CHECK(rm.row(1)[0] == 4);
    CHECK(rm.col(2)[1] == 6);
    matrix_view<double> cm(s.data(), 3, 2, layout::col_major, 5);
    CHECK(cm(2, 1) == 7);
    CHECK(cm.col(1)[0] == 5);
    CHECK(cm.row(2)[1] == 7);
    matrix_view<const double> c = cm;
    CHECK(c(0, 1) == 5);
}

TEST_CASE("matrix_view rejects a leading dimension smaller than the tight one") {
    std::vector<double> s(12);
    CHECK_THROWS_AS(matrix_view<double>(s.data(), 2, 3, layout::row_major, 2), invalid_argument_error);
    CHECK_THROWS_AS(matrix_view<double>(s.data(), 4, 3, layout::col_major, 3), invalid_argument_error);
    CHECK_THROWS_AS((void)matrix_view<double>(s.data(), 2, 3).row(2), dimension_error);
}

TEST_CASE("aligned_vector's storage starts on a cache line, also after it grows, for every scalar type") {
    const auto on_line = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p) % cache_line_bytes == 0; };
    aligned_vector<double> d;
    aligned_vector<float> f(3, 1.0f);
    aligned_vector<std::complex<double>> z(1);
    aligned_vector<char> c(1, 'x');
    CHECK(on_line(f.data()));
    CHECK(on_line(z.data()));
    CHECK(on_line(c.data()));
    for (int i = 0; i < 5000; ++i) {
        d.push_back(i);
        REQUIRE(on_line(d.data())); // every reallocation
    }
    CHECK(d[4999] == 4999);
    aligned_vector<double> copy = d;
    CHECK(on_line(copy.data()));
    CHECK(copy == d);
    // A vector operand like any contiguous range.
    static_assert(mutable_vector_like<aligned_vector<float>&> && vector_like<const aligned_vector<double>&>);
    const vector_view<const double> view = as_vector_view(std::as_const(d));
    CHECK(view.data() == d.data());
    CHECK(view.size() == d.size());
    // Under 4 KiB and above (glibc places large plain blocks 16 bytes past a page: the case that matters).
    for (std::size_t n : {1u, 7u, 100u, 1u << 20}) {
        aligned_allocator<double> a;
        double* p = a.allocate(n);
        CHECK(on_line(p));
        p[n - 1] = 1.0;
        a.deallocate(p, n);
    }
}

TEST_CASE("aligned_allocator rebinds, compares equal and rejects sizes beyond the address space") {
    using to_float = std::allocator_traits<aligned_allocator<double>>::rebind_alloc<float>;
    static_assert(std::is_same_v<to_float, aligned_allocator<float>>);
    static_assert(std::is_same_v<std::allocator_traits<aligned_allocator<int, 128>>::rebind_alloc<char>, aligned_allocator<char, 128>>);
    CHECK(aligned_allocator<double>{} == aligned_allocator<float>{});
    CHECK_FALSE(aligned_allocator<double>{} != aligned_allocator<double>{});
    aligned_allocator<int, 128> wide;
    int* p = wide.allocate(3);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 128 == 0);
    wide.deallocate(p, 3);
    aligned_allocator<double> a;
    CHECK_THROWS_AS((void)a.allocate(std::numeric_limits<std::size_t>::max() / 4), std::bad_array_new_length);
}
