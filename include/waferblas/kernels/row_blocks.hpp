// waferblas/kernels/row_blocks.hpp — executing placement::row_blocks: one task per PE, then the
// reduction of split rows.
//
// PE p walks its nonzero range. Rows wholly inside are finished in place; the part of a row that
// began on an earlier PE is kept as `head[p]`, and the part of a row owned by a later PE as
// `carry[p]`. After all PEs ran, each owner of a shared row adds the carries of the PEs before it
// in ascending PE order: the same order whatever backend or thread count ran the PE tasks.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "../core/scalar.hpp"
#include "../dataflow/diagonal_chunks.hpp"
#include "../dataflow/row_partition.hpp"
#include "diagonal_chunks.hpp"
#include "dense_operand.hpp"
#include "row_kernels.hpp"

namespace waferblas::kernels {

/// The CSR arrays of the operator and its partition over PEs; non-owning.
template <class T, class I>
struct row_blocks_view {
    std::span<const I> row_ptr;
    std::span<const I> col_idx;
    std::span<const T> values;
    const row_partition<I>* partition;
    /// Every value is one (csr_matrix::all_values_one): tasks may take unit_values for values.
    bool all_values_one = false;
    /// A plan's rows stored as diagonal chunks, whose values are in chunk order (SpMV only); null
    /// for plain CSR.
    const diagonal_chunks<I>* chunks = nullptr;
    /// A plan's rows kept in order of length (SpMV only): stored row q is row row_of[q] of the
    /// operator (dataflow/rows_by_length.hpp); null when rows are stored in place.
    const I* row_of = nullptr;

    [[nodiscard]] std::size_t pes() const noexcept { return partition->parts(); }
};

// ---- SpMV -------------------------------------------------------------------------------------

/// Scratch of one SpMV execution: partial sums of split rows, one head and one carry per PE, zeroed
/// (none when the partition splits no row, the common case). Up to inline_pes PEs they live in the
/// object itself: a small call on a grid that splits a row (`lp_afiro` on 8 PEs) spent ~340 of its
/// ~2,750 instructions allocating, zeroing and freeing two vectors (callgrind).
template <class T>
class row_blocks_spmv_scratch {
public:
    static constexpr std::size_t inline_pes = 16;
    template <class I>
    explicit row_blocks_spmv_scratch(const row_partition<I>& part) {
        const std::size_t n = part.splits_rows ? part.parts() : 0;
        if (n > inline_pes) {
            heap_.resize(2 * n); // zeroed
            head = heap_.data();
        } else {
            head = inline_.data();
            std::fill_n(head, 2 * n, T{});
        }
        carry = head + n;
    }
    // head and carry point into the object itself.
    row_blocks_spmv_scratch(const row_blocks_spmv_scratch&) = delete;
    row_blocks_spmv_scratch& operator=(const row_blocks_spmv_scratch&) = delete;

