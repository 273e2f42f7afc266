// benchmarks/peers/eigen.hpp — Eigen as called in the peer baseline: SparseMatrix<double, RowMajor,
// int>, `y.noalias() = A * x`, `C.noalias() = A * B` with row-major dense B and C,
// Eigen::setNbThreads(T). Eigen runs sparse x dense in parallel only when compiled with OpenMP and
// the product is large enough (nnz (x cols) > 20000); that decision is Eigen's and stays in.
#pragma once

#if defined(WAFERBLAS_BENCH_HAVE_EIGEN)

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <stdexcept>
#include <string>

#include "../runners.hpp"

namespace wbbench::eigen_peer {

/// Eigen runs on more than one thread only when compiled with OpenMP; otherwise it is timed at
/// 1 thread only, and a runner asked for more threads than Eigen reports fails (set_threads).
#if defined(EIGEN_HAS_OPENMP)
inline constexpr bool multi_threaded = true;
#else
inline constexpr bool multi_threaded = false;
#endif

/// Eigen::setNbThreads(threads), refused when Eigen would not run that many.
inline void set_threads(int threads) {
    Eigen::setNbThreads(threads);
    if (Eigen::nbThreads() != threads)
        throw std::runtime_error("Eigen: asked for " + std::to_string(threads) + " threads, runs on " + std::to_string(Eigen::nbThreads()));
}

using sparse = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

[[nodiscard]] inline sparse to_eigen(const waferblas::csr_matrix<double>& A) {
    const Eigen::Map<const sparse> m(A.rows(), A.cols(), A.nnz(), A.row_ptr().data(), A.col_idx().data(), A.values().data());
    return sparse(m);
}

class spmv final : public spmv_runner {
public:
    spmv(const problem& p, int threads)
        : threads_(threads), A_(to_eigen(p.A)),
          x_(Eigen::Map<const Eigen::VectorXd>(p.x.data(), static_cast<Eigen::Index>(p.x.size()))),
          y_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p.rows()))) {}
    void prepare() override { set_threads(threads_); }
    void run() override { y_.noalias() = A_ * x_; }
    [[nodiscard]] std::vector<double> result() const override { return {y_.data(), y_.data() + y_.size()}; }

private:
    int threads_;
    sparse A_;
    Eigen::VectorXd x_, y_;
};

class spmm final : public spmm_runner {
public:
    spmm(const problem& p, const spmm_operands& o, int threads)
        : threads_(threads), A_(to_eigen(p.A)),
          B_(Eigen::Map<const row_matrix>(o.B.data(), static_cast<Eigen::Index>(p.cols()), static_cast<Eigen::Index>(o.k))),
          C_(row_matrix::Zero(static_cast<Eigen::Index>(p.rows()), static_cast<Eigen::Index>(o.k))) {}
    void prepare() override { set_threads(threads_); }
    void run() override { C_.noalias() = A_ * B_; }
    [[nodiscard]] std::vector<double> result() const override { return {C_.data(), C_.data() + C_.size()}; }

private:
    int threads_;
    sparse A_;
    row_matrix B_, C_;
};

} // namespace wbbench::eigen_peer

#endif
