// Every real matrix in the shared collection (WAFERBLAS_MATRICES, or ../shared/matrices beside the
// checkout): SpMV and SpMM through the free functions and through plans in both placements, against
// Eigen. Skipped, with a message, when no collection is present.
#include <doctest/doctest.h>

#include <algorithm>
#include <complex>
#include <filesystem>
#include <vector>

#include <waferblas/io/matrix_market.hpp>

#include "reference.hpp"
#include "test_matrices.hpp"

using namespace waferblas;
using namespace waferblas::testing;

namespace {

template <class T>
void check_matrix(const std::filesystem::path& file) {
    const auto A = io::read_matrix_market<T>(file);
    const std::string name = file.filename().string();
    const T alpha = make_scalar<T>(1.0, 0.5), beta = make_scalar<T>(-0.5, 0.0);
    for (op o : {op::none, op::conj_transpose}) {
        const auto m = static_cast<std::size_t>(o == op::none ? A.rows() : A.cols());
        const auto n = static_cast<std::size_t>(o == op::none ? A.cols() : A.rows());
        const auto x = random_vector<T>(n, 1), y0 = random_vector<T>(m, 2);
        const spmv_reference<T, std::int32_t> ref(A, o, alpha, x, beta, y0);
        auto y = y0;
        spmv(o, alpha, A, x, beta, y);
        ref.check(y, name + " free " + to_string(o));
        for (const pe_grid grid : {pe_grid{1, 1}, pe_grid{4, 4}, pe_grid{16, 16}})
            for (placement pl : {placement::row_blocks, placement::checkerboard}) {
                y = y0;
                plan_spmv(A, grid, pl, o).execute(alpha, x, beta, y);
                ref.check(y, name + " plan " + to_string(grid) + " " + to_string(pl) + " " + to_string(o));
            }
    }
    // SpMM, 4 columns, row-major, against Eigen.
    constexpr std::size_t width = 4;
    const auto rows = static_cast<std::size_t>(A.rows()), cols = static_cast<std::size_t>(A.cols());
    const auto b = random_vector<T>(cols * width, 3);
    using row_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const row_major> Be(b.data(), static_cast<Eigen::Index>(cols), static_cast<Eigen::Index>(width));
    const auto E = to_eigen(A);
    const dense_matrix<T> want = E * Be;
    const Eigen::Matrix<real_t<T>, Eigen::Dynamic, Eigen::Dynamic> magnitude = E.cwiseAbs() * Be.cwiseAbs();
    std::size_t terms = 0;
    for (std::int32_t i = 0; i < A.rows(); ++i) terms = std::max(terms, static_cast<std::size_t>(A.row_nnz(i)));
    for (placement pl : {placement::row_blocks, placement::checkerboard}) {
        std::vector<T> c(rows * width);
        plan_spmm(A, pe_grid{4, 4}, pl).execute(T(1), matrix_view<const T>(b.data(), cols, width), T(0), matrix_view<T>(c.data(), rows, width));
        const dense_matrix<T> got = Eigen::Map<const row_major>(c.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(width));
        INFO(name << " spmm " << to_string(pl));
        CHECK(first_violation<T>(got, want, magnitude, terms) == -1);
    }
    // The statistics account for every nonzero.
    CHECK(plan_spmv(A, pe_grid{8, 8}, placement::checkerboard).statistics().total_tasks == static_cast<std::size_t>(A.nnz()));
}

} // namespace

TEST_CASE("spmv and spmm match Eigen on every shared matrix") {
    const auto dir = shared_matrices_dir();
    if (!dir) {
        MESSAGE("no shared matrix collection (set WAFERBLAS_MATRICES): skipped");
        return;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(*dir))
        if (e.path().extension() == ".mtx") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    MESSAGE("checking " << files.size() << " matrices from " << dir->string());
    CHECK(!files.empty());
    for (const auto& f : files) {
        if (io::read_matrix_market_header(f).field == io::mm_field::complex) check_matrix<std::complex<double>>(f);
        else check_matrix<double>(f);
    }
}
