// waferblas/dataflow/plan.hpp — reusable SpMV and SpMM plans: the inspector/executor split.
//
//   auto plan = waferblas::plan_spmv(A, waferblas::pe_grid{8, 8}, waferblas::placement::checkerboard);
//   plan.execute(1.0, x, 0.0, y);             // y = A x, as many times as needed
//   A.values()[0] = 2.0;
//   plan.refresh_values(A);                   // same pattern: no re-analysis
//   std::cout << plan.statistics().summary(); // tasks, flops, bytes and words per PE
//
// Without a backend argument, execute() runs on backend::default_backend (see backend/default.hpp).
// Contract: planning analyses and copies A once (plan_spmv(std::move(A), ...) takes A's arrays over
// instead, for row_blocks, unless spmv_layout::rows_by_length reorders its rows; plan_spmv(borrow(A),
// ...) copies nothing and reads A in place, which must then outlive the plan: sparse/borrowed_matrix.hpp,
// row_blocks with the CSR layout only). execute() is const
// and safe to call from several threads at once on one plan (each call has its own scratch). x and
// y (B and C) must not overlap.
// refresh_values() must not run concurrently with execute(), nor, for a plan that borrows A, any
// change to A (even the non-const A.values(), which clears A's all-ones note).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../backend/default.hpp"
#include "../core/checks.hpp"
#include "../core/matrix_view.hpp"
#include "../core/operation.hpp"
#include "../core/vector_view.hpp"
#include "execute.hpp"
#include "program.hpp"
#include "statistics.hpp"

namespace waferblas {

namespace detail {

/// What SpMV and SpMM plans share: the lowered program and its maintenance.
template <scalar T, index I>
class plan_base {
public:
    [[nodiscard]] const sparse_program<T, I>& program() const noexcept { return prog_; }
    [[nodiscard]] const pe_grid& grid() const noexcept { return prog_.grid(); }
    [[nodiscard]] waferblas::placement placement() const noexcept { return prog_.placement(); }
    [[nodiscard]] op operation() const noexcept { return prog_.operation(); }
    [[nodiscard]] I rows() const noexcept { return prog_.rows(); }
    [[nodiscard]] I cols() const noexcept { return prog_.cols(); }
    [[nodiscard]] std::size_t nnz() const noexcept { return prog_.nnz(); }
    void refresh_values(const csr_matrix<T, I>& A) { prog_.refresh_values(A); }

protected:
    /// Lowers in place: the program is built in prog_, not moved there.
    template <class... Args>
    explicit plan_base(std::in_place_t, Args&&... args) : prog_(sparse_program<T, I>::lower(std::forward<Args>(args)...)) {}
    sparse_program<T, I> prog_;
};

} // namespace detail

/// y = alpha op(A) x + beta y on a PE grid.
template <scalar T, index I = std::int32_t>
class spmv_plan : public detail::plan_base<T, I> {
public:
    spmv_plan(const csr_matrix<T, I>& A, const pe_grid& grid, waferblas::placement pl, op o = op::none,
              spmv_layout layout = spmv_layout::csr)
        : detail::plan_base<T, I>(std::in_place, A, grid, pl, o, layout) {}
    spmv_plan(csr_matrix<T, I>&& A, const pe_grid& grid, waferblas::placement pl, op o = op::none,
              spmv_layout layout = spmv_layout::csr)
        : detail::plan_base<T, I>(std::in_place, std::move(A), grid, pl, o, layout) {}
    spmv_plan(borrowed_matrix<T, I> A, const pe_grid& grid, waferblas::placement pl, op o = op::none,
              spmv_layout layout = spmv_layout::csr)
        : detail::plan_base<T, I>(std::in_place, A, grid, pl, o, layout) {}

    template <backend::executor Backend, vector_like X, mutable_vector_like Y>
        requires std::same_as<vector_value_t<X>, T> && std::same_as<vector_value_t<Y>, T>
    void execute(const Backend& backend, std::type_identity_t<T> alpha, X&& x, std::type_identity_t<T> beta, Y&& y) const {
        const vector_view<const T> xv = as_vector_view(x);
        const vector_view<T> yv = as_vector_view(y);
        detail::check_spmv("spmv_plan::execute", static_cast<std::size_t>(this->rows()), static_cast<std::size_t>(this->cols()), xv, yv);
        detail::execute_spmv(backend, this->prog_, alpha, xv, beta, yv);
    }

    template <vector_like X, mutable_vector_like Y>
        requires std::same_as<vector_value_t<X>, T> && std::same_as<vector_value_t<Y>, T>
    void execute(std::type_identity_t<T> alpha, X&& x, std::type_identity_t<T> beta, Y&& y) const {
        execute(backend::default_backend{}, alpha, std::forward<X>(x), beta, std::forward<Y>(y));
    }

