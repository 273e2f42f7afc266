// waferblas/kernels/row_kernels.hpp — the AXPY work of one PE on a run of CSR rows.
//
// Dataflow view: nonzero a_ij is one task `y[i] += a_ij * x[j]` (SpMV) or `C[i,:] += a_ij * B[j,:]`
// (SpMM). On a CPU the tasks of one row are fused into one dot product (or one accumulated row of
// C), which is the same arithmetic in the same order. Values come as a value_stream: the array, or
// unit_values for a matrix of ones (value_stream.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/scalar.hpp"
#include "dense_operand.hpp"
#include "out_of_line.hpp"
#include "prefetch.hpp"
#include "simd.hpp"
#include "stream_store.hpp"
#include "value_stream.hpp"

namespace waferblas::kernels {

/// s0 += the even-numbered and s1 += the odd-numbered terms val[k] * x[idx[k]] of [b, e) (counted
/// from b, which must be even-numbered in the row); x has stride incx (1 when Unit).
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_ALWAYS_INLINE void row_dot_pairs(const I* idx, V val, std::size_t b, std::size_t e, const T* x, std::ptrdiff_t incx,
                                           T& s0, T& s1) noexcept {
    std::size_t k = b;
    for (; k + 1 < e; k += 2) {
        if constexpr (Unit) {
            s0 += val[k] * x[idx[k]];
            s1 += val[k + 1] * x[idx[k + 1]];
        } else {
            s0 += val[k] * x[static_cast<std::ptrdiff_t>(idx[k]) * incx];
            s1 += val[k + 1] * x[static_cast<std::ptrdiff_t>(idx[k + 1]) * incx];
        }
    }
    if (k < e) {
        if constexpr (Unit) s0 += val[k] * x[idx[k]];
        else s0 += val[k] * x[static_cast<std::ptrdiff_t>(idx[k]) * incx];
    }
}

/// sum_{k in [b, e)} val[k] * x[idx[k]]; x has stride incx (1 when Unit).
template <bool Unit, class T, class I, value_stream<T> V>
[[nodiscard]] WAFERBLAS_ALWAYS_INLINE T row_dot(const I* idx, V val, std::size_t b, std::size_t e, const T* x,
                                                std::ptrdiff_t incx) noexcept {
    // Two accumulators break the add dependency chain; the order is fixed, so results are too.
    T s0{}, s1{};
    row_dot_pairs<Unit>(idx, val, b, e, x, incx, s0, s1);
    return s0 + s1;
}

/// r0 += the even and r1 += the odd nonzeros of [b, e) times B[idx[k], 0 .. W) (W a compile-time
/// width; the even/odd split counts from b). Two sets so that two independent FMA chains hide the
/// FMA latency; inlined, both stay in SIMD registers (simd.hpp, panel_sums).
template <std::size_t W, class T, class I, value_stream<T> V>
inline void accumulate_pairs(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                             panel_sums<T, W>& r0, panel_sums<T, W>& r1) noexcept {
    std::size_t k = b;
    for (; k + 1 < e; k += 2) {
        const T a0 = val[k], a1 = val[k + 1];
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
        const T* b1 = B + static_cast<std::ptrdiff_t>(idx[k + 1]) * ldb;
        r0.add_scaled(a0, b0);
        r1.add_scaled(a1, b1);
    }
    if (k < e) r0.add_scaled(val[k], B + static_cast<std::ptrdiff_t>(idx[k]) * ldb);
}

/// sum_{k in [b, e)} val[k] * B[idx[k], 0 .. W), handed to emit(t, sum_t): the sums stay in SIMD
/// registers across the whole row instead of going through memory per nonzero; the even and odd
/// sets are added at the end, the order row_dot uses too.
template <std::size_t W, class T, class I, class Emit, value_stream<T> V>
inline void row_axpys_fixed(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                            Emit&& emit) noexcept {
    panel_sums<T, W> r0, r1;
    r0.zero();
    r1.zero();
    accumulate_pairs<W>(idx, val, b, e, B, ldb, r0, r1);
    r0.add(r1);
#pragma GCC unroll 64
    for (std::size_t t = 0; t < W; ++t) emit(t, r0[t]);
}

/// Columns [c, n) in panels of W, then W/2, ..., 1 for the rest: one pass over the row per panel;
/// emit(j, sum_j) receives column j's sum.
template <std::size_t W, class T, class I, class Emit, value_stream<T> V>
inline void row_axpys_panels(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                             std::size_t c, std::size_t n, Emit&& emit) noexcept {
    for (; c + W <= n; c += W)
        row_axpys_fixed<W>(idx, val, b, e, B + c, ldb, [&](std::size_t t, T v) { emit(c + t, v); });
    if constexpr (W > 1) row_axpys_panels<W / 2>(idx, val, b, e, B, ldb, c, n, emit);
}

/// Real unit-stride operands take the register-panel kernels.
template <bool Unit, class T>
inline constexpr bool uses_register_panels = Unit && std::is_floating_point_v<T>;

// ---- Long rows -----------------------------------------------------------------------------------
//
// A pass per register panel reads the row's nonzeros and a W-wide piece of each of their B rows.
// When those B rows outgrow L1 (a row of thousands of nonzeros at k = 128: MBs), every pass fetches
// them again from L2/L3. With AVX-512's 32 registers a long row runs passes of long_row_panel, twice
// the usual width: half as many passes, each reading twice as many lines of a B row in a row. With
// 16 registers there is no room for wider panels, and a long row is tiled instead: chunks of
// nonzeros whose B rows fit in L1 run through all panels, the two accumulator sets (even and odd
// nonzeros) resting in memory between chunks. Either way every sum is formed by the same operations
// in the same order as the short-row kernel: results are bitwise identical.

/// Bytes of B rows one row's panel passes may re-read before it counts as long: a core's L1d.
inline constexpr std::size_t long_row_bytes = std::size_t{32} << 10;

/// Whether a row of `len` nonzeros times n columns of B is long (only rows read more than once).
template <class T>
[[nodiscard]] constexpr bool is_long_row(std::size_t len, std::size_t n) noexcept {
    return n > accumulator_panel<T> && len * n * sizeof(T) > long_row_bytes;
}

/// Nonzeros per chunk of a long row: half of L1 of B rows, an even number (so every chunk starts
/// on an even nonzero and the even/odd sets stay what they are in the untiled kernel), at least 16.
template <class T>
[[nodiscard]] constexpr std::size_t long_row_chunk(std::size_t n) noexcept {
    const std::size_t fit = (long_row_bytes / 2) / (n * sizeof(T));
    return fit < 16 ? 16 : fit & ~std::size_t{1};
}

/// One chunk [b, e) on panel width W: the even/odd sums of columns 0..W continue from even/odd
/// (start from zero when First).
template <std::size_t W, bool First, class T, class I, value_stream<T> V>
inline void chunk_axpys_fixed(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                              T* even, T* odd) noexcept {
    panel_sums<T, W> r0, r1;
    if constexpr (First) {
        r0.zero();
        r1.zero();
    } else {
        r0.load(even);
        r1.load(odd);
    }
    accumulate_pairs<W>(idx, val, b, e, B, ldb, r0, r1);
    r0.store(even);
    r1.store(odd);
}

/// chunk_axpys_fixed over columns [c, n) in panels of W, W/2, ..., 1 (the panels row_axpys_panels uses).
template <std::size_t W, bool First, class T, class I, value_stream<T> V>
inline void chunk_axpys_panels(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                               std::size_t c, std::size_t n, T* even, T* odd) noexcept {
    for (; c + W <= n; c += W) chunk_axpys_fixed<W, First>(idx, val, b, e, B + c, ldb, even + c, odd + c);
    if constexpr (W > 1) chunk_axpys_panels<W / 2, First>(idx, val, b, e, B, ldb, c, n, even, odd);
}

/// Bytes of B rows beyond which a long row reads each B row once, front to back, instead of in
/// chunks or wide passes: they then come from memory, where a chunk's panel passes (a piece of each
/// of 16 rows 1 KiB apart, then the next piece) kept one core at ~5 GB/s and whole rows in order at
/// ~8 (a row of 46,500 nonzeros at k = 128); up to 1 MiB, in L2, the chunks were faster (28-30
/// against 21-26 GB/s) and from 2 MiB to 8 MiB, in L3, the two were even (AVX2). The wide passes of
/// AVX-512 beat whole rows up to 8 MiB (`Maragal_6`, rows of 2-6 MB: docs/performance.md, item 0).
inline constexpr std::size_t streamed_row_bytes = simd_registers > 16 ? std::size_t{8} << 20 : std::size_t{2} << 20;

/// The even/odd sums of a long row whose B rows come from memory: each nonzero adds its whole B row
/// to the even or odd set in memory (L1), the same operations in the same order as the panels.
template <class T, class I, value_stream<T> V>
inline void streamed_row_axpys(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                               std::size_t n, T* even, T* odd) noexcept {
    for (std::size_t j = 0; j < n; ++j) even[j] = odd[j] = T{};
    std::size_t k = b;
    for (; k + 1 < e; k += 2) {
        const T a0 = val[k], a1 = val[k + 1];
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
        const T* b1 = B + static_cast<std::ptrdiff_t>(idx[k + 1]) * ldb;
        for (std::size_t j = 0; j < n; ++j) even[j] += a0 * b0[j];
        for (std::size_t j = 0; j < n; ++j) odd[j] += a1 * b1[j];
    }
    if (k < e) {
        const T a0 = val[k];
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
        for (std::size_t j = 0; j < n; ++j) even[j] += a0 * b0[j];
    }
}

/// row_axpys_panels for a long row: wide passes (32 registers) or tiled (16), streamed beyond
/// streamed_row_bytes; even and odd are n-element scratch (even may be the output emit writes,
/// element by element). Kept out of line so that the short-row loops that call it compile as they
/// would without it.
template <class T, class I, class Emit, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void long_row_axpys(const I* idx, V val, std::size_t b, std::size_t e, const T* B,
                                       std::ptrdiff_t ldb, std::size_t n, T* even, T* odd, Emit emit) noexcept {
    if ((e - b) * n * sizeof(T) > streamed_row_bytes) {
        streamed_row_axpys(idx, val, b, e, B, ldb, n, even, odd);
    } else if constexpr (long_row_panel<T> > accumulator_panel<T>) {
        row_axpys_panels<long_row_panel<T>>(idx, val, b, e, B, ldb, 0, n, emit);
        return;
    } else {
        constexpr std::size_t W = accumulator_panel<T>;
        const std::size_t chunk = long_row_chunk<T>(n);
        std::size_t ce = e - b > chunk ? b + chunk : e;
        chunk_axpys_panels<W, true>(idx, val, b, ce, B, ldb, 0, n, even, odd);
        for (std::size_t cb = ce; cb < e; cb = ce) {
            ce = e - cb > chunk ? cb + chunk : e;
            chunk_axpys_panels<W, false>(idx, val, cb, ce, B, ldb, 0, n, even, odd);
        }
    }
    for (std::size_t j = 0; j < n; ++j) emit(j, even[j] + odd[j]);
}

// ---- Row groups ----------------------------------------------------------------------------------
//
// Consecutive rows with the same columns (the degrees of freedom of one mesh node in FEM matrices;
// PETSc's "inodes") read the same B rows. Up to max_group_rows of them run together on half-width
// panels, so each B piece loaded feeds that many FMAs instead of one: the loads per FMA, which
// bound this kernel once k is large, fall by up to a third. Each row's sums keep the single-row
// kernel's even/odd order, so the results are bitwise those of row_axpys_store.

/// Rows run together at most: 3 rows x 2 sets of half a panel fill 12 of the 16 vector registers
/// (without AVX-512); 4 would leave none for the B pieces.
inline constexpr std::size_t max_group_rows = 3;

/// B rows of fewer bytes are never grouped. Measured on bcsstk16 (64 % of its rows repeat their
/// predecessor's columns): 0.71-0.78 of the row-by-row time at 128 doubles, none at 8 or 32.
inline constexpr std::size_t group_min_row_bytes = 512;

/// Whether grouping rows of `len` nonzeros pays against B and C rows of n elements: rows whose B
/// rows outgrow half of L2 take the tiled single-row kernel instead.
template <class T>
[[nodiscard]] constexpr bool groups_pay(std::size_t len, std::size_t n) noexcept {
    return len > 0 && n * sizeof(T) >= group_min_row_bytes && len * n * sizeof(T) <= 8 * long_row_bytes;
}

/// How many rows from i on (at most max_group_rows, all before re) have row i's columns; 1 for an
/// empty row.
template <class I>
[[nodiscard]] std::size_t same_pattern_rows(const I* ptr, const I* idx, std::size_t i, std::size_t re) noexcept {
    const I len = ptr[i + 1] - ptr[i];
    if (len == 0) return 1;
    const I* first = idx + ptr[i];
    std::size_t g = 1;
    while (g < max_group_rows && i + g < re && ptr[i + g + 1] - ptr[i + g] == len && std::equal(first, first + len, idx + ptr[i + g]))
        ++g;
    return g;
}

/// For G rows with the columns idx[0 .. len) and values val[g len .. (g+1) len) (consecutive CSR
/// rows): emit(g, t, sum) with row g's sum over B[idx[k], 0 .. W), in accumulate_pairs' order.
template <std::size_t G, std::size_t W, class T, class I, class Emit, value_stream<T> V>
inline void group_axpys_fixed(const I* idx, V val, std::size_t len, const T* B, std::ptrdiff_t ldb, Emit&& emit) noexcept {
    panel_sums<T, W> r0[G], r1[G];
#pragma GCC unroll 4
    for (std::size_t g = 0; g < G; ++g) {
        r0[g].zero();
        r1[g].zero();
    }
    std::size_t k = 0;
    for (; k + 1 < len; k += 2) {
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
        const T* b1 = B + static_cast<std::ptrdiff_t>(idx[k + 1]) * ldb;
#pragma GCC unroll 4
        for (std::size_t g = 0; g < G; ++g) {
            r0[g].add_scaled(val[g * len + k], b0);
            r1[g].add_scaled(val[g * len + k + 1], b1);
        }
    }
    if (k < len) {
        const T* b0 = B + static_cast<std::ptrdiff_t>(idx[k]) * ldb;
#pragma GCC unroll 4
        for (std::size_t g = 0; g < G; ++g) r0[g].add_scaled(val[g * len + k], b0);
    }
#pragma GCC unroll 4
    for (std::size_t g = 0; g < G; ++g) {
        r0[g].add(r1[g]);
#pragma GCC unroll 64
        for (std::size_t t = 0; t < W; ++t) emit(g, t, r0[g][t]);
    }
}

/// group_axpys_fixed over columns [c, n) in panels of W, W/2, ..., 1.
template <std::size_t G, std::size_t W, class T, class I, class Emit, value_stream<T> V>
inline void group_axpys_panels(const I* idx, V val, std::size_t len, const T* B, std::ptrdiff_t ldb, std::size_t c,
                               std::size_t n, Emit&& emit) noexcept {
    for (; c + W <= n; c += W)
        group_axpys_fixed<G, W>(idx, val, len, B + c, ldb, [&](std::size_t g, std::size_t t, T v) { emit(g, c + t, v); });
    if constexpr (W > 1) group_axpys_panels<G, W / 2>(idx, val, len, B, ldb, c, n, emit);
}

/// C[i + g, :] = alpha * (row i + g of A) B + beta * C[i + g, :] for the G rows of a group (real,
/// unit-stride B and C). Out of line, like long_row_axpys, so the row loop around it compiles as
/// it would without it; a call covers G rows of at least 512-byte B rows.
template <std::size_t G, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void group_axpys_store(const I* idx, V val, std::size_t len, const T* B, std::ptrdiff_t ldb,
                                          const strided_matrix<T>& C, std::size_t i, T alpha, T beta) noexcept {
    T* c0 = C.row(i);
    const std::ptrdiff_t ldc = C.row_stride;
    const auto panels = [&](auto&& emit) {
        group_axpys_panels<G, accumulator_panel<T> / 2>(idx, val, len, B, ldb, 0, C.cols, emit);
    };
    const auto at = [c0, ldc](std::size_t g, std::size_t j) -> T& { return c0[static_cast<std::ptrdiff_t>(g) * ldc + static_cast<std::ptrdiff_t>(j)]; };
    if (beta == T(0) && alpha == T(1)) panels([&](std::size_t g, std::size_t j, T v) { at(g, j) = v; });
    else if (beta == T(0)) panels([&](std::size_t g, std::size_t j, T v) { at(g, j) = alpha * v; });
    else panels([&](std::size_t g, std::size_t j, T v) { at(g, j) = alpha * v + beta * at(g, j); });
}

/// acc[0..n) = sum_{k in [b, e)} val[k] * B[idx[k], :]  (Unit: B rows are contiguous); scratch
/// holds n elements, used by long rows. With register panels each acc[t] adds its terms in the same
/// order whatever n is and whether or not the row is tiled, so a column's result does not depend on
/// how many columns B has.
template <bool Unit, class T, class I, value_stream<T> V>
inline void row_axpys(const I* idx, V val, std::size_t b, std::size_t e, const strided_matrix<const T>& B,
                      T* acc, std::size_t n, T* scratch) noexcept {
    if constexpr (uses_register_panels<Unit, T>) {
        const auto emit = [acc](std::size_t j, T v) { acc[j] = v; };
        if (is_long_row<T>(e - b, n)) long_row_axpys(idx, val, b, e, B.data, B.row_stride, n, acc, scratch, emit);
        else row_axpys_panels<accumulator_panel<T>>(idx, val, b, e, B.data, B.row_stride, 0, n, emit);
    } else {
        for (std::size_t t = 0; t < n; ++t) acc[t] = T{};
        for (std::size_t k = b; k < e; ++k) {
            const T a = val[k];
            const T* brow = B.row(static_cast<std::size_t>(idx[k]));
            if constexpr (Unit) {
                for (std::size_t t = 0; t < n; ++t) acc[t] += a * brow[t];
            } else {
                for (std::size_t t = 0; t < n; ++t) acc[t] += a * brow[static_cast<std::ptrdiff_t>(t) * B.col_stride];
            }
        }
    }
}

/// row_dot, with the value and index streams prefetched ahead when Stream (see prefetch.hpp).
template <bool Unit, bool Stream, class T, class I, value_stream<T> V>
[[nodiscard]] WAFERBLAS_ALWAYS_INLINE T streamed_row_dot(const I* idx, V val, std::size_t b, std::size_t e, const T* x,
                                                         std::ptrdiff_t incx) noexcept {
    if constexpr (Stream) {
        constexpr std::size_t ahead = prefetch_distance_nonzeros<T>;
        if constexpr (std::is_pointer_v<V>) prefetch_ahead<ahead>(val + b);
        prefetch_ahead<ahead>(idx + b);
    }
    return row_dot<Unit>(idx, val, b, e, x, incx);
}

/// Bytes of values and indices beyond which an SpMV prefetches them. Counted over the whole
/// matrix, not a PE's share: the PEs running at once share the last-level cache. Measured on the
/// project machine (one thread; docs/performance.md, item 0): the hints cost 4-18 % on every
/// matrix of 1 to 9 MB, nothing at 12 MB, and saved 30-42 % from 15 MB on, where the matrix and
/// its vectors no longer stay in the 32 MiB L3. (The threshold was a PE's share beyond 1 MiB, a
/// core's L2, chosen on an earlier machine.)
inline constexpr std::size_t streamed_matrix_bytes = std::size_t{12} << 20;

/// Whether an SpMV over a matrix of `nnz` stored nonzeros prefetches them (see above).
template <class T, class I>
[[nodiscard]] constexpr bool worth_streaming(std::size_t nnz) noexcept {
    return nnz * (sizeof(T) + sizeof(I)) > streamed_matrix_bytes;
}

/// What an SpMV's row loop streams: nothing, the matrix (prefetch hints, worth_streaming), or the
/// matrix and y, whose whole cache lines it then writes by non-temporal stores where y is
/// contiguous and beta = 0 (stream_store.hpp). y is streamed only when the matrix and y outgrow a
/// last-level cache (streams_output), so that the caller's next read of y would not have found it
/// in cache anyway. Writing whole lines without reading them saves y's
/// read-for-ownership: beyond the caches, one thread, 3-8 % of the SpMV's time on the stencils,
/// `banded_1M_w9` and `rmat18`; `dense_row_1M` (a million rows of one nonzero) 0-3 % slower
/// (docs/performance.md, item 2).
enum class spmv_streams : unsigned char { none, matrix, matrix_and_y };

/// spmv_streams of an SpMV over a matrix of `rows` rows and `nnz` stored nonzeros (the whole
/// matrix, of which a PE's rows may be a share).
template <class T, class I>
[[nodiscard]] constexpr spmv_streams spmv_streaming(std::size_t nnz, std::size_t rows) noexcept {
    if (!worth_streaming<T, I>(nnz)) return spmv_streams::none;
    const std::size_t bytes = nnz * (sizeof(T) + sizeof(I)) + rows * sizeof(T);
    return streams_output(bytes) ? spmv_streams::matrix_and_y : spmv_streams::matrix;
}

/// Where the sum of stored row i goes in y: row i itself, or, in a matrix kept in another row order
/// (Reordered), the row row_of[i] of the operator.
template <bool Reordered, class I>
[[nodiscard]] WAFERBLAS_ALWAYS_INLINE std::ptrdiff_t y_row(const I* row_of, std::size_t i) noexcept {
    if constexpr (Reordered) return static_cast<std::ptrdiff_t>(row_of[i]);
    else return static_cast<std::ptrdiff_t>(i);
}

/// csr_spmv_rows' row loops for one choice of prefetching (Stream) and of row order (Reordered).
/// Inlined into it by force, as the row_dot inside: a lambda here, left out of line once row_dot
/// was forced inline, read its captures through memory and took 14.3 instead of 8.9 ms on
/// `poisson3d_128` (one thread).
template <bool Unit, bool Stream, bool Reordered, class T, class I, value_stream<T> V>
WAFERBLAS_ALWAYS_INLINE void spmv_row_loops(const I* ptr, const I* idx, V val, const I* row_of, std::size_t rb, std::size_t re,
                                            T alpha, const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t sy) noexcept {
    // The alpha and beta tests are hoisted out of the row loop: for short rows every instruction
    // is a measurable share (y = A x, the common call, multiplies by nothing).
    if (beta == T(0) && alpha == T(1)) {
        for (std::size_t i = rb; i < re; ++i)
            y[y_row<Reordered>(row_of, i) * sy] =
                streamed_row_dot<Unit, Stream>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), x, incx);
    } else if (beta == T(0)) {
        for (std::size_t i = rb; i < re; ++i)
            y[y_row<Reordered>(row_of, i) * sy] =
                alpha * streamed_row_dot<Unit, Stream>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), x, incx);
    } else {
        for (std::size_t i = rb; i < re; ++i) {
            T& yi = y[y_row<Reordered>(row_of, i) * sy];
            yi = alpha * streamed_row_dot<Unit, Stream>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), x, incx) +
                 beta * yi;
        }
    }
}

