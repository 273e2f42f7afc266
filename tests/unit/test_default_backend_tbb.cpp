// <waferblas/tbb.hpp> makes TBB the default backend of the translation unit that includes it (this
// program links TBB itself, not waferblas::tbb, so nothing else defines WAFERBLAS_USE_TBB), and
// set_num_threads steers the thread count of a backend::tbb{} that does not name one.
#include <waferblas/tbb.hpp>

#include <doctest/doctest.h>

#include <concepts>
#include <thread>
#include <vector>

static_assert(std::same_as<waferblas::backend::default_backend, waferblas::backend::tbb>,
              "<waferblas/tbb.hpp> must make backend::tbb the default");

namespace {
/// Restores the library-wide thread count when a test ends, even if it fails.
struct thread_setting_guard {
    ~thread_setting_guard() { waferblas::set_num_threads(0); }
};
} // namespace

TEST_CASE("set_num_threads changes the concurrency of a tbb backend that does not name its thread count") {
    const thread_setting_guard guard;
    waferblas::set_num_threads(3);
    CHECK(waferblas::get_num_threads() == 3);
    CHECK(waferblas::backend::tbb{}.concurrency() == 3);
    CHECK(waferblas::backend::tbb{2}.concurrency() == 2); // an explicit count wins
    waferblas::set_num_threads(1);
    CHECK(waferblas::backend::tbb{}.concurrency() == 1);
    waferblas::set_num_threads(0); // back to the hardware's count
    const unsigned hw = std::thread::hardware_concurrency();
    CHECK(waferblas::backend::tbb{}.concurrency() == (hw == 0 ? 1 : hw));
}

TEST_CASE("calls without a backend argument run on TBB and compute the right result") {
    const thread_setting_guard guard;
    waferblas::set_num_threads(2);
    const auto A = waferblas::generators::poisson2d<double>(40, 40);
    const std::vector<double> x(static_cast<std::size_t>(A.cols()), 1.0);
    std::vector<double> y(static_cast<std::size_t>(A.rows())), want(y.size());
    waferblas::spmv(1.0, A, x, 0.0, y);
    waferblas::spmv(waferblas::backend::sequential{}, waferblas::op::none, 1.0, A, x, 0.0, want);
    CHECK(y == want); // Poisson rows sum small integers: exact in any order
    CHECK(waferblas::dot(x, x) == static_cast<double>(x.size()));
}
