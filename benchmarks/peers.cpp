// benchmarks/peers.cpp — the libraries compiled into this build, their initialisation, the checked
// construction of their runners, and the versions recorded in the JSON context.
#include <exception>
#include <stdexcept>
#include <span>
#include <string>

#include "runners.hpp"

#if defined(WAFERBLAS_BENCH_HAVE_TBB)
#include <oneapi/tbb/version.h>
#include <waferblas/backend/tbb.hpp>
#endif
#if defined(WAFERBLAS_BENCH_HAVE_OPENMP)
#include <omp.h>
#include <waferblas/backend/openmp.hpp>
#endif

#include "peers/eigen.hpp"
#include "peers/graphblas.hpp"
#include "peers/rsb.hpp"

namespace wbbench {

namespace {
/// Plans run on a 1 x P chain with one PE per thread.
[[maybe_unused]] std::size_t pes(int threads) { return static_cast<std::size_t>(threads); }
[[maybe_unused]] std::size_t threads_of(int threads) { return static_cast<std::size_t>(threads); }
} // namespace

std::vector<spmv_library> spmv_libraries() {
    std::vector<spmv_library> libs;
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
    libs.push_back({"waferblas_tbb", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<waferblas_spmv<waferblas::backend::tbb>>(p, waferblas::backend::tbb{threads_of(t)});
                    }});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_OPENMP)
    libs.push_back({"waferblas_omp", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<waferblas_spmv<waferblas::backend::openmp>>(p, waferblas::backend::openmp{threads_of(t)});
                    }});
#endif
    libs.push_back({"waferblas_seq", false, [](problem& p, int) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<waferblas_spmv<waferblas::backend::sequential>>(p, waferblas::backend::sequential{});
                    }});
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
    libs.push_back({"waferblas_plan_tbb", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<waferblas_plan_spmv<waferblas::backend::tbb>>(p, waferblas::backend::tbb{threads_of(t)}, pes(t));
                    }});
    libs.push_back({"waferblas_plan_borrowed_tbb", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<waferblas_plan_spmv<waferblas::backend::tbb>>(
                            p, waferblas::backend::tbb{threads_of(t)}, pes(t), waferblas::spmv_layout::csr, plan_source::borrow);
                    }});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_EIGEN)
    libs.push_back({"eigen", eigen_peer::multi_threaded, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<eigen_peer::spmv>(p, t);
                    }, "Eigen"});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_GRAPHBLAS)
    libs.push_back({"graphblas", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<graphblas_peer::spmv>(p, t, false);
                    }, "GraphBLAS"});
    libs.push_back({"graphblas_accum", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<graphblas_peer::spmv>(p, t, true);
                    }, "GraphBLAS"});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_RSB)
    libs.push_back({"librsb", true, [](problem& p, int t) -> std::unique_ptr<spmv_runner> {
                        return std::make_unique<rsb_peer::spmv>(p, t);
                    }, "librsb"});
#endif
    return libs;
}

std::vector<spmm_library> spmm_libraries() {
    std::vector<spmm_library> libs;
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
    libs.push_back({"waferblas_tbb", true, [](problem& p, const spmm_operands& o, int t) -> std::unique_ptr<spmm_runner> {
                        return std::make_unique<waferblas_spmm<waferblas::backend::tbb>>(p, o, waferblas::backend::tbb{threads_of(t)});
                    }});
    libs.push_back({"waferblas_plan_tbb", true, [](problem& p, const spmm_operands& o, int t) -> std::unique_ptr<spmm_runner> {
                        return std::make_unique<waferblas_plan_spmm<waferblas::backend::tbb>>(p, o, waferblas::backend::tbb{threads_of(t)},
                                                                                             pes(t));
                    }});
#else
    libs.push_back({"waferblas_seq", false, [](problem& p, const spmm_operands& o, int) -> std::unique_ptr<spmm_runner> {
                        return std::make_unique<waferblas_spmm<waferblas::backend::sequential>>(p, o, waferblas::backend::sequential{});
                    }});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_EIGEN)
    libs.push_back({"eigen", eigen_peer::multi_threaded, [](problem& p, const spmm_operands& o, int t) -> std::unique_ptr<spmm_runner> {
                        return std::make_unique<eigen_peer::spmm>(p, o, t);
                    }, "Eigen"});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_GRAPHBLAS)
    libs.push_back({"graphblas", true, [](problem& p, const spmm_operands& o, int t) -> std::unique_ptr<spmm_runner> {
                        return std::make_unique<graphblas_peer::spmm>(p, o, t, false);
                    }, "GraphBLAS"});
    libs.push_back({"graphblas_accum", true, [](problem& p, const spmm_operands& o, int t) -> std::unique_ptr<spmm_runner> {
                        return std::make_unique<graphblas_peer::spmm>(p, o, t, true);
                    }, "GraphBLAS"});
