// Test support: every backend this test program was built with, for tests that run one computation
// on each and compare the results.
//
//   waferblas::testing::for_each_backend(waferblas::execution_options{0, true}, [&](const auto& b, const std::string& name) {
//       INFO(name);
//       ... waferblas::dot(b, x, y) ...
//   });
//
// The sequential backend comes first (it is the reference); then tbb{1}, tbb{2} when the program
// links waferblas::tbb (WAFERBLAS_USE_TBB) and openmp{1}, openmp{2} when it is built with OpenMP.
#pragma once

#include <cstddef>
#include <string>

#include <waferblas/backend/sequential.hpp>
#include <waferblas/core/threads.hpp>
#if defined(WAFERBLAS_USE_TBB) && WAFERBLAS_USE_TBB
#include <waferblas/backend/tbb.hpp>
#define WAFERBLAS_TEST_HAVE_TBB 1
#endif
#if defined(_OPENMP)
#include <waferblas/backend/openmp.hpp>
#define WAFERBLAS_TEST_HAVE_OPENMP 1
#endif

namespace waferblas::testing {

/// Calls f(backend, name) for the sequential backend, then for each parallel backend with 1 and 2
/// threads, all with the given deterministic flag.
template <class F>
void for_each_backend(bool deterministic, F&& f) {
    f(backend::sequential{execution_options{0, deterministic}}, std::string("sequential"));
#ifdef WAFERBLAS_TEST_HAVE_TBB
    for (std::size_t t : {std::size_t{1}, std::size_t{2}})
        f(backend::tbb{execution_options{t, deterministic}}, "tbb{" + std::to_string(t) + "}");
#endif
#ifdef WAFERBLAS_TEST_HAVE_OPENMP
    for (std::size_t t : {std::size_t{1}, std::size_t{2}})
        f(backend::openmp{execution_options{t, deterministic}}, "openmp{" + std::to_string(t) + "}");
#endif
}

/// Number of backends for_each_backend visits.
[[nodiscard]] constexpr std::size_t backend_count() noexcept {
    std::size_t n = 1;
#ifdef WAFERBLAS_TEST_HAVE_TBB
    n += 2;
#endif
#ifdef WAFERBLAS_TEST_HAVE_OPENMP
    n += 2;
#endif
    return n;
}

} // namespace waferblas::testing
