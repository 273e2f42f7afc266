// waferblas/sparse/borrowed_matrix.hpp — a CSR matrix that a plan reads in place instead of copying.
//
//   auto plan = waferblas::plan_spmv(waferblas::borrow(A), waferblas::pe_grid{1, 2});
//   A.values()[0] = 2.0;                  // the next execute() reads it: no refresh_values
//   plan.execute(1.0, x, 0.0, y);
//
// A plan keeps a copy of A by default, so that it outlives A; beyond the caches that copy is most of
// the build, several SpMVs' time where fresh pages fault slowly (docs/performance.md, item 5). A
// borrowing plan keeps only its analysis (the partition) and reads A at every execution, as an MKL
// inspector-executor handle does. It refers to the object A, not to its arrays as a std::span
// would: the caller keeps A alive and where it is (not moved, e.g. by a growing std::vector of
// matrices) while the plan is in use. A's values may change in place, between executions; an
// assignment to A or a move from it is refused at the plan's next use (compressed::generation).
#pragma once

#include <cstdint>

#include "csr_matrix.hpp"

namespace waferblas {

/// A reference to a csr_matrix for plan_spmv / plan_spmm to read in place (made by borrow()).
template <scalar T, index I = std::int32_t>
class borrowed_matrix {
public:
    explicit borrowed_matrix(const csr_matrix<T, I>& A) noexcept : A_(&A) {}
    explicit borrowed_matrix(const csr_matrix<T, I>&&) = delete; ///< a temporary would be gone before the plan's first use
    [[nodiscard]] const csr_matrix<T, I>& get() const noexcept { return *A_; }

private:
    const csr_matrix<T, I>* A_;
};

/// Lends A to a plan: the plan reads A's arrays at each execution instead of keeping a copy.
template <scalar T, index I>
[[nodiscard]] borrowed_matrix<T, I> borrow(const csr_matrix<T, I>& A) noexcept {
    return borrowed_matrix<T, I>(A);
}

/// A temporary would be gone before the plan's first execution.
template <scalar T, index I>
void borrow(const csr_matrix<T, I>&&) = delete;

} // namespace waferblas
