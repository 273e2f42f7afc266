// waferblas/backend/tbb.hpp — the oneTBB backend (needs TBB; target waferblas::tbb).
//
//   waferblas::spmv(waferblas::backend::tbb{}, 1.0, A, x, 0.0, y);    // waferblas::get_num_threads() threads
//   waferblas::spmv(waferblas::backend::tbb{2}, 1.0, A, x, 0.0, y);   // 2 threads for this call
//
// Runs PE tasks with tbb::parallel_for and a static_partitioner: PE tasks are already balanced
// (row_partition.hpp), and a static split gives PE p to the same worker on every call, so a plan executed
// repeatedly finds its part of A and y in that core's cache (the "thread affinity" of a plan).
// Tasks are whole PE work lists, never single AXPYs.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <type_traits>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include "../core/threads.hpp"

namespace waferblas::backend {

namespace detail {

/// One task_arena per thread count, created on first use and kept for the program's life (never
/// destroyed: TBB's own globals may be gone when static destructors run). Creating an arena per
/// call cost far more than a small sparse product (benchmarks/bench_spmv.cpp, before this cache:
/// milliseconds against microseconds). Thread counts of 256 and more share the 255-thread arena.
class tbb_arenas {
public:
    static constexpr std::size_t max_cached = 256;

    /// The arena for `threads` workers, or nullptr when the caller's own arena already has that
    /// many (then no arena switch is needed at all).
    static oneapi::tbb::task_arena* get(std::size_t threads) {
        if (threads == static_cast<std::size_t>(oneapi::tbb::this_task_arena::max_concurrency())) return nullptr;
        if (threads >= max_cached) threads = max_cached - 1;
        auto& slot = instance().slots_[threads];
        oneapi::tbb::task_arena* a = slot.load(std::memory_order_acquire);
        if (a != nullptr) return a;
        const std::lock_guard lock(instance().mutex_);
        a = slot.load(std::memory_order_relaxed);
        if (a == nullptr) {
            a = new oneapi::tbb::task_arena(static_cast<int>(threads)); // NOLINT(cppcoreguidelines-owning-memory)
            a->initialize();
            slot.store(a, std::memory_order_release);
        }
        return a;
    }

private:
    static tbb_arenas& instance() {
        static tbb_arenas arenas;
        return arenas;
    }
    std::mutex mutex_;
    std::array<std::atomic<oneapi::tbb::task_arena*>, max_cached> slots_{};
};

/// Bumped (release) by every copy of a chunk body, read (acquire) before a chunk body reads its
/// members. TBB copies the body into its tasks on the calling thread and hands the tasks to its
/// workers inside libtbb, which ThreadSanitizer cannot see when libtbb is not built with it
/// (Debian's is not): without this edge a worker's first read of the body "races" with the copy.
/// A worker then also sees everything the caller did before parallel_for: the fork.
inline std::atomic<std::size_t> tbb_chunk_body_copies{0};

/// The range body of backend::tbb::parallel_for: f(i) for each index of a chunk, then the chunk's
/// size added to `joined` (release), which the caller reads (acquire) after TBB's join.
template <class F>
class tbb_chunk_body {
public:
    tbb_chunk_body(F& f, std::atomic<std::size_t>& joined) noexcept : f_(&f), joined_(&joined) {}
    tbb_chunk_body(const tbb_chunk_body& other) noexcept : f_(other.f_), joined_(other.joined_) {
        tbb_chunk_body_copies.fetch_add(1, std::memory_order_release);
    }
    tbb_chunk_body& operator=(const tbb_chunk_body&) = delete;
    ~tbb_chunk_body() = default;

    void operator()(const oneapi::tbb::blocked_range<std::size_t>& r) const {
        (void)tbb_chunk_body_copies.load(std::memory_order_acquire);
        for (std::size_t i = r.begin(); i != r.end(); ++i) (*f_)(i);
        joined_->fetch_add(r.size(), std::memory_order_release);
    }

private:
    F* f_;
    std::atomic<std::size_t>* joined_;
};

} // namespace detail

class tbb : public thread_settings {
public:
    static constexpr const char* name = "tbb";

    /// tbb{}: get_num_threads() threads at each call; tbb{n}; tbb{execution_options{n, true}}.
    using thread_settings::thread_settings;

    template <class F>
    void parallel_for(std::size_t n, F&& f) const {
        const std::size_t t = threads_for(n);
        if (t <= 1) return run_inline(n, f);
        // The fork and the join restated with atomics in this (instrumented) header (see
        // tbb_chunk_body): a release/acquire pair per body copy and per chunk, nothing next to a
        // PE task.
        std::atomic<std::size_t> joined{0};
        auto body = [&] {
            oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, n, 1),
                                      detail::tbb_chunk_body<std::remove_reference_t<F>>(f, joined),
                                      oneapi::tbb::static_partitioner{});
        };
        if (auto* arena = detail::tbb_arenas::get(t)) arena->execute(body);
        else body();
        (void)joined.load(std::memory_order_acquire);
    }
};

} // namespace waferblas::backend
