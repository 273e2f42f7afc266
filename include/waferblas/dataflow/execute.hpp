// waferblas/dataflow/execute.hpp — runs a lowered program on a backend.
//
// A backend only schedules: it runs the PE tasks (row_blocks: one per PE; checkerboard: one per PE
// row) through parallel_for. The deterministic reduction of split rows runs afterwards on the
// calling thread, so every backend produces the sequential backend's result for the same grid.
// Programs too small to repay waking threads (backend::serial_threshold_flops) run on the calling
// thread whatever the backend: the split is the grid's, so the result is the same.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "../backend/sequential.hpp"
#include "../backend/work_split.hpp"
#include "../core/matrix_view.hpp"
#include "../core/memory.hpp"
#include "../core/vector_view.hpp"
#include "../kernels/checkerboard.hpp"
#include "../kernels/row_blocks.hpp"
#include "../kernels/scatter.hpp"
#include "program.hpp"

namespace waferblas::detail {

/// True when a parallel backend should leave a call of `flops` operations to the calling thread
/// (backend::runs_serially); the sequential backend never needs to be redirected.
template <class Backend>
[[nodiscard]] bool serial_instead(const Backend& backend, std::size_t flops) noexcept {
    if constexpr (std::is_same_v<Backend, backend::sequential>) return false;
    else return backend::runs_serially(backend, flops);
}

/// claimers = 0: PE p runs where backend.parallel_for puts task p (a plan's thread affinity).
/// claimers > 0: that many parallel tasks claim PEs in order until none is left
/// (backend::parallel_claim: a free function's split of a matrix beyond a core's L2); the results
/// are the same.
template <class Backend, class T, class I>
void execute_spmv(const Backend& backend, const kernels::row_blocks_view<T, I>& A, T alpha, vector_view<const T> x,
                  T beta, vector_view<T> y, std::size_t claimers = 0) {
    constexpr bool sequential = std::is_same_v<Backend, backend::sequential>;
    const bool serial = sequential || serial_instead(backend, 2 * A.col_idx.size());
    // On the calling thread and with no row split between PEs, the PEs' tasks run the kernel over
    // consecutive runs of whole rows: one call over all of them gives the same sums, without the
    // tasks' and the reduction's fixed cost (~110 instructions a call, a tenth of an SpMV of
    // `lp_afiro`'s 102 nonzeros; callgrind). Done here, not by a call to the sequential backend's
    // instance: that hop cost a plan's small calls 32 instructions more (callgrind, `lp_afiro`).
    if (serial && !A.partition->splits_rows) {
        const auto stream = kernels::spmv_streaming<T, I>(A.col_idx.size(), A.row_ptr.size() - 1);
        kernels::with_value_stream(A.values.data(), A.all_values_one, [&](auto val) {
            if (x.contiguous() && y.contiguous())
                kernels::row_blocks_spmv_rows<true>(A, val, 0, A.row_ptr.size() - 1, alpha, x.data(), x.stride(), beta, y.data(), y.stride(), stream);
            else
                kernels::row_blocks_spmv_rows<false>(A, val, 0, A.row_ptr.size() - 1, alpha, x.data(), x.stride(), beta, y.data(), y.stride(), stream);
        });
        return;
    }
    if constexpr (!sequential)
        if (serial) return execute_spmv(backend::sequential{}, A, alpha, x, beta, y);
    kernels::row_blocks_spmv_scratch<T> scratch(*A.partition);
    kernels::with_value_stream(A.values.data(), A.all_values_one, [&](auto val) {
        const auto run = [&]<bool Unit>() {
            const auto task = [&](std::size_t p) {
                kernels::row_blocks_spmv_task<Unit>(A, val, p, alpha, x.data(), x.stride(), beta, y.data(), y.stride(), scratch);
            };
            if (claimers == 0) backend.parallel_for(A.pes(), task);
            else backend::parallel_claim(backend, claimers, A.pes(), task);
        };
        if (x.contiguous() && y.contiguous()) run.template operator()<true>();
        else run.template operator()<false>();
    });
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
    if (serial_instead(backend, backend::spmm_cutoff_flops(A.col_idx.size(), C.cols()))) return execute_spmm(backend::sequential{}, A, alpha, B, beta, C);
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    kernels::with_value_stream(A.values.data(), A.all_values_one, [&](auto val) {
        const auto run = [&]<bool Unit>() {
            kernels::row_blocks_spmm_scratch<T> scratch(A.pes(), C.cols(), kernels::spmm_streams_output<Unit>(Cs, beta));
            backend.parallel_for(A.pes(), [&](std::size_t p) { kernels::row_blocks_spmm_task<Unit>(A, val, p, alpha, Bs, beta, Cs, scratch); });
            kernels::row_blocks_spmm_reduce<Unit>(A, alpha, beta, Cs, scratch);
        };
        if (Bs.col_stride == 1 && Cs.col_stride == 1) run.template operator()<true>();
        else run.template operator()<false>();
    });
}

/// C = alpha A B + beta C for CSR arrays on the calling thread, as one PE without a partition:
/// the free functions' small and single-thread case, where a partition and the split-row scratch
/// were a measurable share of a call of a few hundred nonzeros.
template <class T, class I>
void spmm_whole_rows(std::span<const I> ptr, std::span<const I> idx, std::span<const T> val, bool values_all_one, T alpha,
                     matrix_view<const T> B, T beta, matrix_view<T> C) {
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    kernels::with_value_stream(val.data(), values_all_one, [&](auto v) {
        const auto run = [&]<bool Unit>() {
            std::vector<T> acc(kernels::spmm_rows_need_acc<Unit, T>(Cs.cols) ? 2 * Cs.cols : 0);
            if (kernels::spmm_streams_output<Unit>(Cs, beta))
                kernels::csr_spmm_rows_streamed<Unit>(ptr.data(), idx.data(), v, 0, Cs.rows, Bs, Cs, alpha, acc.data());
            else
                kernels::csr_spmm_rows<Unit>(ptr.data(), idx.data(), v, 0, Cs.rows, Bs, Cs, alpha, beta, acc.data());
        };
        if (Bs.col_stride == 1 && Cs.col_stride == 1) run.template operator()<true>();
        else run.template operator()<false>();
    });
}

template <class Backend, class T, class I>
void execute_spmm(const Backend& backend, const checkerboard_blocks<T, I>& b, const pe_grid& grid, T alpha,
                  matrix_view<const T> B, T beta, matrix_view<T> C) {
    if (serial_instead(backend, backend::spmm_cutoff_flops(b.idx.size(), C.cols()))) return execute_spmm(backend::sequential{}, b, grid, alpha, B, beta, C);
    const std::size_t n = C.cols();
    std::vector<T> acc(grid.rows() * 2 * n); // 2n per task: row_axpys's output and its scratch
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    const auto run = [&]<bool Unit>() {
        backend.parallel_for(grid.rows(), [&](std::size_t r) {
            kernels::checkerboard_spmm_task<Unit>(b, grid, r, alpha, Bs, beta, Cs, acc.data() + r * 2 * n);
        });
    };
    if (Bs.col_stride == 1 && Cs.col_stride == 1) run.template operator()<true>();
    else run.template operator()<false>();
}

// ---- Scatter: products with the transpose of the stored matrix ---------------------------------
//
// The free functions' lowering of y = alpha M^T x (+ beta y) for stored CSR arrays M: PE p takes
// the nonzeros of a block of M's rows (with x's entries for them) and adds its AXPYs into a
// partial y of its own, PE 0 straight into y (scaled by beta first); the other partials are then
// added to y in PE order, split over y across the same backend. The partials are fresh each call,
// so they are advised for huge pages (core/memory.hpp): with 4 KiB pages their first-touch faults
// cost more than the scatter. backend::scatter_pes picks the PE count (one when deterministic,
// small, or when the partials would not pay: then the sequential kernel runs).

template <bool Conj, class Backend, class T, class I>
void execute_scatter_spmv(const Backend& backend, std::span<const I> ptr, std::span<const I> idx, std::span<const T> val,
                          T alpha, vector_view<const T> x, T beta, vector_view<T> y) {
    const std::size_t m = y.size(), nnz = val.size();
    const std::size_t pes = backend::scatter_pes(backend, nnz, 1, m, 2 * nnz);
    if (pes == 1) return kernels::scatter_spmv<Conj, T, I>(ptr, idx, val, alpha, x.data(), x.stride(), beta, y.data(), y.stride(), m);
    const auto part = partition_rows_by_nnz<I>(ptr, pes);
    const auto partial = std::make_unique_for_overwrite<T[]>((pes - 1) * m);
    detail::advise_huge_pages(partial.get(), (pes - 1) * m * sizeof(T));
    backend.parallel_for(pes, [&](std::size_t p) {
        T* out = y.data();
        std::ptrdiff_t inc = y.stride();
        if (p == 0) {
            for (std::size_t j = 0; j < m; ++j) kernels::scale_or_zero(out[static_cast<std::ptrdiff_t>(j) * inc], beta);
        } else {
            out = partial.get() + (p - 1) * m, inc = 1;
            std::fill(out, out + m, T{});
        }
        kernels::scatter_spmv_part<Conj>(ptr, idx, val, static_cast<std::size_t>(part.row_begin[p]),
                                         static_cast<std::size_t>(part.nz_begin[p]), static_cast<std::size_t>(part.nz_begin[p + 1]),
                                         alpha, x.data(), x.stride(), out, inc);
    });
    backend.parallel_for(pes, [&](std::size_t q) {
        for (std::size_t j = detail::proportional(q, m, pes); j < detail::proportional(q + 1, m, pes); ++j) {
            T& yj = y.data()[static_cast<std::ptrdiff_t>(j) * y.stride()];
            for (std::size_t p = 1; p < pes; ++p) yj += partial[(p - 1) * m + j];
        }
    });
}

template <bool Conj, class Backend, class T, class I>
void execute_scatter_spmm(const Backend& backend, std::span<const I> ptr, std::span<const I> idx, std::span<const T> val,
                          T alpha, matrix_view<const T> B, T beta, matrix_view<T> C) {
    const std::size_t m = C.rows(), n = C.cols(), nnz = val.size();
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    const std::size_t pes = backend::scatter_pes(backend, nnz, n, m * n, 2 * nnz * n);
    if (pes == 1) return kernels::scatter_spmm<Conj, T, I>(ptr, idx, val, alpha, Bs, beta, Cs);
    const auto part = partition_rows_by_nnz<I>(ptr, pes);
    const auto partial = std::make_unique_for_overwrite<T[]>((pes - 1) * m * n);
    detail::advise_huge_pages(partial.get(), (pes - 1) * m * n * sizeof(T));
    backend.parallel_for(pes, [&](std::size_t p) {
        kernels::strided_matrix<T> out = Cs;
        if (p == 0) {
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t t = 0; t < n; ++t) kernels::scale_or_zero(Cs.row(i)[static_cast<std::ptrdiff_t>(t) * Cs.col_stride], beta);
        } else {
            T* mine = partial.get() + (p - 1) * m * n;
            std::fill(mine, mine + m * n, T{});
            out = kernels::strided_matrix<T>{mine, static_cast<std::ptrdiff_t>(n), 1, m, n};
        }
        kernels::scatter_spmm_part<Conj>(ptr, idx, val, static_cast<std::size_t>(part.row_begin[p]),
                                         static_cast<std::size_t>(part.nz_begin[p]), static_cast<std::size_t>(part.nz_begin[p + 1]),
                                         alpha, Bs, out);
    });
    backend.parallel_for(pes, [&](std::size_t q) {
        for (std::size_t i = detail::proportional(q, m, pes); i < detail::proportional(q + 1, m, pes); ++i) {
            T* crow = Cs.row(i);
            for (std::size_t t = 0; t < n; ++t)
                for (std::size_t p = 1; p < pes; ++p) crow[static_cast<std::ptrdiff_t>(t) * Cs.col_stride] += partial[((p - 1) * m + i) * n + t];
        }
    });
}

