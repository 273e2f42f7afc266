// benchmarks/peers/graphblas.hpp — SuiteSparse:GraphBLAS as called in the peer baseline.
//
//   graphblas:        GrB_mxv / GrB_mxm with GrB_PLUS_TIMES_SEMIRING_FP64 into an existing y / C
//   graphblas_accum:  y = 0 (assign, full) then y += A x with the GrB_PLUS_FP64 accumulator, which
//                     reaches GraphBLAS's "C full" kernels; the zeroing is inside the timed region
//
// A is imported by row (GrB_CSR_FORMAT, 64-bit indices); x and B are packed as full vectors /
// full-by-row matrices. Non-blocking mode; GrB_wait(..., GrB_MATERIALIZE) ends every timed call.
// Threads: GxB_Global_Option_set(GxB_NTHREADS, T) before each timing loop.
#pragma once

#if defined(WAFERBLAS_BENCH_HAVE_GRAPHBLAS)

// GraphBLAS.h (7.x) declares its C functions without an extern "C" block of its own. The C++
// headers it pulls in are included first, so that inside the block below their include guards make
// them no-ops (a template may not have C linkage).
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <complex>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
extern "C" {
#include <GraphBLAS.h>
}
#include <stdexcept>
#include <string>
#include <vector>

#include "../runners.hpp"

