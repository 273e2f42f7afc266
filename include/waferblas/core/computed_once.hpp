// waferblas/core/computed_once.hpp — a value computed by its first reader, from any thread, and kept.
//
// What std::call_once does, held by value: its owner needs no allocation for it (a plan of a tiny
// matrix is built in the time of a handful of allocations, so one more showed, docs/performance.md)
// and stays copyable. A copy or a move takes the value when it has been computed (it no longer
// changes then) and otherwise computes its own on first use. A moved-from one remembers that it
// was (and so do copies of it), so that its owner can refuse to compute from arrays it gave away.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <utility>

namespace waferblas::detail {

template <class V>
class computed_once {
public:
    computed_once() = default;
    computed_once(const computed_once& o) { take(o); }
    computed_once(computed_once&& o) noexcept {
        take(std::move(o));
        o.moved_from_ = true;
    }
    computed_once& operator=(const computed_once& o) {
        if (this != &o) take(o);
        return *this;
    }
    computed_once& operator=(computed_once&& o) noexcept {
        if (this != &o) {
            take(std::move(o));
            o.moved_from_ = true;
        }
        return *this;
    }
    ~computed_once() = default;

    /// The value; the first call runs compute(V&) on a default V (another call waits for it). If
    /// compute throws, the next call computes again.
    template <class F>
    const V& get(F&& compute) const {
        if (!computed()) {
            const std::lock_guard lock(mutex_);
            if (done_.load(std::memory_order_relaxed) == 0) {
                value_ = V{};
                std::forward<F>(compute)(value_);
                done_.store(1, std::memory_order_release);
            }
        }
        return value_;
    }
    [[nodiscard]] bool moved_from() const noexcept { return moved_from_; }

private:
    /// What copies, moves and assignments share: o's value if computed (copied or moved as Source
    /// is), its moved-from mark. `had` is read once: another thread may be computing o's value
    /// while it is copied, and two reads could mark an empty value computed.
    template <class Source>
    void take(Source&& o) {
        const bool had = o.computed();
        value_ = had ? std::forward<Source>(o).value_ : V{};
        done_.store(had ? 1 : 0, std::memory_order_relaxed);
        moved_from_ = o.moved_from_;
    }
    [[nodiscard]] bool computed() const noexcept { return done_.load(std::memory_order_acquire) != 0; }

    mutable V value_{};
    /// 1 once value_ is computed. Not atomic<bool>: .ci/tsan.supp hides TBB's atomic<bool> flags
    /// and relies on WaferBLAS having none.
    mutable std::atomic<std::size_t> done_{0};
    mutable std::mutex mutex_;
    bool moved_from_ = false;
};

} // namespace waferblas::detail