/// spmv_row_loops for beta = 0, the matrix streamed and y contiguous, y's whole cache lines written
/// by non-temporal stores (spmv_streams::matrix_and_y): the rows up to y's first line boundary and
/// after its last one are stored as usual. finish(sum) is what y[i] receives (sum, or alpha * sum,
/// as spmv_row_loops stores them: the same bits). Fenced before returning.
template <bool Unit, class T, class I, value_stream<T> V, class Finish>
WAFERBLAS_OUT_OF_LINE void spmv_rows_streaming_y(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, const T* x,
                                              std::ptrdiff_t incx, T* y, Finish finish) noexcept {
    constexpr std::size_t line = 64 / sizeof(T);
    const auto row = [&](std::size_t i) {
        return finish(streamed_row_dot<Unit, true>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), x, incx));
    };
    std::size_t i = rb;
    for (; i < re && reinterpret_cast<std::uintptr_t>(y + i) % 64 != 0; ++i) y[i] = row(i);
    for (; i + line <= re; i += line) {
        alignas(64) T sums[line];
#pragma GCC unroll 16
        for (std::size_t j = 0; j < line; ++j) sums[j] = row(i + j);
        stream_store(y + i, sums);
    }
    for (; i < re; ++i) y[i] = row(i);
    stream_fence();
}

