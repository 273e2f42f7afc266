// waferblas_demo — the library's main job on an embedded problem, no input files needed.
//
// Builds a 3D Poisson matrix (7-point stencil), lowers SpMV and SpMM onto virtual PE grids in both
// placements, runs them on the sequential backend, checks the results against a naive loop, and
// prints the per-PE statistics the wafer model later reads.
//
//   waferblas_demo                 # 40 x 40 x 40 grid points, 8 x 8 PEs
//   waferblas_demo 64 64 32 16 16  # nx ny nz pe_rows pe_cols
#include <waferblas/generators.hpp>
#include <waferblas/waferblas.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

/// The textbook CSR loop, written independently of the library's kernels.
std::vector<double> naive_spmm(const waferblas::csr_matrix<double>& A, const std::vector<double>& B, std::size_t width) {
    std::vector<double> C(static_cast<std::size_t>(A.rows()) * width, 0.0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(A.rows()); ++i)
        for (auto k = A.row_ptr()[i]; k < A.row_ptr()[i + 1]; ++k)
            for (std::size_t t = 0; t < width; ++t)
                C[i * width + t] += A.values()[static_cast<std::size_t>(k)] * B[static_cast<std::size_t>(A.col_idx()[static_cast<std::size_t>(k)]) * width + t];
    return C;
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, std::abs(a[i] - b[i]));
        scale = std::max(scale, std::abs(b[i]));
    }
    return scale > 0 ? diff / scale : diff;
}

/// Tasks per PE as a character map: ' ' none, then .:-=+*#% up to the busiest PE.
void print_task_map(const waferblas::program_statistics& s) {
    if (s.grid.rows() > 32 || s.grid.cols() > 64) return;
    static constexpr std::string_view shades = ".:-=+*#%";
    const double most = static_cast<double>(std::max<std::size_t>(s.pe[s.busiest_pe()].tasks, 1));
    std::printf("  tasks per PE (' ' = none, '%%' = busiest):\n");
    for (std::size_t r = 0; r < s.grid.rows(); ++r) {
        std::printf("    ");
        for (std::size_t c = 0; c < s.grid.cols(); ++c) {
            const auto t = s.pe[s.grid.index_of({r, c})].tasks;
            const auto level = static_cast<std::size_t>(static_cast<double>(t) / most * static_cast<double>(shades.size() - 1) + 0.5);
            std::putchar(t == 0 ? ' ' : shades[level]);
        }
        std::putchar('\n');
    }
}

bool parse(const char* text, std::size_t& out) {
    const std::string_view s(text);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size() && out > 0;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t dims[5] = {40, 40, 40, 8, 8};
    if (argc != 1 && argc != 4 && argc != 6) {
        std::fprintf(stderr, "usage: %s [nx ny nz [pe_rows pe_cols]]\n", argv[0]);
        return 2;
    }
    for (int a = 1; a < argc; ++a)
        if (!parse(argv[a], dims[a - 1])) {
            std::fprintf(stderr, "%s: argument %d ('%s') is not a positive integer\n", argv[0], a, argv[a]);
            return 2;
        }
    try {
        const auto t0 = clock_type::now();
        const auto A = waferblas::generators::poisson3d<double>(static_cast<std::int32_t>(dims[0]), static_cast<std::int32_t>(dims[1]), static_cast<std::int32_t>(dims[2]));
        const auto n = static_cast<std::size_t>(A.rows());
        std::printf("WaferBLAS %s demo: 3D Poisson %zux%zux%zu, %zu rows, %zu nonzeros (%.1f ms to build)\n",
                    waferblas::version_string, dims[0], dims[1], dims[2], n, static_cast<std::size_t>(A.nnz()),
                    std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());

        std::vector<double> x(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = 1.0 + static_cast<double>(i % 7) / 8;
        const auto y_naive = naive_spmm(A, x, 1);
        constexpr std::size_t width = 8;
        std::vector<double> B(n * width);
        for (std::size_t i = 0; i < B.size(); ++i) B[i] = static_cast<double>(i % 13) / 4 - 1.5;
        const auto C_naive = naive_spmm(A, B, width);

        const waferblas::pe_grid grid{dims[3], dims[4]};
        bool all_ok = true;
        for (auto pl : {waferblas::placement::row_blocks, waferblas::placement::checkerboard}) {
            std::printf("\n== SpMV y = A x on a %s PE grid, placement %s\n", waferblas::to_string(grid).c_str(), waferblas::to_string(pl));
            auto t = clock_type::now();
            const auto plan = waferblas::plan_spmv(A, grid, pl);
            const double plan_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
            std::vector<double> y(n);
            t = clock_type::now();
            plan.execute(1.0, x, 0.0, y);
            const double run_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
            const double err = max_relative_difference(y, y_naive);
            all_ok = all_ok && err < 1e-14;
            std::printf("  plan %.2f ms, execute %.2f ms (sequential backend), max relative difference to naive loop %.1e %s\n",
                        plan_ms, run_ms, err, err < 1e-14 ? "OK" : "MISMATCH");
            const auto s = plan.statistics();
            std::printf("%s", s.summary().c_str());
            print_task_map(s);

            std::printf("== SpMM C = A B with %zu columns, placement %s\n", width, waferblas::to_string(pl));
            const auto mplan = waferblas::plan_spmm(A, grid, pl);
            std::vector<double> C(n * width);
            mplan.execute(1.0, waferblas::matrix_view<const double>(B.data(), n, width), 0.0,
                          waferblas::matrix_view<double>(C.data(), n, width));
            const double merr = max_relative_difference(C, C_naive);
            all_ok = all_ok && merr < 1e-14;
            std::printf("  max relative difference to naive loop %.1e %s\n", merr, merr < 1e-14 ? "OK" : "MISMATCH");
            std::printf("%s", mplan.statistics(width).summary().c_str());
        }
        std::printf("\n%s\n", all_ok ? "all results agree with the naive loop" : "RESULTS DIFFER from the naive loop");
        return all_ok ? 0 : 1;
    } catch (const waferblas::error& e) {
        std::fprintf(stderr, "waferblas_demo: %s\n", e.what());
        return 1;
    }
}
