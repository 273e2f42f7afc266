// benchmarks/runners.hpp — one object per (library, matrix, thread count): setup in the constructor
// (untimed), the product in run() (timed), the result for verification in result() (untimed).
//
// The WaferBLAS runners are here; the peers' are in peers/*.hpp. Every runner computes
// y = A x (SpMV) or C = A B with B row-major (SpMM), with alpha = 1 and beta = 0.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.hpp"

namespace wbbench {

class spmv_runner {
public:
    virtual ~spmv_runner() = default;
    /// Re-applies global settings (thread counts) before a timing loop; other benchmarks may have
    /// changed them since the constructor ran.
    virtual void prepare() {}
    virtual void run() = 0;
    [[nodiscard]] virtual std::vector<double> result() const = 0;
};

class spmm_runner {
public:
    virtual ~spmm_runner() = default;
    virtual void prepare() {}
    virtual void run() = 0;
    /// rows x k, row-major.
    [[nodiscard]] virtual std::vector<double> result() const = 0;
};

using spmv_factory = std::function<std::unique_ptr<spmv_runner>(problem&, int threads)>;
using spmm_factory = std::function<std::unique_ptr<spmm_runner>(problem&, const spmm_operands&, int threads)>;

/// A library as the registration functions see it: its name in benchmark names, whether it runs
/// with more than one thread, how to build its runner, and the peer it stands for in ratios ("" for
/// WaferBLAS's own variants; graphblas and graphblas_accum are both "GraphBLAS").
struct spmv_library {
    std::string name;
    bool multi_threaded;
    spmv_factory make;
    std::string peer = {};
};
struct spmm_library {
    std::string name;
    bool multi_threaded;
    spmm_factory make;
    std::string peer = {};
};

// ---------------------------------------------------------------------------------------------------
// WaferBLAS

/// The free function on a backend: waferblas::spmv(backend, op::none, 1, A, x, 0, y).
template <class Backend>
class waferblas_spmv final : public spmv_runner {
public:
    waferblas_spmv(const problem& p, Backend b) : p_(p), backend_(b), y_(p.rows()) {}
    void run() override { waferblas::spmv(backend_, waferblas::op::none, 1.0, p_.A, p_.x, 0.0, y_); }
    [[nodiscard]] std::vector<double> result() const override { return y_; }

private:
    const problem& p_;
    Backend backend_;
    std::vector<double> y_;
};

/// Whether a plan copies A (the default) or reads it in place (plan_spmv(borrow(A), ...)).
enum class plan_source { copy, borrow };

/// A plan on a 1 x P chain of PEs (placement::row_blocks, P = threads), analysed once; with
/// spmv_layout::diagonal_chunks, a matrix that forms no chunks is an error (nothing to measure).
template <class Backend>
class waferblas_plan_spmv final : public spmv_runner {
public:
    waferblas_plan_spmv(const problem& p, Backend b, std::size_t pes, waferblas::spmv_layout layout = waferblas::spmv_layout::csr,
                        plan_source source = plan_source::copy)
        : p_(p), backend_(b),
          plan_(source == plan_source::borrow
                    ? waferblas::plan_spmv(waferblas::borrow(p.A), waferblas::pe_grid{1, pes}, waferblas::placement::row_blocks,
                                           waferblas::op::none, layout)
                    : waferblas::plan_spmv(p.A, waferblas::pe_grid{1, pes}, waferblas::placement::row_blocks, waferblas::op::none, layout)),
          y_(p.rows()) {
        if (layout == waferblas::spmv_layout::diagonal_chunks && plan_.program().chunks().empty())
            throw std::runtime_error(p.name + ": no diagonal chunks");
    }
    void run() override { plan_.execute(backend_, 1.0, p_.x, 0.0, y_); }
    [[nodiscard]] std::vector<double> result() const override { return y_; }

private:
    const problem& p_;
    Backend backend_;
    waferblas::spmv_plan<double, std::int32_t> plan_;
    std::vector<double> y_;
};

template <class Backend>
class waferblas_spmm final : public spmm_runner {
public:
    waferblas_spmm(const problem& p, const spmm_operands& o, Backend b)
        : p_(p), o_(o), backend_(b), C_(p.rows() * o.k) {}
    void run() override {
        waferblas::spmm(backend_, waferblas::op::none, 1.0, p_.A, waferblas::matrix_view<const double>(o_.B.data(), p_.cols(), o_.k),
                        0.0, waferblas::matrix_view<double>(C_.data(), p_.rows(), o_.k));
    }
    [[nodiscard]] std::vector<double> result() const override { return {C_.begin(), C_.end()}; }

private:
    const problem& p_;
    const spmm_operands& o_;
    Backend backend_;
    waferblas::aligned_vector<double> C_; ///< on a cache line, as Eigen's C
};

template <class Backend>
class waferblas_plan_spmm final : public spmm_runner {
public:
    waferblas_plan_spmm(const problem& p, const spmm_operands& o, Backend b, std::size_t pes)
        : p_(p), o_(o), backend_(b),
          plan_(waferblas::plan_spmm(p.A, waferblas::pe_grid{1, pes}, waferblas::placement::row_blocks)), C_(p.rows() * o.k) {}
    void run() override {
        plan_.execute(backend_, 1.0, waferblas::matrix_view<const double>(o_.B.data(), p_.cols(), o_.k), 0.0,
                      waferblas::matrix_view<double>(C_.data(), p_.rows(), o_.k));
    }
    [[nodiscard]] std::vector<double> result() const override { return {C_.begin(), C_.end()}; }

private:
    const problem& p_;
    const spmm_operands& o_;
    Backend backend_;
    waferblas::spmm_plan<double, std::int32_t> plan_;
    waferblas::aligned_vector<double> C_; ///< on a cache line, as Eigen's C
};

/// After a timing loop: the result checked again, so that a kernel that goes wrong after its
/// checked calls (or whose output another library's calls disturb) cannot stand in the results.
/// Marks `state` failed and returns false when it no longer matches.
[[nodiscard]] inline bool still_correct(benchmark::State& state, const std::string& what, std::span<const double> result,
                                        const expected_result& want) {
    const std::string error = check_result(what + ", after timing", result, want);
    if (error.empty()) return true;
    fail(state, error);
    return false;
}

/// still_correct for a runner's result.
template <class Runner>
    requires requires(const Runner& r) { r.result(); }
[[nodiscard]] bool still_correct(benchmark::State& state, const std::string& what, const Runner& runner, const expected_result& want) {
    return still_correct(state, what, std::span<const double>(runner.result()), want);
}

/// Every SpMV / SpMM library compiled in, WaferBLAS variants first (defined in peers.cpp).
[[nodiscard]] std::vector<spmv_library> spmv_libraries();
[[nodiscard]] std::vector<spmm_library> spmm_libraries();

/// `lib`'s runner on p (and o) at `threads`, prepared, run once and its result checked against the
/// reference loop's. Throws std::runtime_error naming the library, matrix and error otherwise.
[[nodiscard]] std::unique_ptr<spmv_runner> make_checked(const spmv_library& lib, problem& p, int threads);
[[nodiscard]] std::unique_ptr<spmm_runner> make_checked(const spmm_library& lib, problem& p, const spmm_operands& o, int threads);

/// The STREAM triad of bench_stream.cpp as a runner (its arrays allocated and first touched here),
/// or nullptr when it is switched off (--stream-n=0) or cannot run `threads` threads (no OpenMP).
[[nodiscard]] std::unique_ptr<spmv_runner> make_stream_triad(int threads);
/// The bytes one triad call moves: 24 per element.
[[nodiscard]] double stream_triad_bytes() noexcept;

/// A computation timed against the STREAM triad alone in paired rounds (the level-1 kernels): its
/// runner, already run once and checked, and what its result must stay after each repetition.
struct triad_paired_variant {
    std::string name;
    std::unique_ptr<spmv_runner> runner;
    expected_result expect;
};

/// Registers `name` (/threads:T at 1 and, when multi, more threads) as paired rounds of the
/// variants make(T) returns and the triad (bench_paired.cpp): counter triad_fraction for the first
/// variant, triad_fraction_<name> for the others, each the variant's bandwidth (`bytes` per call)
/// over the triad's in the same round, and t_<name>.
void register_paired_with_triad(const std::string& name, double bytes, bool multi,
                                std::function<std::vector<triad_paired_variant>(int threads)> make);

} // namespace wbbench