/// y[i] = alpha * (row i of A) . x + beta * y[i] for the whole rows i in [rb, re); with Unit, x and
/// y are contiguous and incx, incy are not read; stream: prefetch the matrix (worth_streaming of
/// the whole matrix, of which these rows may be a PE's share). Out of line: one call covers a PE's
/// rows, and a kernel compiled on its own keeps its short-row loop whatever it would be inlined
/// into (inlined into a caller's loop it took 31 instead of 27 instructions per row of 2
/// nonzeros, callgrind).
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void csr_spmv_rows(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, T alpha,
                                      const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy, bool stream) noexcept {
    const std::ptrdiff_t sy = Unit ? 1 : incy;
    if (stream) spmv_row_loops<Unit, true, false>(ptr, idx, val, static_cast<const I*>(nullptr), rb, re, alpha, x, incx, beta, y, sy);
    else spmv_row_loops<Unit, false, false>(ptr, idx, val, static_cast<const I*>(nullptr), rb, re, alpha, x, incx, beta, y, sy);
}

/// csr_spmv_rows as spmv_streaming decided for the whole matrix: y's whole lines streamed
/// (spmv_rows_streaming_y) where y is contiguous, real and beta = 0, the matrix hinted or not
/// otherwise. The choice is made here, not inside csr_spmv_rows, whose short-row loop moved when
/// it held the streaming loop too (`ash219`, rows of 2 nonzeros: 0.18 -> 0.24 us in the benchmark
/// binary, with the streaming loop out of line; 0.31-0.40 with it inlined).
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_ALWAYS_INLINE void csr_spmv_rows_streaming(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, T alpha,
                                                     const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy,
                                                     spmv_streams stream) noexcept {
    if constexpr (Unit && has_stream_stores<T>) {
        if (stream == spmv_streams::matrix_and_y && beta == T(0)) {
            if (alpha == T(1)) spmv_rows_streaming_y<Unit>(ptr, idx, val, rb, re, x, incx, y, [](T sum) { return sum; });
            else spmv_rows_streaming_y<Unit>(ptr, idx, val, rb, re, x, incx, y, [alpha](T sum) { return alpha * sum; });
            return;
        }
    }
    csr_spmv_rows<Unit>(ptr, idx, val, rb, re, alpha, x, incx, beta, y, incy, stream != spmv_streams::none);
}