// ---- Conjugated gather: A^H x, A^H B for a CSC A ------------------------------------------------
//
// A gather like row_blocks, over whole rows balanced by nonzeros: each row is summed by one PE in
// CSR order, so the result is the same for every split, backend and thread count.

template <class Backend, class T, class I>
void execute_conj_gather_spmv(const Backend& backend, std::span<const I> ptr, std::span<const I> idx, std::span<const T> val,
                              T alpha, vector_view<const T> x, T beta, vector_view<T> y) {
    const std::size_t rows = ptr.size() - 1;
    const std::size_t pes = backend::free_function_pes(backend, val.size(), 2 * val.size());
    if (pes == 1)
        return kernels::conj_gather_spmv<T, I>(ptr, idx, val, 0, rows, alpha, x.data(), x.stride(), beta, y.data(), y.stride());
    const auto split = balanced_split<I>(ptr, pes);
    backend.parallel_for(pes, [&](std::size_t p) {
        kernels::conj_gather_spmv<T, I>(ptr, idx, val, static_cast<std::size_t>(split[p]), static_cast<std::size_t>(split[p + 1]), alpha,
                                        x.data(), x.stride(), beta, y.data(), y.stride());
    });
}

template <class Backend, class T, class I>
void execute_conj_gather_spmm(const Backend& backend, std::span<const I> ptr, std::span<const I> idx, std::span<const T> val,
                              T alpha, matrix_view<const T> B, T beta, matrix_view<T> C) {
    const std::size_t rows = ptr.size() - 1, n = C.cols();
    const auto Bs = kernels::strided(B);
    const auto Cs = kernels::strided(C);
    const std::size_t pes = backend::free_function_pes(backend, val.size(), backend::spmm_cutoff_flops(val.size(), n));
    std::vector<T> acc(pes * n);
    if (pes == 1) return kernels::conj_gather_spmm<T, I>(ptr, idx, val, 0, rows, alpha, Bs, beta, Cs, acc.data());
    const auto split = balanced_split<I>(ptr, pes);
    backend.parallel_for(pes, [&](std::size_t p) {
        kernels::conj_gather_spmm<T, I>(ptr, idx, val, static_cast<std::size_t>(split[p]), static_cast<std::size_t>(split[p + 1]), alpha,
                                        Bs, beta, Cs, acc.data() + p * n);
    });
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
    if (prog.placement() == placement::row_blocks && !prog.chunks().empty())
        throw invalid_argument_error("spmm: the program keeps diagonal chunks, which only SpMV runs; lower it with spmv_layout::csr");
    if (prog.placement() == placement::row_blocks && !prog.stored_row_order().empty())
        throw invalid_argument_error("spmm: the program keeps its rows in order of length, which only SpMV runs; lower it with spmv_layout::csr");
    if (prog.placement() == placement::row_blocks) execute_spmm(backend, prog.row_blocks(), alpha, B, beta, C);
    else execute_spmm(backend, prog.blocks(), prog.grid(), alpha, B, beta, C);
}

} // namespace waferblas::detail
