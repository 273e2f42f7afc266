// benchmarks/test_verification.cpp — the benchmark suite's result check (check_result) rejects the
// wrong results it exists to catch: a product added into y (beta ignored), single-precision sums,
// a nonzero where a row is empty, NaN, a wrong size; and accepts a reordered sum. ctest:
// benchmark_verification.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "common.hpp"

namespace {

/// y = A x for a small matrix with a long row, a row of cancelling terms, a row of small terms and
/// an empty row.
struct example {
    wbbench::problem p;
    example() {
        const int n = 3000;
        std::vector<std::int32_t> ptr{0, n, n + 2, n + 3, n + 3};
        std::vector<std::int32_t> idx;
        std::vector<double> val;
        for (int j = 0; j < n; ++j) idx.push_back(j), val.push_back(1.0 + 1e-3 * j);
        idx.push_back(0), val.push_back(1e6); // row 1: 1e6 x0 - (1e6 - 1) x1, a small result of large terms
        idx.push_back(1), val.push_back(-(1e6 - 1));
        idx.push_back(2), val.push_back(1e-6); // row 2: small against row 0's entry
        p.A = waferblas::csr_matrix<double>(4, n, std::move(ptr), std::move(idx), std::move(val));
        p.x.assign(n, 0.0);
        for (int j = 0; j < n; ++j) p.x[static_cast<std::size_t>(j)] = wbbench::test_value(static_cast<std::size_t>(j));
    }
};

/// The expectation as the benchmarks build it (problems.cpp).
wbbench::expected_result expected(const wbbench::problem& p) { return wbbench::reference_spmv(p.A, p.x); }

} // namespace

TEST_CASE("check_result accepts the same sums in another order") {
    const example ex;
    const auto want = expected(ex.p);
    std::vector<double> y(ex.p.rows(), 0.0);
    for (std::size_t i = 0; i < y.size(); ++i) { // summed backwards
        const auto b = static_cast<std::size_t>(ex.p.A.row_ptr()[i]), end = static_cast<std::size_t>(ex.p.A.row_ptr()[i + 1]);
        for (std::size_t k = end; k-- > b;) y[i] += ex.p.A.values()[k] * ex.p.x[static_cast<std::size_t>(ex.p.A.col_idx()[k])];
    }
    CHECK(wbbench::check_result("backwards", y, want).empty());
    CHECK(wbbench::check_result("exact", want.value, want).empty());
}

TEST_CASE("check_result rejects what a wrong kernel produces") {
    const example ex;
    const auto want = expected(ex.p);
    SUBCASE("added into y twice (beta = 0 ignored)") {
        std::vector<double> y = want.value;
        for (double& v : y) v *= 2;
        CHECK(wbbench::check_result("twice", y, want).rfind("twice: entry ", 0) == 0);
    }
    SUBCASE("summed in single precision") {
        std::vector<double> y = want.value;
        for (std::size_t i = 0; i < 2; ++i) {
            float s = 0;
            const auto b = static_cast<std::size_t>(ex.p.A.row_ptr()[i]), end = static_cast<std::size_t>(ex.p.A.row_ptr()[i + 1]);
            for (std::size_t k = b; k < end; ++k)
                s += static_cast<float>(ex.p.A.values()[k]) * static_cast<float>(ex.p.x[static_cast<std::size_t>(ex.p.A.col_idx()[k])]);
            y[i] = s;
        }
        CHECK_FALSE(wbbench::check_result("float", y, want).empty());
    }
    SUBCASE("a nonzero in an empty row") {
        std::vector<double> y = want.value;
        y[3] = 1e-300;
        CHECK(wbbench::check_result("empty row", y, want).find("entry 3") != std::string::npos);
    }
    SUBCASE("NaN") {
        std::vector<double> y = want.value;
        y[1] = std::numeric_limits<double>::quiet_NaN();
        CHECK(wbbench::check_result("nan", y, want).find("entry 1") != std::string::npos);
    }
    SUBCASE("an error small against the largest entry but not against its own row") {
        std::vector<double> y = want.value;
        y[2] *= 1 + 1e-6; // within the old max-norm check's 1e-12 of max |y|
        REQUIRE(std::abs(y[2] - want.value[2]) <= 1e-12 * std::abs(want.value[0]));
        CHECK(wbbench::check_result("row 2", y, want).find("entry 2") != std::string::npos);
    }
    SUBCASE("a wrong size") {
        const std::vector<double> y(3, 0.0);
        CHECK(wbbench::check_result("size", y, want).find("result has 3 entries, expected 4") != std::string::npos);
    }
}