/// csr_spmv_rows for the stored rows [qb, qe) of a matrix kept in another row order
/// (dataflow/rows_by_length.hpp): stored row q is row row_of[q] of the operator, whose y it writes.
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void reordered_spmv_rows(const I* ptr, const I* idx, V val, const I* row_of, std::size_t qb, std::size_t qe,
                                            T alpha, const T* x, std::ptrdiff_t incx, T beta, T* y, std::ptrdiff_t incy,
                                            bool stream) noexcept {
    const std::ptrdiff_t sy = Unit ? 1 : incy;
    if (stream) spmv_row_loops<Unit, true, true>(ptr, idx, val, row_of, qb, qe, alpha, x, incx, beta, y, sy);
    else spmv_row_loops<Unit, false, true>(ptr, idx, val, row_of, qb, qe, alpha, x, incx, beta, y, sy);
}

/// C[i, :] = alpha * acc + beta * C[i, :].
template <bool Unit, class T>
inline void store_row(const strided_matrix<T>& C, std::size_t i, T alpha, const T* acc, T beta) noexcept {
    T* crow = C.row(i);
    if constexpr (Unit) {
        for (std::size_t t = 0; t < C.cols; ++t) combine(crow[t], alpha, acc[t], beta);
    } else {
        for (std::size_t t = 0; t < C.cols; ++t) combine(crow[static_cast<std::ptrdiff_t>(t) * C.col_stride], alpha, acc[t], beta);
    }
}

