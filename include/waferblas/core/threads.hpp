// waferblas/core/threads.hpp — the library-wide thread count.
//
//   waferblas::set_num_threads(2);      // every parallel backend uses 2 threads unless told otherwise
//   waferblas::set_num_threads(0);      // back to the default: the machine's hardware threads
//   waferblas::backend::tbb{4};         // per call: 4 threads for this backend object
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>

namespace waferblas {

namespace detail {
inline std::atomic<std::size_t>& thread_setting() noexcept {
    static std::atomic<std::size_t> n{0};
    return n;
}
} // namespace detail

/// The most threads a backend starts for one call: larger requests (set_num_threads, a backend's
/// own count) are clamped to it, since an OpenMP thread count is an int and no machine runs more.
inline constexpr std::size_t max_threads = 4096;

/// Sets the thread count parallel backends use when a call does not say; 0 restores the default.
/// Counts above max_threads are clamped to it.
inline void set_num_threads(std::size_t n) noexcept { detail::thread_setting().store(n, std::memory_order_relaxed); }

/// The thread count parallel backends use by default: set_num_threads' value, else the hardware's.
[[nodiscard]] inline std::size_t get_num_threads() noexcept {
    const std::size_t n = detail::thread_setting().load(std::memory_order_relaxed);
    if (n != 0) return n;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : hw;
}

/// How a parallel backend runs a call.
///   threads        0: get_num_threads() at the time of the call.
///   deterministic  true: the free functions split the work by the matrix alone, so results are
///                  bitwise identical across backends and thread counts (plans always are: their
///                  grid fixes the split). false: the split may follow the thread count.
struct execution_options {
    std::size_t threads = 0;
    bool deterministic = false;
};

namespace backend {

/// What the parallel backends share: the thread count and the deterministic flag of a call.
class thread_settings {
public:
    /// threads = 0: get_num_threads() at the time of each call.
    explicit thread_settings(std::size_t threads = 0) noexcept : options_{threads, false} {}
    explicit thread_settings(execution_options o) noexcept : options_(o) {}

    /// The threads of a call: the backend's own count, else get_num_threads(); at most max_threads.
    [[nodiscard]] std::size_t concurrency() const noexcept {
        return std::min(options_.threads != 0 ? options_.threads : get_num_threads(), max_threads);
    }
    [[nodiscard]] bool deterministic() const noexcept { return options_.deterministic; }

protected:
    /// Threads for a loop of n PE tasks; 1 means: run it on the calling thread (run_inline).
    [[nodiscard]] std::size_t threads_for(std::size_t n) const noexcept { return n <= 1 ? 1 : concurrency(); }
    template <class F>
    static void run_inline(std::size_t n, F& f) {
        for (std::size_t i = 0; i < n; ++i) f(i);
    }

private:
    execution_options options_;
};

} // namespace backend

} // namespace waferblas
