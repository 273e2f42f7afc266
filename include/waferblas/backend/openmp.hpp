// waferblas/backend/openmp.hpp — the OpenMP backend (compile with OpenMP; target waferblas::openmp).
//
//   waferblas::spmv(waferblas::backend::openmp{2}, 1.0, A, x, 0.0, y);
//
// Runs the PE tasks in an `omp parallel for` on the chosen number of threads with a static schedule:
// PE tasks are already balanced (row_partition.hpp), and a static schedule gives PE p to the same thread on
// every call, so a plan executed repeatedly finds its part of A and y in that core's cache.
#pragma once

#include <cstddef>

#include "../core/threads.hpp"

#if !defined(_OPENMP)
#error "<waferblas/backend/openmp.hpp> needs OpenMP: compile with -fopenmp (or link waferblas::openmp)"
#endif

namespace waferblas::backend {

class openmp : public thread_settings {
public:
    static constexpr const char* name = "openmp";

    /// openmp{}: get_num_threads() threads at each call; openmp{n}; openmp{execution_options{n, true}}.
    using thread_settings::thread_settings;

    template <class F>
    void parallel_for(std::size_t n, F&& f) const {
        const std::size_t t = threads_for(n);
        if (t <= 1) return run_inline(n, f);
        const auto count = static_cast<long long>(n);
#pragma omp parallel for schedule(static) num_threads(static_cast<int>(t))
        for (long long i = 0; i < count; ++i) f(static_cast<std::size_t>(i));
    }
};

} // namespace waferblas::backend
