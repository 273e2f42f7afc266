// waferblas/blas/sparse_operand.hpp — what the free sparse routines accept as A.
#pragma once

#include <concepts>
#include <cstddef>

#include "../core/operation.hpp"
#include "../sparse/csc_matrix.hpp"
#include "../sparse/csr_matrix.hpp"

namespace waferblas {

template <class M>
concept compressed_sparse_matrix = requires { typename M::value_type; typename M::index_type; } &&
    (std::same_as<M, csr_matrix<typename M::value_type, typename M::index_type>> ||
     std::same_as<M, csc_matrix<typename M::value_type, typename M::index_type>>);

namespace detail {

/// The CSR arrays that describe op(A) directly (`gather`) or that describe op(A)^T (`scatter`).
/// CSR A: op none gathers over A's arrays; transposes scatter over them. CSC A is CSR of A^T, so
/// the roles swap.
template <class M>
constexpr bool gathers(op o) noexcept {
    constexpr bool is_csr = std::same_as<M, csr_matrix<typename M::value_type, typename M::index_type>>;
    return is_csr == (o == op::none);
}

template <class M>
[[nodiscard]] std::size_t op_rows(const M& A, op o) noexcept {
    return static_cast<std::size_t>(o == op::none ? A.rows() : A.cols());
}
template <class M>
[[nodiscard]] std::size_t op_cols(const M& A, op o) noexcept {
    return static_cast<std::size_t>(o == op::none ? A.cols() : A.rows());
}

} // namespace detail
} // namespace waferblas