    /// Per-PE tasks, flops, memory and traffic of one execution.
    [[nodiscard]] program_statistics statistics() const { return compute_statistics(this->prog_, 1); }
};

/// C = alpha op(A) B + beta C on a PE grid; B and C dense, any layout.
template <scalar T, index I = std::int32_t>
class spmm_plan : public detail::plan_base<T, I> {
public:
    spmm_plan(const csr_matrix<T, I>& A, const pe_grid& grid, waferblas::placement pl, op o = op::none)
        : detail::plan_base<T, I>(std::in_place, A, grid, pl, o) {}
    spmm_plan(csr_matrix<T, I>&& A, const pe_grid& grid, waferblas::placement pl, op o = op::none)
        : detail::plan_base<T, I>(std::in_place, std::move(A), grid, pl, o) {}
    spmm_plan(borrowed_matrix<T, I> A, const pe_grid& grid, waferblas::placement pl, op o = op::none)
        : detail::plan_base<T, I>(std::in_place, A, grid, pl, o) {}

    template <backend::executor Backend>
    void execute(const Backend& backend, std::type_identity_t<T> alpha, matrix_view<const T> B, std::type_identity_t<T> beta,
                 matrix_view<T> C) const {
        detail::check_spmm("spmm_plan::execute", static_cast<std::size_t>(this->rows()), static_cast<std::size_t>(this->cols()), B, C);
        detail::execute_spmm(backend, this->prog_, alpha, B, beta, C);
    }

    void execute(std::type_identity_t<T> alpha, matrix_view<const T> B, std::type_identity_t<T> beta, matrix_view<T> C) const {
        execute(backend::default_backend{}, alpha, B, beta, C);
    }

    /// Per-PE statistics of one execution with `rhs_cols` dense columns.
    [[nodiscard]] program_statistics statistics(std::size_t rhs_cols) const { return compute_statistics(this->prog_, rhs_cols); }
};

/// `layout` (row_blocks): spmv_layout::diagonal_chunks (real T) stores rows that repeat one column
/// pattern shifted by the row (stencils, bands) as diagonal chunks, which an SpMV streams in about
/// three quarters of the CSR bytes, for a longer build; the same sums, up to fused roundings.
/// spmv_layout::rows_by_length stores each PE's rows in order of length, for power-law matrices;
/// the same sums bit for bit (see spmv_layout).
template <scalar T, index I>
[[nodiscard]] spmv_plan<T, I> plan_spmv(const csr_matrix<T, I>& A, const pe_grid& grid,
                                        placement pl = placement::row_blocks, op o = op::none,
                                        spmv_layout layout = spmv_layout::csr) {
    return spmv_plan<T, I>(A, grid, pl, o, layout);
}

/// Takes A over: a row_blocks plan then keeps A's arrays instead of copying them (a plan that orders
/// its rows by length copies them in that order, and frees A's).
template <scalar T, index I>
[[nodiscard]] spmv_plan<T, I> plan_spmv(csr_matrix<T, I>&& A, const pe_grid& grid,
                                        placement pl = placement::row_blocks, op o = op::none,
                                        spmv_layout layout = spmv_layout::csr) {
    return spmv_plan<T, I>(std::move(A), grid, pl, o, layout);
}

/// Borrows A (borrow(A)): the plan copies nothing, builds in O(PEs log rows) time, and reads A,
/// current values included, at every execution; the object A must outlive the plan and stay where
/// it is (sparse/borrowed_matrix.hpp). After an assignment to A or a move from it, every use of the
/// plan throws invalid_argument_error (plan again). row_blocks with spmv_layout::csr and op::none
/// only (invalid_argument_error otherwise). The same sums as a copying plan, bit for bit.
template <scalar T, index I>
[[nodiscard]] spmv_plan<T, I> plan_spmv(borrowed_matrix<T, I> A, const pe_grid& grid,
                                        placement pl = placement::row_blocks, op o = op::none,
                                        spmv_layout layout = spmv_layout::csr) {
    return spmv_plan<T, I>(A, grid, pl, o, layout);
}

template <scalar T, index I>
[[nodiscard]] spmm_plan<T, I> plan_spmm(const csr_matrix<T, I>& A, const pe_grid& grid,
                                        placement pl = placement::row_blocks, op o = op::none) {
    return spmm_plan<T, I>(A, grid, pl, o);
}

/// Takes A over: a row_blocks plan then keeps A's arrays instead of copying them.
template <scalar T, index I>
[[nodiscard]] spmm_plan<T, I> plan_spmm(csr_matrix<T, I>&& A, const pe_grid& grid,
                                        placement pl = placement::row_blocks, op o = op::none) {
    return spmm_plan<T, I>(std::move(A), grid, pl, o);
}

/// Borrows A, as plan_spmv(borrow(A), ...) does (row_blocks, op::none only).
template <scalar T, index I>
[[nodiscard]] spmm_plan<T, I> plan_spmm(borrowed_matrix<T, I> A, const pe_grid& grid,
                                        placement pl = placement::row_blocks, op o = op::none) {
    return spmm_plan<T, I>(A, grid, pl, o);
}

} // namespace waferblas
