// A program that uses WaferBLAS the way a downstream project does: only through the public headers,
// with the include path and C++ standard it gets from the package (CMake config, add_subdirectory or
// pkg-config). Built by the consumer tests in this folder; see CMakeLists.txt.
#include <waferblas/waferblas.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

#ifdef WAFERBLAS_CONSUMER_EIGEN
#include <Eigen/SparseCore>
#endif
#ifdef WAFERBLAS_CONSUMER_TBB
#include <tbb/parallel_reduce.h>
#include <tbb/blocked_range.h>
#endif
#ifdef WAFERBLAS_CONSUMER_OPENMP
#include <omp.h>
#endif

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "consumer check failed: %s\n", what);
        ++failures;
    }
}

} // namespace

int main() {
    // [2 -1; 0 3], assembled from unsorted triplets with a repeated entry.
    waferblas::coo_matrix<double> triplets(2, 2);
    triplets.add(1, 1, 3.0);
    triplets.add(0, 0, 1.5);
    triplets.add(0, 1, -1.0);
    triplets.add(0, 0, 0.5);
    const auto a = waferblas::to_csr(triplets);
    check(a.rows() == 2 && a.cols() == 2, "to_csr keeps the shape");
    check(a.nnz() == 3, "to_csr sums the repeated entry");

    const waferblas::csr_matrix<double> b(2, 2, {0, 2, 3}, {0, 1, 1}, {2.0, -1.0, 3.0});
    check(b.rows() == 2 && b.nnz() == 3, "csr_matrix from arrays");
    check(a == b, "triplets and arrays give the same matrix");

    const std::vector<double> x{1.0, 1.0};
    std::vector<double> y(2);
    waferblas::spmv(1.0, a, x, 0.0, y);
    check(y[0] == 1.0 && y[1] == 3.0, "spmv computes A x");
    const auto plan = waferblas::plan_spmv(a, waferblas::pe_grid{2, 2}, waferblas::placement::checkerboard);
    std::vector<double> y2(2);
    plan.execute(1.0, x, 0.0, y2);
    check(y2 == y, "a checkerboard plan gives the same result");
    check(plan.statistics().total_tasks == 3, "one AXPY task per nonzero");

#ifdef WAFERBLAS_CONSUMER_EIGEN
    Eigen::SparseMatrix<double, Eigen::RowMajor> e(a.rows(), a.cols());
    e.insert(0, 0) = 2.0;
    e.makeCompressed();
    check(e.nonZeros() == 1, "Eigen usable through waferblas::eigen");
#endif
#ifdef WAFERBLAS_CONSUMER_TBB
    const double sum = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, a.values().size()), 0.0,
        [&](const tbb::blocked_range<std::size_t>& r, double s) {
            for (std::size_t k = r.begin(); k != r.end(); ++k) s += a.values()[k];
            return s;
        },
        [](double x, double y) { return x + y; });
    check(sum == 4.0, "TBB usable through waferblas::tbb");
#endif
#ifdef WAFERBLAS_CONSUMER_OPENMP
    double osum = 0.0;
    const auto vals = a.values();
    const int n = static_cast<int>(vals.size());
#pragma omp parallel for reduction(+ : osum)
    for (int k = 0; k < n; ++k) osum += vals[static_cast<std::size_t>(k)];
    check(osum == 4.0 && omp_get_max_threads() >= 1, "OpenMP usable through waferblas::openmp");
#endif

    if (failures != 0) return EXIT_FAILURE;
    std::printf("waferblas %s consumer: OK\n", waferblas::version_string);
    return EXIT_SUCCESS;
}