namespace wbbench::graphblas_peer {

inline void check(GrB_Info info, const char* what) {
    if (info != GrB_SUCCESS && info != GrB_NO_VALUE)
        throw std::runtime_error(std::string("GraphBLAS: ") + what + " returned GrB_Info " + std::to_string(static_cast<int>(info)));
}

/// GraphBLAS's thread count, refused above 1 when the library was built without OpenMP (it would
/// accept the setting and run on one thread).
inline void set_threads(int threads) {
    check(GxB_Global_Option_set(GxB_GLOBAL_NTHREADS, threads), "GxB_Global_Option_set(GxB_NTHREADS)");
    int32_t set = 0, with_openmp = 0;
    check(GxB_Global_Option_get_INT32(GxB_GLOBAL_NTHREADS, &set), "GxB_Global_Option_get(GxB_NTHREADS)");
    check(GxB_Global_Option_get_INT32(GxB_LIBRARY_OPENMP, &with_openmp), "GxB_Global_Option_get(GxB_LIBRARY_OPENMP)");
    if (set != threads || (threads > 1 && with_openmp == 0))
        throw std::runtime_error("GraphBLAS: asked for " + std::to_string(threads) + " threads, runs on " +
                                 std::to_string(with_openmp != 0 ? set : 1));
}

/// A copy of `values` in a malloc'd block whose ownership GraphBLAS takes (GxB_*_pack_*).
inline void* malloc_copy(const double* values, std::size_t n) {
    // On a cache line, as SpMM's B is for the other libraries (common.hpp, spmm_operands); SpMV's x
    // too. aligned_alloc's blocks are released by free(), as GraphBLAS does with what it was packed.
    constexpr std::size_t line = waferblas::cache_line_bytes;
    const std::size_t bytes = (n == 0 ? sizeof(double) : n * sizeof(double)) + line - 1;
    void* p = std::aligned_alloc(line, bytes - bytes % line);
    if (p == nullptr) throw std::bad_alloc();
    if (n != 0) std::memcpy(p, values, n * sizeof(double));
    return p;
}

class matrix {
public:
    matrix() = default;
    matrix(const matrix&) = delete;
    matrix& operator=(const matrix&) = delete;
    ~matrix() {
        if (m_ != nullptr) GrB_Matrix_free(&m_);
    }
    GrB_Matrix* out() noexcept { return &m_; }
    [[nodiscard]] GrB_Matrix get() const noexcept { return m_; }

private:
    GrB_Matrix m_ = nullptr;
};

class vector {
public:
    vector() = default;
    vector(const vector&) = delete;
    vector& operator=(const vector&) = delete;
    ~vector() {
        if (v_ != nullptr) GrB_Vector_free(&v_);
    }
    GrB_Vector* out() noexcept { return &v_; }
    [[nodiscard]] GrB_Vector get() const noexcept { return v_; }

private:
    GrB_Vector v_ = nullptr;
};

/// A by row, copied in (GrB_Matrix_import, CSR).
inline void import_csr(matrix& out, const waferblas::csr_matrix<double>& A) {
    const auto ptr = A.row_ptr();
    const auto idx = A.col_idx();
    const auto val = A.values();
    std::vector<GrB_Index> p(ptr.begin(), ptr.end()), j(idx.begin(), idx.end());
    check(GrB_Matrix_import_FP64(out.out(), GrB_FP64, static_cast<GrB_Index>(A.rows()), static_cast<GrB_Index>(A.cols()),
                                 p.data(), j.data(), val.data(), p.size(), j.size(), val.size(), GrB_CSR_FORMAT),
          "GrB_Matrix_import_FP64");
    check(GrB_Matrix_wait(out.get(), GrB_MATERIALIZE), "GrB_Matrix_wait(A)");
}

class spmv final : public spmv_runner {
public:
    spmv(const problem& p, int threads, bool accum) : threads_(threads), accum_(accum), rows_(p.rows()) {
        set_threads(threads_);
        import_csr(A_, p.A);
        check(GrB_Vector_new(x_.out(), GrB_FP64, p.cols()), "GrB_Vector_new(x)");
        void* xv = malloc_copy(p.x.data(), p.x.size());
        check(GxB_Vector_pack_Full(x_.get(), &xv, p.x.size() * sizeof(double), false, nullptr), "GxB_Vector_pack_Full(x)");
        check(GrB_Vector_wait(x_.get(), GrB_MATERIALIZE), "GrB_Vector_wait(x)");
        check(GrB_Vector_new(y_.out(), GrB_FP64, rows_), "GrB_Vector_new(y)");
    }
    void prepare() override { set_threads(threads_); }
    void run() override {
        if (accum_) {
            check(GrB_Vector_assign_FP64(y_.get(), nullptr, nullptr, 0.0, GrB_ALL, rows_, nullptr), "GrB_assign(y, 0)");
            check(GrB_mxv(y_.get(), nullptr, GrB_PLUS_FP64, GrB_PLUS_TIMES_SEMIRING_FP64, A_.get(), x_.get(), nullptr), "GrB_mxv(accum)");
        } else {
            check(GrB_mxv(y_.get(), nullptr, nullptr, GrB_PLUS_TIMES_SEMIRING_FP64, A_.get(), x_.get(), nullptr), "GrB_mxv");
        }
        check(GrB_Vector_wait(y_.get(), GrB_MATERIALIZE), "GrB_Vector_wait(y)");
    }
    [[nodiscard]] std::vector<double> result() const override {
        GrB_Index n = 0;
        check(GrB_Vector_nvals(&n, y_.get()), "GrB_Vector_nvals");
        std::vector<GrB_Index> I(n);
        std::vector<double> X(n);
        check(GrB_Vector_extractTuples_FP64(I.data(), X.data(), &n, y_.get()), "GrB_Vector_extractTuples");
        std::vector<double> y(rows_, 0.0); // entries GraphBLAS leaves out (empty rows) are zero
        for (GrB_Index q = 0; q < n; ++q) y[I[q]] = X[q];
        return y;
    }

private:
    int threads_;
    bool accum_;
    GrB_Index rows_;
    matrix A_;
    vector x_, y_;
};

class spmm final : public spmm_runner {
public:
    spmm(const problem& p, const spmm_operands& o, int threads, bool accum)
        : threads_(threads), accum_(accum), rows_(p.rows()), k_(o.k) {
        set_threads(threads_);
        import_csr(A_, p.A);
        check(GrB_Matrix_new(B_.out(), GrB_FP64, p.cols(), k_), "GrB_Matrix_new(B)");
        void* bv = malloc_copy(o.B.data(), o.B.size());
        check(GxB_Matrix_pack_FullR(B_.get(), &bv, o.B.size() * sizeof(double), false, nullptr), "GxB_Matrix_pack_FullR(B)");
        check(GrB_Matrix_wait(B_.get(), GrB_MATERIALIZE), "GrB_Matrix_wait(B)");
        check(GrB_Matrix_new(C_.out(), GrB_FP64, rows_, k_), "GrB_Matrix_new(C)");
    }
    void prepare() override { set_threads(threads_); }
    void run() override {
        if (accum_) {
            check(GrB_Matrix_assign_FP64(C_.get(), nullptr, nullptr, 0.0, GrB_ALL, rows_, GrB_ALL, k_, nullptr), "GrB_assign(C, 0)");
            check(GrB_mxm(C_.get(), nullptr, GrB_PLUS_FP64, GrB_PLUS_TIMES_SEMIRING_FP64, A_.get(), B_.get(), nullptr), "GrB_mxm(accum)");
        } else {
            check(GrB_mxm(C_.get(), nullptr, nullptr, GrB_PLUS_TIMES_SEMIRING_FP64, A_.get(), B_.get(), nullptr), "GrB_mxm");
        }
        check(GrB_Matrix_wait(C_.get(), GrB_MATERIALIZE), "GrB_Matrix_wait(C)");
    }
    [[nodiscard]] std::vector<double> result() const override {
        GrB_Index n = 0;
        check(GrB_Matrix_nvals(&n, C_.get()), "GrB_Matrix_nvals");
        std::vector<GrB_Index> I(n), J(n);
        std::vector<double> X(n);
        check(GrB_Matrix_extractTuples_FP64(I.data(), J.data(), X.data(), &n, C_.get()), "GrB_Matrix_extractTuples");
        std::vector<double> c(rows_ * k_, 0.0);
        for (GrB_Index q = 0; q < n; ++q) c[I[q] * k_ + J[q]] = X[q];
        return c;
    }

private:
    int threads_;
    bool accum_;
    GrB_Index rows_, k_;
    matrix A_, B_, C_;
};

} // namespace wbbench::graphblas_peer

#endif
