// waferblas/backend/openmp.hpp — the OpenMP backend (compile with OpenMP; target waferblas::openmp).
//
//   waferblas::spmv(waferblas::backend::openmp{2}, 1.0, A, x, 0.0, y);
//
// Runs the PE tasks in an `omp parallel for` on the chosen number of threads with a static schedule:
// PE tasks are already balanced (row_partition.hpp), and a static schedule gives PE p to the same thread on
// every call, so a plan executed repeatedly finds its part of A and y in that core's cache. No more
// threads start than there are tasks. An exception thrown by a task ends the loop (the tasks not
// started are skipped) and is rethrown on the calling thread, as the TBB and sequential backends do.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>

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
        const std::size_t t = std::min(threads_for(n), n); // at most max_threads: an int
        if (t <= 1) return run_inline(n, f);
        const auto count = static_cast<long long>(n);
        std::exception_ptr error;
        std::atomic<std::size_t> failed{0}; // not atomic<bool>: .ci/tsan.supp relies on WaferBLAS having none
#pragma omp parallel for schedule(static) num_threads(static_cast<int>(t))
        for (long long i = 0; i < count; ++i) {
            if (failed.load(std::memory_order_relaxed) != 0) continue; // an exception may not leave the region
            try {
                f(static_cast<std::size_t>(i));
            } catch (...) {
#pragma omp critical(waferblas_openmp_task_error)
                if (!error) error = std::current_exception();
                failed.store(1, std::memory_order_relaxed);
            }
        }
        if (error) std::rethrow_exception(error);
    }
};

} // namespace waferblas::backend
