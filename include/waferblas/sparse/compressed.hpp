// waferblas/sparse/compressed.hpp — storage shared by CSR and CSC: compressed outer, sorted inner.
//
// CSR compresses rows (outer = row, inner = column); CSC compresses columns. Invariants, checked on
// every construction from user data: ptr has outer+1 entries, starts at 0, never decreases and ends
// at nnz; inner indices lie in [0, inner) and strictly increase within an outer slice (sorted, no
// duplicates); nnz fits the index type.
//
// One property of the values is kept with them: whether every stored value is exactly one (a
// pattern matrix). The matrix classes find it on construction and forget it when they hand out
// mutable values, so it is never true of values that are not all one; kernels of real T then
// skip the value array (kernels/value_stream.hpp).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/memory.hpp"
#include "../core/scalar.hpp"

namespace waferblas {

/// Tag: trust the caller that the arrays already satisfy the invariants (internal fast paths).
struct unchecked_t {
    explicit unchecked_t() = default;
};
inline constexpr unchecked_t unchecked{};

namespace detail {

/// Tag: the storage's values_all_one is already right (it came with the values, in any order, from
/// another matrix), so the constructor need not scan the values for it again.
struct values_noted_t {
    explicit values_noted_t() = default;
};
inline constexpr values_noted_t values_noted{};

/// A number never handed out before (in this process): see compressed::generation.
[[nodiscard]] inline std::uint64_t next_generation() noexcept {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

template <scalar T, index I>
struct compressed {
    I outer = 0, inner = 0;
    std::vector<I> ptr{0};
    std::vector<I> idx;
    std::vector<T> val;
    /// Every value in val is exactly T(1) (vacuously, when there are none); see note_values().
    bool values_all_one = false;
    /// Names these arrays: new at every construction, copy and assignment, and for a moved-from
    /// storage (an empty 0 x 0 one); a move hands it on with the arrays. A plan that borrows a
    /// matrix compares it to know the matrix still holds the arrays it analysed: their addresses
    /// cannot tell, since an allocator hands freed blocks out again. Not part of the value
    /// (operator== ignores it).
    std::uint64_t generation = next_generation();

    compressed() = default;
    /// An all-zero outer_n x inner_n storage. Negative sizes get a one-entry pointer, left for
    /// validate() to name instead of failing to allocate.
    compressed(I outer_n, I inner_n)
        : outer(outer_n), inner(inner_n), ptr(large_vector<I>(outer_n < 0 ? std::size_t{1} : static_cast<std::size_t>(outer_n) + 1, I{0})) {}
    compressed(I outer_n, I inner_n, std::vector<I> p, std::vector<I> i, std::vector<T> v)
        : outer(outer_n), inner(inner_n), ptr(std::move(p)), idx(std::move(i)), val(std::move(v)) {}

    /// A copy is a matrix WaferBLAS builds: its large arrays go on huge pages as the others'
    /// (core/memory.hpp). Copied as std::vectors, on 4 KiB pages, a 113 MB matrix took 466 ms to
    /// copy on the Zen 5 guest against 36 ms so (benchmark matrix_copy; docs/performance.md, item 5).
    compressed(const compressed& o)
        : outer(o.outer), inner(o.inner), ptr(large_copy(std::span<const I>(o.ptr))), idx(large_copy(std::span<const I>(o.idx))),
          val(large_copy(std::span<const T>(o.val))), values_all_one(o.values_all_one) {}
    compressed(compressed&& o) noexcept
        : outer(o.outer), inner(o.inner), ptr(std::move(o.ptr)), idx(std::move(o.idx)), val(std::move(o.val)),
          values_all_one(o.values_all_one), generation(o.generation) {
        o.become_empty();
    }
    compressed& operator=(const compressed& o) {
        if (this != &o) *this = compressed(o);
        return *this;
    }
    compressed& operator=(compressed&& o) noexcept {
        if (this != &o) {
            outer = o.outer, inner = o.inner;
            ptr = std::move(o.ptr), idx = std::move(o.idx), val = std::move(o.val);
            values_all_one = o.values_all_one;
            generation = o.generation;
            o.become_empty();
        }
        return *this;
    }
    ~compressed() = default;

    [[nodiscard]] I nnz() const noexcept { return ptr.empty() ? I{0} : ptr.back(); }

    /// What a move leaves behind: a valid 0 x 0 storage with arrays of its own, which every
    /// routine accepts (the old shape with no arrays would send a kernel past their ends). Its
    /// one-entry pointer is an allocation: a move that cannot make it terminates, as a noexcept
    /// move must.
    void become_empty() noexcept {
        outer = inner = 0;
        ptr.assign(1, I{0});
        idx.clear(), val.clear();
        values_all_one = false;
        generation = next_generation();
    }

    /// Finds values_all_one: O(nnz) for a matrix of ones, and stops at the first other value.
    void note_values() noexcept {
        values_all_one = std::all_of(val.begin(), val.end(), [](const T& v) { return v == T(1); });
    }

    /// Throws invalid_matrix_error naming the first entry that breaks an invariant.
    /// `outer_name`/`inner_name` are "row"/"column" for CSR and the reverse for CSC.
    void validate(const char* format, const char* outer_name, const char* inner_name) const {
        auto fail = [&](const std::string& what) { throw invalid_matrix_error(std::string(format) + ": " + what); };
        if (outer < 0 || inner < 0)
            fail(std::string("negative dimension (") + outer_name + "s = " + std::to_string(outer) + ", " + inner_name + "s = " +
                 std::to_string(inner) + ")");
        if (ptr.size() != static_cast<std::size_t>(outer) + 1)
            fail(std::string(outer_name) + " pointer has " + std::to_string(ptr.size()) + " entries, expected " +
                 std::to_string(static_cast<std::size_t>(outer) + 1));
        if (ptr[0] != 0) fail(std::string(outer_name) + " pointer[0] = " + std::to_string(ptr[0]) + ", expected 0");
        if (idx.size() != val.size())
            fail(std::to_string(idx.size()) + " indices but " + std::to_string(val.size()) + " values");
        if (static_cast<std::size_t>(ptr.back()) != idx.size())
            fail(std::string(outer_name) + " pointer ends at " + std::to_string(ptr.back()) + " but there are " +
                 std::to_string(idx.size()) + " stored entries");
        for (std::size_t o = 0; o < static_cast<std::size_t>(outer); ++o) {
            const I b = ptr[o], e = ptr[o + 1];
            if (e < b)
                fail(std::string(outer_name) + " pointer decreases at " + outer_name + " " + std::to_string(o) + " (" +
                     std::to_string(b) + " > " + std::to_string(e) + ")");
            if (static_cast<std::size_t>(e) > idx.size()) // before the indices of [b, e) are read
                fail(std::string(outer_name) + " pointer[" + std::to_string(o + 1) + "] = " + std::to_string(e) + " exceeds the " +
                     std::to_string(idx.size()) + " stored entries");
            for (I k = b; k < e; ++k) {
                const I j = idx[static_cast<std::size_t>(k)];
                if (j < 0 || j >= inner)
                    fail(std::string(outer_name) + " " + std::to_string(o) + ": " + inner_name + " index " +
                         std::to_string(j) + " at position " + std::to_string(k) + " is out of range [0, " +
                         std::to_string(inner) + ")");
                if (k > b) {
                    const I prev = idx[static_cast<std::size_t>(k) - 1];
                    if (j == prev)
                        fail(std::string(outer_name) + " " + std::to_string(o) + ": duplicate " + inner_name + " index " +
                             std::to_string(j) + " at position " + std::to_string(k));
                    if (j < prev)
                        fail(std::string(outer_name) + " " + std::to_string(o) + ": " + inner_name + " indices unsorted (" +
                             std::to_string(prev) + " then " + std::to_string(j) + ") at position " + std::to_string(k));
                }
            }
        }
    }

    /// The same matrix compressed along the other dimension (CSR <-> CSC of A, or CSR of A^T).
    /// A counting sort: O(nnz + outer + inner), inner indices come out sorted.
    [[nodiscard]] compressed swapped(bool conjugate = false) const {
        compressed t(inner, outer);
        const std::size_t n = idx.size();
        t.idx = large_vector<I>(n);
        t.val = large_vector<T>(n);
        for (std::size_t k = 0; k < n; ++k) ++t.ptr[static_cast<std::size_t>(idx[k]) + 1];
        for (std::size_t j = 0; j < static_cast<std::size_t>(inner); ++j) t.ptr[j + 1] += t.ptr[j];
        std::vector<I> next(t.ptr.begin(), t.ptr.end() - 1);
        for (std::size_t o = 0; o < static_cast<std::size_t>(outer); ++o) {
            for (I k = ptr[o]; k < ptr[o + 1]; ++k) {
                const auto dst = static_cast<std::size_t>(next[static_cast<std::size_t>(idx[static_cast<std::size_t>(k)])]++);
                t.idx[dst] = static_cast<I>(o);
                t.val[dst] = conjugate ? waferblas::conj(val[static_cast<std::size_t>(k)]) : val[static_cast<std::size_t>(k)];
            }
        }
        return t;
    }

    /// The arrays alone: values_all_one follows from them where it is known.
    bool operator==(const compressed& o) const {
        return outer == o.outer && inner == o.inner && ptr == o.ptr && idx == o.idx && val == o.val;
    }
};

} // namespace detail
} // namespace waferblas