    T* head; ///< per PE: the part of its first row that began on an earlier PE
    T* carry; ///< per PE: the part of its last row that a later PE owns

private:
    std::array<T, 2 * inline_pes> inline_;
    std::vector<T> heap_;
};

/// y for the whole rows [rb, re) of A (stored rows, when A keeps them in another order), by the
/// kernel of A's layout; stream: spmv_streaming of the whole matrix.
template <bool Unit, class T, class I, value_stream<T> V>
inline void row_blocks_spmv_rows(const row_blocks_view<T, I>& A, V val, std::size_t rb, std::size_t re, T alpha, const T* x,
                                 std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy, spmv_streams stream) noexcept {
    const I* ptr = A.row_ptr.data();
    const I* idx = A.col_idx.data();
    if (A.row_of != nullptr)
        reordered_spmv_rows<Unit>(ptr, idx, val, A.row_of, rb, re, alpha, x, incx, beta, y, incy, stream != spmv_streams::none);
    else if (A.chunks != nullptr) spmv_rows_with_chunks<Unit>(ptr, idx, val, *A.chunks, rb, re, alpha, x, incx, beta, y, incy, stream);
    else csr_spmv_rows_streaming<Unit>(ptr, idx, val, rb, re, alpha, x, incx, beta, y, incy, stream);
}

/// PE p's rows; val is A.values.data(), or unit_values when A.all_values_one (with_value_stream).
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_NOINLINE void row_blocks_spmv_task(const row_blocks_view<T, I>& A, V val, std::size_t p, T alpha, const T* x, std::ptrdiff_t incx,
                                             T beta, T* y, std::ptrdiff_t incy, row_blocks_spmv_scratch<T>& s) noexcept {
    const auto& part = *A.partition;
    const auto kb = static_cast<std::size_t>(part.nz_begin[p]), ke = static_cast<std::size_t>(part.nz_begin[p + 1]);
    const auto rb = static_cast<std::size_t>(part.row_begin[p]), re = static_cast<std::size_t>(part.row_begin[p + 1]);
    const I* idx = A.col_idx.data();
    std::size_t i = rb;
    if (part.first_row_shared(A.row_ptr, p)) {
        s.head[p] = row_dot<Unit>(idx, val, kb, static_cast<std::size_t>(A.row_ptr[rb + 1]), x, incx);
        ++i;
    }
    const auto stream = spmv_streaming<T, I>(A.col_idx.size(), A.row_ptr.size() - 1); // the whole matrix
    row_blocks_spmv_rows<Unit>(A, val, i, re, alpha, x, incx, beta, y, incy, stream);
    if (part.has_carry(A.row_ptr, p))
        s.carry[p] = row_dot<Unit>(idx, val, std::max(kb, static_cast<std::size_t>(A.row_ptr[re])), ke, x, incx);
}

/// Finishes rows shared by several PEs: owner's row = carries of earlier PEs (ascending) + head.
template <class T, class I>
WAFERBLAS_NOINLINE void row_blocks_spmv_reduce(const row_blocks_view<T, I>& A, T alpha, T beta, T* y, std::ptrdiff_t incy,
                                               const row_blocks_spmv_scratch<T>& s) noexcept {
    const auto& part = *A.partition;
    if (!part.splits_rows) return;
    for (std::size_t p = 0; p < A.pes(); ++p) {
        if (!part.first_row_shared(A.row_ptr, p)) continue;
        const I row = part.row_begin[p];
        std::size_t q = p;
        // PEs q+1 .. p-1 own no rows; q's carry is row too. Each of them has a carry (written).
        while (q > 0 && part.row_begin[q] == row) --q;
        T sum{};
        for (; q < p; ++q) sum += s.carry[q];
        sum += s.head[p];
        combine(y[static_cast<std::ptrdiff_t>(row) * incy], alpha, sum, beta);
    }
}

// ---- SpMM -------------------------------------------------------------------------------------

template <class T>
struct row_blocks_spmm_scratch {
    std::size_t width;
    bool stream;                // C's whole rows are streamed (spmm_streams_output)
    std::vector<T> head, carry; // pes x width each
    std::vector<T> acc;         // pes x 2 width: a PE's accumulator space (row_axpys_store)
    row_blocks_spmm_scratch(std::size_t pes, std::size_t n, bool stream_rows)
        : width(n), stream(stream_rows), head(pes * n), carry(pes * n), acc(pes * 2 * n) {}
};

/// PE p's rows; val as for row_blocks_spmv_task.
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_NOINLINE void row_blocks_spmm_task(const row_blocks_view<T, I>& A, V val, std::size_t p, T alpha, const strided_matrix<const T>& B,
                                             T beta, const strided_matrix<T>& C, row_blocks_spmm_scratch<T>& s) noexcept {
    const auto& part = *A.partition;
    const std::size_t n = s.width;
    const auto kb = static_cast<std::size_t>(part.nz_begin[p]), ke = static_cast<std::size_t>(part.nz_begin[p + 1]);
    const auto rb = static_cast<std::size_t>(part.row_begin[p]), re = static_cast<std::size_t>(part.row_begin[p + 1]);
    const I* idx = A.col_idx.data();
    T* acc = s.acc.data() + p * 2 * n;
    std::size_t i = rb;
    if (part.first_row_shared(A.row_ptr, p)) {
        row_axpys<Unit>(idx, val, kb, static_cast<std::size_t>(A.row_ptr[rb + 1]), B, s.head.data() + p * n, n, acc);
        ++i;
    }
    if (s.stream) csr_spmm_rows_streamed<Unit>(A.row_ptr.data(), idx, val, i, re, B, C, alpha, acc);
    else csr_spmm_rows<Unit>(A.row_ptr.data(), idx, val, i, re, B, C, alpha, beta, acc);
    if (part.has_carry(A.row_ptr, p))
        row_axpys<Unit>(idx, val, std::max(kb, static_cast<std::size_t>(A.row_ptr[re])), ke, B, s.carry.data() + p * n, n, acc);
    else
        for (std::size_t t = 0; t < n; ++t) s.carry[p * n + t] = T{};
}

template <bool Unit, class T, class I>
WAFERBLAS_NOINLINE void row_blocks_spmm_reduce(const row_blocks_view<T, I>& A, T alpha, T beta, const strided_matrix<T>& C,
                                               row_blocks_spmm_scratch<T>& s) noexcept {
    const auto& part = *A.partition;
    const std::size_t n = s.width;
    for (std::size_t p = 0; p < A.pes(); ++p) {
        if (!part.first_row_shared(A.row_ptr, p)) continue;
        const I row = part.row_begin[p];
        std::size_t q = p;
        while (q > 0 && part.row_begin[q] == row) --q;
        T* sum = s.acc.data() + p * 2 * n;
        for (std::size_t t = 0; t < n; ++t) sum[t] = T{};
        for (; q < p; ++q)
            for (std::size_t t = 0; t < n; ++t) sum[t] += s.carry[q * n + t];
        for (std::size_t t = 0; t < n; ++t) sum[t] += s.head[p * n + t];
        store_row<Unit>(C, static_cast<std::size_t>(row), alpha, sum, beta);
    }
}

} // namespace waferblas::kernels