#endif
#if defined(WAFERBLAS_BENCH_HAVE_RSB)
    if (opts().spmm_rsb)
        libs.push_back({"librsb", true, [](problem& p, const spmm_operands& o, int t) -> std::unique_ptr<spmm_runner> {
                            return std::make_unique<rsb_peer::spmm>(p, o, t);
                        }, "librsb"});
#endif
    return libs;
}

namespace {
/// make(), two prepared runs, and the check against `ref`; any failure as one runtime_error. Two
/// runs: a kernel that added its product to the output instead of overwriting it (beta = 0) would
/// pass a single run into the zeroed output a runner starts with.
template <class Make>
auto checked(const std::string& what, Make&& make, const expected_result& ref) {
    decltype(make()) runner;
    std::string error;
    try {
        runner = make();
        runner->prepare();
        runner->run();
        runner->run();
        error = check_result(what, runner->result(), ref);
    } catch (const std::exception& ex) {
        error = what + ": " + ex.what();
    }
    if (!error.empty()) throw std::runtime_error(error);
    return runner;
}
} // namespace

std::unique_ptr<spmv_runner> make_checked(const spmv_library& lib, problem& p, int threads) {
    return checked(lib.name + " on " + p.name, [&] { return lib.make(p, threads); }, p.y_ref);
}

std::unique_ptr<spmm_runner> make_checked(const spmm_library& lib, problem& p, const spmm_operands& o, int threads) {
    return checked(lib.name + " on " + p.name + " (k = " + std::to_string(o.k) + ")", [&] { return lib.make(p, o, threads); }, o.C_ref);
}

void init_peers() {
#if defined(WAFERBLAS_BENCH_HAVE_GRAPHBLAS)
    graphblas_peer::check(GrB_init(GrB_NONBLOCKING), "GrB_init");
#endif
#if defined(WAFERBLAS_BENCH_HAVE_RSB)
    rsb_peer::check(rsb_lib_init(RSB_NULL_INIT_OPTIONS), "rsb_lib_init");
#endif
}

void finalize_peers() {
#if defined(WAFERBLAS_BENCH_HAVE_RSB)
    rsb_lib_exit(RSB_NULL_EXIT_OPTIONS);
#endif
#if defined(WAFERBLAS_BENCH_HAVE_GRAPHBLAS)
    GrB_finalize();
#endif
}

void add_peer_context() {
    std::string libs = "waferblas_seq";
#if defined(WAFERBLAS_BENCH_HAVE_TBB)
    libs += " waferblas_tbb waferblas_plan_tbb waferblas_plan_borrowed_tbb";
    benchmark::AddCustomContext("tbb", std::to_string(TBB_VERSION_MAJOR) + "." + std::to_string(TBB_VERSION_MINOR));
#endif
#if defined(WAFERBLAS_BENCH_HAVE_OPENMP)
    libs += " waferblas_omp";
    benchmark::AddCustomContext("openmp", std::to_string(_OPENMP));
#endif
#if defined(WAFERBLAS_BENCH_HAVE_EIGEN)
    libs += " eigen";
    benchmark::AddCustomContext("eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                             std::to_string(EIGEN_MINOR_VERSION));
#endif
#if defined(WAFERBLAS_BENCH_HAVE_GRAPHBLAS)
    libs += " graphblas graphblas_accum";
    benchmark::AddCustomContext("graphblas", std::to_string(GxB_IMPLEMENTATION_MAJOR) + "." + std::to_string(GxB_IMPLEMENTATION_MINOR) +
                                                 "." + std::to_string(GxB_IMPLEMENTATION_SUB));
#endif
#if defined(WAFERBLAS_BENCH_HAVE_RSB)
    libs += " librsb";
    benchmark::AddCustomContext("librsb", RSB_LIBRSB_VER_STRING);
#endif
    benchmark::AddCustomContext("libraries", libs);
}

} // namespace wbbench
