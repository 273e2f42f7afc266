// waferblas/backend/sequential.hpp — the sequential backend: runs PE tasks one after another.
//
// It is the reference every other backend is tested against: same lowered program, same kernels,
// tasks in ascending order on the calling thread.
#pragma once

#include <concepts>
#include <cstddef>

#include "../core/threads.hpp"

namespace waferblas::backend {

/// What a backend provides: run f(0), ..., f(n-1), in any order and concurrently if it likes.
template <class B>
concept executor = requires(const B& b, std::size_t n, void (*f)(std::size_t)) {
    { b.parallel_for(n, f) };
    { b.concurrency() } -> std::convertible_to<std::size_t>;
    { b.deterministic() } -> std::convertible_to<bool>;
    { B::name } -> std::convertible_to<const char*>;
};

struct sequential {
    static constexpr const char* name = "sequential";
    [[nodiscard]] std::size_t concurrency() const noexcept { return 1; }
    /// Results never depend on a thread count here; the free functions still honour the flag by
    /// splitting work the way deterministic parallel calls do, so all backends agree bitwise.
    [[nodiscard]] bool deterministic() const noexcept { return deterministic_; }
    sequential() noexcept = default;
    explicit sequential(execution_options o) noexcept : deterministic_(o.deterministic) {}
    template <class F>
    void parallel_for(std::size_t n, F&& f) const {
        for (std::size_t i = 0; i < n; ++i) f(i);
    }

private:
    bool deterministic_ = false;
};

} // namespace waferblas::backend
