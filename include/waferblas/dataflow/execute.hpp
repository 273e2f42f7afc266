// waferblas/dataflow/execute.hpp — runs a lowered program on a backend.
//
// A backend only schedules: it runs the PE tasks (row_blocks: one per PE; checkerboard: one per PE
// row) through parallel_for. The deterministic reduction of split rows runs afterwards on the
// calling thread, so every backend produces the sequential backend's result for the same grid.
// Programs too small to repay waking threads (backend::serial_threshold_flops) run on the calling
// thread whatever the backend: the split is the grid's, so the result is the same.
#pragma once

#include <cstddef>
#include <type_traits>
#include <vector>

#include "../backend/sequential.hpp"
#include "../backend/work_split.hpp"
#include "../core/matrix_view.hpp"
#include "../core/vector_view.hpp"
#include "../kernels/checkerboard.hpp"
#include "../kernels/row_blocks.hpp"
#include "program.hpp"

namespace waferblas::detail {

/// True when a parallel backend should leave a call of `flops` operations to the calling thread
/// (backend::runs_serially); the sequential backend never needs to be redirected.
template <class Backend>
[[nodiscard]] bool serial_instead(const Backend& backend, std::size_t flops) noexcept {
    if constexpr (std::is_same_v<Backend, backend::sequential>) return false;
    else return backend::runs_serially(backend, flops);
}

template <class Backend, class T, class I>
void execute_spmv(const Backend& backend, const kernels::row_blocks_view<T, I>& A, T alpha, vector_view<const T> x,
                  T beta, vector_view<T> y) {
    if (serial_instead(backend, 2 * A.col_idx.size())) return execute_spmv(backend::sequential{}, A, alpha, x, beta, y);
    kernels::row_blocks_spmv_scratch<T> scratch(A.pes());
    const auto run = [&]<bool Unit>() {
        backend.parallel_for(A.pes(), [&](std::size_t p) {
            kernels::row_blocks_spmv_task<Unit>(A, p, alpha, x.data(), x.stride(), beta, y.data(), y.stride(), scratch);
        });
    };
    if (x.contiguous() && y.contiguous()) run.template operator()<true>();
    else run.template operator()<false>();
    kernels::row_blocks_spmv_reduce(A, alpha, beta, y.data(), y.stride(), scratch);
}

template <class Backend, class T, class I>
void execute_spmv(const Backend& backend, const checkerboard_blocks<T, I>& b, const pe_grid& grid, T alpha,
                  vector_view<const T> x, T beta, vector_view<T> y) {
    if (serial_instead(backend, 2 * b.idx.size())) return execute_spmv(backend::sequential{}, b, grid, alpha, x, beta, y);
    const auto run = [&]<bool Unit>() {
        backend.parallel_for(grid.rows(), [&](std::size_t r) {
            kernels::checkerboard_spmv_task<Unit>(b, grid, r, alpha, x.data(), x.stride(), beta, y.data(), y.stride());
        });
    };
    if (x.contiguous() && y.contiguous()) run.template operator()<true>();
    else run.template operator()<false>();
}

template <class Backend, class T, class I>
void execute_spmm(const Backend& backend, const kernels::row_blocks_view<T, I>& A, T alpha, matrix_view<const T> B,
                  T beta, matrix_view<T> C) {
    if (serial_instead(backend, 2 * A.col_idx.size() * C.cols())) return execute_spmm(backend::sequential{}, A, alpha, B, beta, C);
    kernels::row_blocks_spmm_scratch<T> scratch(A.pes(), C.cols());
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    const auto run = [&]<bool Unit>() {
        backend.parallel_for(A.pes(), [&](std::size_t p) { kernels::row_blocks_spmm_task<Unit>(A, p, alpha, Bs, beta, Cs, scratch); });
        kernels::row_blocks_spmm_reduce<Unit>(A, alpha, beta, Cs, scratch);
    };
    if (Bs.col_stride == 1 && Cs.col_stride == 1) run.template operator()<true>();
    else run.template operator()<false>();
}

template <class Backend, class T, class I>
void execute_spmm(const Backend& backend, const checkerboard_blocks<T, I>& b, const pe_grid& grid, T alpha,
                  matrix_view<const T> B, T beta, matrix_view<T> C) {
    if (serial_instead(backend, 2 * b.idx.size() * C.cols())) return execute_spmm(backend::sequential{}, b, grid, alpha, B, beta, C);
    const std::size_t n = C.cols();
    std::vector<T> acc(grid.rows() * n);
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    const auto run = [&]<bool Unit>() {
        backend.parallel_for(grid.rows(), [&](std::size_t r) {
            kernels::checkerboard_spmm_task<Unit>(b, grid, r, alpha, Bs, beta, Cs, acc.data() + r * n);
        });
    };
    if (Bs.col_stride == 1 && Cs.col_stride == 1) run.template operator()<true>();
    else run.template operator()<false>();
}

template <class Backend, class T, class I>
void execute_spmv(const Backend& backend, const sparse_program<T, I>& prog, T alpha, vector_view<const T> x, T beta,
                  vector_view<T> y) {
    if (prog.placement() == placement::row_blocks) execute_spmv(backend, prog.row_blocks(), alpha, x, beta, y);
    else execute_spmv(backend, prog.blocks(), prog.grid(), alpha, x, beta, y);
}

template <class Backend, class T, class I>
void execute_spmm(const Backend& backend, const sparse_program<T, I>& prog, T alpha, matrix_view<const T> B, T beta,
                  matrix_view<T> C) {
    if (prog.placement() == placement::row_blocks) execute_spmm(backend, prog.row_blocks(), alpha, B, beta, C);
    else execute_spmm(backend, prog.blocks(), prog.grid(), alpha, B, beta, C);
}

} // namespace waferblas::detail
