// waferblas/backend/openmp.hpp — the OpenMP backend (compile with OpenMP; target waferblas::openmp).
//
//   waferblas::spmv(waferblas::backend::openmp{2}, 1.0, A, x, 0.0, y);
//
// Runs the PE tasks in an `omp parallel for` on the chosen number of threads with a static schedule:
// PE tasks are already balanced by nonzeros, and a static schedule gives PE p to the same thread on
// every call, so a plan executed repeatedly finds its part of A and y in that core's cache.
#pragma once

#include <cstddef>

#include "../core/threads.hpp"

#if !defined(_OPENMP)
#error "<waferblas/backend/openmp.hpp> needs OpenMP: compile with -fopenmp (or link waferblas::openmp)"
#endif

namespace waferblas::backend {

class openmp {
public:
    static constexpr const char* name = "openmp";

    /// threads = 0: get_num_threads() at the time of each call.
    explicit openmp(std::size_t threads = 0) noexcept : options_{threads, false} {}
    explicit openmp(execution_options o) noexcept : options_(o) {}

    [[nodiscard]] std::size_t concurrency() const noexcept { return options_.threads != 0 ? options_.threads : get_num_threads(); }
    [[nodiscard]] bool deterministic() const noexcept { return options_.deterministic; }

    template <class F>
    void parallel_for(std::size_t n, F&& f) const {
        const std::size_t t = concurrency();
        if (n <= 1 || t <= 1) {
            for (std::size_t i = 0; i < n; ++i) f(i);
            return;
        }
        const auto count = static_cast<long long>(n);
#pragma omp parallel for schedule(static) num_threads(static_cast<int>(t))
        for (long long i = 0; i < count; ++i) f(static_cast<std::size_t>(i));
    }

private:
    execution_options options_;
};

} // namespace waferblas::backend