/// C[i, :] = alpha * (row [b, e) of A) B + beta * C[i, :] for a whole row i; acc holds 2 C.cols
/// elements. With register panels the sums go straight from registers into C (no trip through acc;
/// a long row's go through it); otherwise through acc. Site tells its callers apart, so that each
/// instantiation has one caller: GCC inlines a function called once, and left this one out of line
/// when it had two (55 more instructions per row of 7 nonzeros at 8 columns, callgrind).
template <bool Unit, int Site = 0, class T, class I, value_stream<T> V>
inline void row_axpys_store(const I* idx, V val, std::size_t b, std::size_t e, const strided_matrix<const T>& B,
                            const strided_matrix<T>& C, std::size_t i, T alpha, T beta, T* acc) noexcept {
    if constexpr (uses_register_panels<Unit, T>) {
        T* crow = C.row(i);
        const auto panels = [&](auto&& emit) {
            if (is_long_row<T>(e - b, C.cols)) long_row_axpys(idx, val, b, e, B.data, B.row_stride, C.cols, acc, acc + C.cols, emit);
            else row_axpys_panels<accumulator_panel<T>>(idx, val, b, e, B.data, B.row_stride, 0, C.cols, emit);
        };
        if (beta == T(0) && alpha == T(1)) panels([crow](std::size_t j, T v) { crow[j] = v; });
        else if (beta == T(0)) panels([crow, alpha](std::size_t j, T v) { crow[j] = alpha * v; });
        else panels([crow, alpha, beta](std::size_t j, T v) { crow[j] = alpha * v + beta * crow[j]; });
    } else {
        row_axpys<Unit>(idx, val, b, e, B, acc, C.cols, acc + C.cols);
        store_row<Unit>(C, i, alpha, acc, beta);
    }
}

