// waferblas/blas/spmv.hpp — sparse matrix times dense vector: y = alpha op(A) x + beta y.
//
//   waferblas::spmv(1.0, A, x, 0.0, y);                                   // y = A x
//   waferblas::spmv(waferblas::op::conj_transpose, 2.0, A, x, 1.0, y);    // y = 2 A^H x + y
//
// A is a csr_matrix or csc_matrix; x and y are anything vector_like (std::vector, std::span,
// vector_view with any stride). beta == 0 means y is only written (NaN in y does not propagate).
// op(A) x is lowered onto a 1D PE chain (placement::row_blocks) and run on the backend; a product
// with the transpose of the stored arrays (A^T, A^H of a CSR matrix, A of a CSC one) is a scatter:
// each PE adds into a partial y of its own, reduced in PE order (dataflow/execute.hpp). Use
// plan_spmv to choose the grid and placement and to reuse the analysis across calls.
// Throws dimension_error on mismatched sizes, invalid_argument_error if x and y overlap.
#pragma once

#include <type_traits>

#include "../backend/default.hpp"
#include "../backend/work_split.hpp"
#include "../core/checks.hpp"
#include "../core/operation.hpp"
#include "../core/vector_view.hpp"
#include "../dataflow/execute.hpp"
#include "../dataflow/row_partition.hpp"
#include "../kernels/scatter.hpp"
#include "sparse_operand.hpp"

namespace waferblas {

template <backend::executor Backend, compressed_sparse_matrix M, vector_like X, mutable_vector_like Y>
    requires std::same_as<vector_value_t<X>, typename M::value_type> && std::same_as<vector_value_t<Y>, typename M::value_type>
void spmv(const Backend& backend, op o, std::type_identity_t<typename M::value_type> alpha, const M& A, X&& x,
          std::type_identity_t<typename M::value_type> beta, Y&& y) {
    using T = typename M::value_type;
    using I = typename M::index_type;
    const vector_view<const T> xv = as_vector_view(x);
    const vector_view<T> yv = as_vector_view(y);
    detail::check_spmv("spmv", detail::op_rows(A, o), detail::op_cols(A, o), xv, yv);
    const auto& s = A.storage();
    if (detail::gathers<M>(o)) {
        if (o == op::conj_transpose && is_complex_v<T>) {
            detail::execute_conj_gather_spmv(backend, std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), alpha,
                                             xv, beta, yv);
            return;
        }
        const std::size_t pes = backend::free_function_pes(backend, s.val.size(), 2 * s.val.size());
        if (pes == 1) { // the common small or single-thread case: no partition, no scratch
            const auto stream = kernels::spmv_streaming<T, I>(s.val.size(), yv.size());
            kernels::with_value_stream(s.val.data(), s.values_all_one, [&](auto val) {
                if (xv.contiguous() && yv.contiguous())
                    kernels::csr_spmv_rows_streaming<true>(s.ptr.data(), s.idx.data(), val, 0, yv.size(), alpha, xv.data(), 1, beta,
                                                           yv.data(), 1, stream);
                else
                    kernels::csr_spmv_rows_streaming<false>(s.ptr.data(), s.idx.data(), val, 0, yv.size(), alpha, xv.data(), xv.stride(),
                                                            beta, yv.data(), yv.stride(), stream);
            });
            return;
        }
        // Beyond a core's cache, more PEs than threads, claimed as threads finish (work_split.hpp).
        const bool claimed = !backend.deterministic() && backend::claims_pes<T, I>(s.val.size());
        const auto part = partition_rows_by_work<I>(s.ptr, claimed ? pes * backend::claimed_pes_per_thread : pes, backend::spmv_row_cost);
        const kernels::row_blocks_view<T, I> blocks{s.ptr, s.idx, s.val, &part, s.values_all_one};
        detail::execute_spmv(backend, blocks, alpha, xv, beta, yv, claimed ? pes : 0);
    } else if (o == op::conj_transpose) {
        detail::execute_scatter_spmv<true>(backend, std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), alpha,
                                           xv, beta, yv);
    } else {
        detail::execute_scatter_spmv<false>(backend, std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), alpha,
                                            xv, beta, yv);
    }
}

template <compressed_sparse_matrix M, vector_like X, mutable_vector_like Y>
    requires std::same_as<vector_value_t<X>, typename M::value_type> && std::same_as<vector_value_t<Y>, typename M::value_type>
void spmv(op o, std::type_identity_t<typename M::value_type> alpha, const M& A, X&& x,
          std::type_identity_t<typename M::value_type> beta, Y&& y) {
    spmv(backend::default_backend{}, o, alpha, A, std::forward<X>(x), beta, std::forward<Y>(y));
}

template <compressed_sparse_matrix M, vector_like X, mutable_vector_like Y>
    requires std::same_as<vector_value_t<X>, typename M::value_type> && std::same_as<vector_value_t<Y>, typename M::value_type>
void spmv(std::type_identity_t<typename M::value_type> alpha, const M& A, X&& x,
          std::type_identity_t<typename M::value_type> beta, Y&& y) {
    spmv(backend::default_backend{}, op::none, alpha, A, std::forward<X>(x), beta, std::forward<Y>(y));
}

} // namespace waferblas
