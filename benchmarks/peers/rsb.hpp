// benchmarks/peers/rsb.hpp — librsb as called in the peer baseline: the matrix is assembled with
// rsb_mtx_alloc_from_csr_const (default flags, RSB_FLAG_DEFAULT_RSB_MATRIX_FLAGS) after setting
// RSB_IO_WANT_EXECUTING_THREADS to the benchmark's thread count (the recursive partition depends on
// it), then rsb_spmv / rsb_spmm (row-major). No autotuning (rsb_tune_* is not used).
#pragma once

#if defined(WAFERBLAS_BENCH_HAVE_RSB)

#include <rsb.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../runners.hpp"

namespace wbbench::rsb_peer {

static_assert(std::is_same_v<rsb_coo_idx_t, std::int32_t>, "librsb built with 64-bit indices: convert the CSR arrays");

inline void check(rsb_err_t err, const char* what) {
    if (err == RSB_ERR_NO_ERROR) return;
    char buf[256] = {};
    rsb_strerror_r(err, buf, sizeof buf);
    throw std::runtime_error(std::string("librsb: ") + what + ": " + buf);
}

/// librsb's thread count, read back: refused when librsb would run on another number.
inline void set_threads(int threads) {
    rsb_int_t t = threads;
    check(rsb_lib_set_opt(RSB_IO_WANT_EXECUTING_THREADS, &t), "rsb_lib_set_opt(RSB_IO_WANT_EXECUTING_THREADS)");
    rsb_int_t running = 0;
    check(rsb_lib_get_opt(RSB_IO_WANT_EXECUTING_THREADS, &running), "rsb_lib_get_opt(RSB_IO_WANT_EXECUTING_THREADS)");
    if (running != threads)
        throw std::runtime_error("librsb: asked for " + std::to_string(threads) + " threads, runs on " + std::to_string(running));
}

/// The thread count must be set before assembly: see after_setting_threads below.
class matrix {
public:
    explicit matrix(const waferblas::csr_matrix<double>& A) {
        rsb_err_t err = RSB_ERR_NO_ERROR;
        m_ = rsb_mtx_alloc_from_csr_const(A.values().data(), A.row_ptr().data(), A.col_idx().data(), A.nnz(),
                                          RSB_NUMERICAL_TYPE_DOUBLE, A.rows(), A.cols(), RSB_DEFAULT_ROW_BLOCKING,
                                          RSB_DEFAULT_COL_BLOCKING, RSB_FLAG_DEFAULT_RSB_MATRIX_FLAGS, &err);
        check(err, "rsb_mtx_alloc_from_csr_const");
        if (m_ == nullptr) throw std::runtime_error("librsb: rsb_mtx_alloc_from_csr_const returned null");
    }
    matrix(const matrix&) = delete;
    matrix& operator=(const matrix&) = delete;
    ~matrix() { rsb_mtx_free(m_); }
    [[nodiscard]] const rsb_mtx_t* get() const noexcept { return m_; }

private:
    rsb_mtx_t* m_ = nullptr;
};

/// A, after setting the thread count: lets a member initializer set it before assembling.
inline const waferblas::csr_matrix<double>& after_setting_threads(int threads, const waferblas::csr_matrix<double>& A) {
    set_threads(threads);
    return A;
}

class spmv final : public spmv_runner {
public:
    spmv(const problem& p, int threads) : threads_(threads), p_(p), A_(after_setting_threads(threads, p.A)), y_(p.rows()) {}
    void prepare() override { set_threads(threads_); }
    void run() override {
        const double alpha = 1.0, beta = 0.0;
        check(rsb_spmv(RSB_TRANSPOSITION_N, &alpha, A_.get(), p_.x.data(), 1, &beta, y_.data(), 1), "rsb_spmv");
    }
    [[nodiscard]] std::vector<double> result() const override { return y_; }

private:
    int threads_;
    const problem& p_;
    matrix A_;
    std::vector<double> y_;
};

class spmm final : public spmm_runner {
public:
    spmm(const problem& p, const spmm_operands& o, int threads)
        : threads_(threads), o_(o), A_(after_setting_threads(threads, p.A)), C_(p.rows() * o.k) {}
    void prepare() override { set_threads(threads_); }
    void run() override {
        const double alpha = 1.0, beta = 0.0;
        const auto k = static_cast<rsb_coo_idx_t>(o_.k);
        check(rsb_spmm(RSB_TRANSPOSITION_N, &alpha, A_.get(), k, RSB_FLAG_WANT_ROW_MAJOR_ORDER, o_.B.data(), k, &beta,
                       C_.data(), k),
              "rsb_spmm");
    }
    [[nodiscard]] std::vector<double> result() const override { return {C_.begin(), C_.end()}; }

private:
    int threads_;
    const spmm_operands& o_;
    matrix A_;
    waferblas::aligned_vector<double> C_; ///< on a cache line, as every library's C (common.hpp)
};

} // namespace wbbench::rsb_peer

#endif