/// row_axpys_panels for beta = 0, each panel's alpha * sums streamed to crow (stream_store.hpp;
/// crow is 16-byte aligned and n a whole number of 16-byte vectors). Forced inline: GCC left it out
/// of line, called per row, and a streamed SpMM of 128 columns on `poisson3d_64` took 0.74-0.76 of
/// Eigen's time instead of 0.67-0.70 (one thread; docs/performance.md, item 3).
template <std::size_t W, class T, class I, value_stream<T> V>
WAFERBLAS_ALWAYS_INLINE void row_axpys_stream_panels(const I* idx, V val, std::size_t b, std::size_t e, const T* B, std::ptrdiff_t ldb,
                                    std::size_t c, std::size_t n, T alpha, T* crow) noexcept {
    for (; c + W <= n; c += W) {
        T sum[W];
        row_axpys_fixed<W>(idx, val, b, e, B + c, ldb, [&sum, alpha](std::size_t t, T v) { sum[t] = alpha * v; });
        stream_store(crow + c, sum);
    }
    if constexpr (W > 1)
        if (c < n) row_axpys_stream_panels<W / 2>(idx, val, b, e, B, ldb, c, n, alpha, crow);
}

/// row_axpys_store for the whole rows [rb, re), but rows with the same columns run as a group where
/// groups_pay (real, unit-stride B and C). Out of line: called once per PE task, only for wide B or
/// a streamed C. Stream (beta = 0, stream_store.hpp): rows neither grouped nor long are streamed
/// to C, and the stores are fenced before returning.
template <bool Stream, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void rows_with_groups_store(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re,
                                               const strided_matrix<const T>& B, const strided_matrix<T>& C, T alpha, T beta,
                                               T* acc) noexcept {
    static_assert(max_group_rows == 3, "one call per group size");
    for (std::size_t i = rb; i < re;) {
        const auto b = static_cast<std::size_t>(ptr[i]), e = static_cast<std::size_t>(ptr[i + 1]);
        // Row i+1 starting like row i (same length, same first column) is checked here, in a few
        // instructions: in a matrix without groups, calling same_pattern_rows per row cost 43.
        const bool may_group = i + 1 < re && e > b && static_cast<std::size_t>(ptr[i + 2]) - e == e - b && idx[e] == idx[b];
        const std::size_t g = may_group && groups_pay<T>(e - b, C.cols) ? same_pattern_rows(ptr, idx, i, re) : 1;
        if (g == 2) group_axpys_store<2>(idx + b, val + b, e - b, B.data, B.row_stride, C, i, alpha, beta);
        else if (g == 3) group_axpys_store<3>(idx + b, val + b, e - b, B.data, B.row_stride, C, i, alpha, beta);
        else if (Stream && !is_long_row<T>(e - b, C.cols))
            row_axpys_stream_panels<accumulator_panel<T>>(idx, val, b, e, B.data, B.row_stride, 0, C.cols, alpha, C.row(i));
        else row_axpys_store<true, Stream ? 2 : 1>(idx, val, b, e, B, C, i, alpha, beta, acc); // a Site per caller: inlined
        i += g;
    }
    if constexpr (Stream) stream_fence();
}

