// waferblas/blas/spmm.hpp — sparse matrix times dense matrix: C = alpha op(A) B + beta C.
//
//   waferblas::aligned_vector<double> b(A.cols() * 8), c(A.rows() * 8);
//   waferblas::spmm(1.0, A, waferblas::matrix_view<const double>(b.data(), A.cols(), 8), 0.0,
//                   waferblas::matrix_view<double>(c.data(), A.rows(), 8));
//
// B and C may be row- or column-major with any leading dimension. Each nonzero a_ik is one task
// `C[i,:] += a_ik * B[k,:]`. Throws dimension_error on mismatched shapes, invalid_argument_error
// if B and C overlap. Any alignment gives the same result; rows of B on cache lines (aligned_vector,
// core/aligned_allocator.hpp) are read faster.
#pragma once

#include <type_traits>

#include "../backend/default.hpp"
#include "../backend/work_split.hpp"
#include "../core/checks.hpp"
#include "../core/matrix_view.hpp"
#include "../core/operation.hpp"
#include "../dataflow/execute.hpp"
#include "../dataflow/row_partition.hpp"
#include "../kernels/scatter.hpp"
#include "sparse_operand.hpp"

namespace waferblas {

template <backend::executor Backend, compressed_sparse_matrix M>
void spmm(const Backend& backend, op o, std::type_identity_t<typename M::value_type> alpha, const M& A,
          matrix_view<const typename M::value_type> B, std::type_identity_t<typename M::value_type> beta,
          matrix_view<typename M::value_type> C) {
    using T = typename M::value_type;
    using I = typename M::index_type;
    detail::check_spmm("spmm", detail::op_rows(A, o), detail::op_cols(A, o), B, C);
    const auto& s = A.storage();
    if (detail::gathers<M>(o)) {
        if (o == op::conj_transpose && is_complex_v<T>) {
            detail::execute_conj_gather_spmm(backend, std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), alpha, B,
                                             beta, C);
            return;
        }
        const std::size_t pes = backend::free_function_pes(backend, s.val.size(), backend::spmm_cutoff_flops(s.val.size(), C.cols()));
        if (pes == 1) { // the common small or single-thread case: no partition, no split-row scratch
            detail::spmm_whole_rows(std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), s.values_all_one, alpha, B,
                                    beta, C);
            return;
        }
        const auto part = partition_rows_by_nnz<I>(s.ptr, pes);
        const kernels::row_blocks_view<T, I> blocks{s.ptr, s.idx, s.val, &part, s.values_all_one};
        detail::execute_spmm(backend, blocks, alpha, B, beta, C);
    } else if (o == op::conj_transpose) {
        detail::execute_scatter_spmm<true>(backend, std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), alpha, B,
                                           beta, C);
    } else {
        detail::execute_scatter_spmm<false>(backend, std::span<const I>(s.ptr), std::span<const I>(s.idx), std::span<const T>(s.val), alpha, B,
                                            beta, C);
    }
}

template <compressed_sparse_matrix M>
void spmm(op o, std::type_identity_t<typename M::value_type> alpha, const M& A,
          matrix_view<const typename M::value_type> B, std::type_identity_t<typename M::value_type> beta,
          matrix_view<typename M::value_type> C) {
    spmm(backend::default_backend{}, o, alpha, A, B, beta, C);
}

template <compressed_sparse_matrix M>
void spmm(std::type_identity_t<typename M::value_type> alpha, const M& A, matrix_view<const typename M::value_type> B,
          std::type_identity_t<typename M::value_type> beta, matrix_view<typename M::value_type> C) {
    spmm(backend::default_backend{}, op::none, alpha, A, B, beta, C);
}

} // namespace waferblas