/// Whether an SpMM writing C (all of it, not one PE's rows) streams its rows to memory: beta = 0,
/// the register-panel kernels, rows that stream_store can write, and a C larger than a last-level
/// cache (stream_store.hpp).
template <bool Unit, class T>
[[nodiscard]] bool spmm_streams_output(const strided_matrix<T>& C, T beta) noexcept {
    if constexpr (uses_register_panels<Unit, T>)
        return beta == T(0) && streams_output(C.rows * C.cols * sizeof(T)) && rows_streamable(C.data, C.row_stride, C.cols);
    else return false;
}

// ---- Rows of one panel --------------------------------------------------------------------------
//
// When C has as many columns as one register panel of some width (a power of two up to
// accumulator_panel: 8 or 32 doubles with AVX-512), each row is that one panel, and the general row
// loop's work around it (the long-row test, the walk down the panel widths, the alpha and beta
// tests, reloads of B's and C's layout) is most of a short row's time: `arrow` (rows of 2
// nonzeros) at 8 columns took 413 us in that loop and 181 in this one (one thread), whose sums are
// row_axpys_fixed's, bitwise (docs/performance.md, item 3).

/// one_panel_rows' loop for one way of combining a sum with C (combine(c, sum)). Inlined by force,
/// like spmv_row_loops, so that nothing in the row loop goes through memory.
template <std::size_t W, class T, class I, value_stream<T> V, class Combine>
WAFERBLAS_ALWAYS_INLINE void one_panel_row_loop(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, const T* B,
                                                std::ptrdiff_t ldb, T* C, std::ptrdiff_t ldc, Combine combine) noexcept {
    for (std::size_t i = rb; i < re; ++i) {
        T* crow = C + static_cast<std::ptrdiff_t>(i) * ldc;
        row_axpys_fixed<W>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), B, ldb,
                           [crow, combine](std::size_t t, T v) { combine(crow[t], v); });
    }
}

/// C[i, 0 .. W) = alpha * (row i of A) B + beta * C[i, 0 .. W) for the whole rows [rb, re); B and C
/// row-major with leading dimensions ldb and ldc. The combinations are row_axpys_store's.
template <std::size_t W, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void one_panel_rows(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, const T* B,
                                       std::ptrdiff_t ldb, T* C, std::ptrdiff_t ldc, T alpha, T beta) noexcept {
    if (beta == T(0) && alpha == T(1)) one_panel_row_loop<W>(ptr, idx, val, rb, re, B, ldb, C, ldc, [](T& c, T v) { c = v; });
    else if (beta == T(0)) one_panel_row_loop<W>(ptr, idx, val, rb, re, B, ldb, C, ldc, [alpha](T& c, T v) { c = alpha * v; });
    else one_panel_row_loop<W>(ptr, idx, val, rb, re, B, ldb, C, ldc, [alpha, beta](T& c, T v) { c = alpha * v + beta * c; });
}

/// one_panel_rows for beta = 0 with C's rows streamed (stream_store.hpp), fenced before returning.
/// Its own loop rather than rows_with_groups_store's: with that loop's per-row tests (groups, long
/// rows, the walk down the panel widths) a streamed SpMM of 32 columns on `poisson3d_64` took 0.77
/// of Eigen's time, with this one 0.62-0.64 (and 0.58-0.60 with whole-line streams: stream_store;
/// docs/performance.md, item 3).
template <std::size_t W, class T, class I, value_stream<T> V>
WAFERBLAS_OUT_OF_LINE void one_panel_rows_streamed(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, const T* B,
                                                std::ptrdiff_t ldb, T* C, std::ptrdiff_t ldc, T alpha) noexcept {
    for (std::size_t i = rb; i < re; ++i)
        row_axpys_stream_panels<W>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), B, ldb, 0, W,
                                   alpha, C + static_cast<std::ptrdiff_t>(i) * ldc);
    stream_fence();
}

/// Runs one_panel_rows<W'> (Stream: one_panel_rows_streamed<W'>, beta = 0) if C.cols is a panel
/// width W' <= W (a power of two), and says whether it did.
template <std::size_t W, bool Stream = false, class T, class I, value_stream<T> V>
bool rows_of_one_panel(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, const strided_matrix<const T>& B,
                       const strided_matrix<T>& C, T alpha, T beta) noexcept {
    if (C.cols == W) {
        if constexpr (Stream) one_panel_rows_streamed<W>(ptr, idx, val, rb, re, B.data, B.row_stride, C.data, C.row_stride, alpha);
        else one_panel_rows<W>(ptr, idx, val, rb, re, B.data, B.row_stride, C.data, C.row_stride, alpha, beta);
        return true;
    }
    if constexpr (W > 1) return rows_of_one_panel<W / 2, Stream>(ptr, idx, val, rb, re, B, C, alpha, beta);
    else return false;
}

/// C[i, :] = alpha * (row i of A) B + beta * C[i, :] for the whole rows [rb, re): rows with the
/// same columns run as groups where B rows are wide (real, unit stride), C of one panel's width
/// row by row in one_panel_rows, the others one by one.
/// acc holds 2 C.cols elements where spmm_rows_need_acc, and may be null elsewhere. Called, not
/// inlined: the serial path and every backend's PE task then run the same code (out_of_line.hpp).
/// An earlier build ran `arrow` at k = 8 1.13x slower with it out of line; in today's kernels it
/// measured within noise either way (standalone, 1 and 2 threads, k = 8/32/128, 8 matrices).
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_NOINLINE void csr_spmm_rows(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re, const strided_matrix<const T>& B,
                                      const strided_matrix<T>& C, T alpha, T beta, T* acc) noexcept {
    if constexpr (uses_register_panels<Unit, T>) {
        if (C.cols * sizeof(T) >= group_min_row_bytes) return rows_with_groups_store<false>(ptr, idx, val, rb, re, B, C, alpha, beta, acc);
        if (rows_of_one_panel<accumulator_panel<T>>(ptr, idx, val, rb, re, B, C, alpha, beta)) return;
    }
    for (std::size_t i = rb; i < re; ++i)
        row_axpys_store<Unit>(idx, val, static_cast<std::size_t>(ptr[i]), static_cast<std::size_t>(ptr[i + 1]), B, C, i, alpha, beta, acc);
}

/// csr_spmm_rows with C's rows streamed (spmm_streams_output: beta = 0, register panels). Callers
/// choose between the two, so that csr_spmm_rows's row loop carries no streaming test of its own.
template <bool Unit, class T, class I, value_stream<T> V>
WAFERBLAS_NOINLINE void csr_spmm_rows_streamed(const I* ptr, const I* idx, V val, std::size_t rb, std::size_t re,
                                               const strided_matrix<const T>& B, const strided_matrix<T>& C, T alpha, T* acc) noexcept {
    if constexpr (uses_register_panels<Unit, T>) {
        if (C.cols * sizeof(T) < group_min_row_bytes && rows_of_one_panel<accumulator_panel<T>, true>(ptr, idx, val, rb, re, B, C, alpha, T(0)))
            return;
        rows_with_groups_store<true>(ptr, idx, val, rb, re, B, C, alpha, T(0), acc);
    } else {
        csr_spmm_rows<Unit>(ptr, idx, val, rb, re, B, C, alpha, T(0), acc);
    }
}

/// Whether csr_spmm_rows reads its acc scratch for n columns: the kernels of complex or strided
/// operands always do, the register panels only for rows tiled as long rows (more than a panel).
template <bool Unit, class T>
[[nodiscard]] constexpr bool spmm_rows_need_acc(std::size_t n) noexcept {
    if constexpr (uses_register_panels<Unit, T>) return n > accumulator_panel<T>;
    else return true;
}

} // namespace waferblas::kernels
