// SpMM against Eigen: generated shapes, value and index types, every op, CSR and CSC, row- and
// column-major B and C with padded leading dimensions, and plans in both placements.
#include <doctest/doctest.h>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "test_matrices.hpp"

using namespace waferblas;
using namespace waferblas::testing;

namespace {

/// A dense operand stored in a padded buffer of the given layout.
template <class T>
struct dense_operand {
    std::size_t rows, cols, ld;
    layout lay;
    std::vector<T> storage;

    dense_operand(const dense_matrix<T>& m, layout l)
        : rows(static_cast<std::size_t>(m.rows())), cols(static_cast<std::size_t>(m.cols())),
          ld((l == layout::row_major ? cols : rows) + 2), lay(l),
          storage(ld * ((l == layout::row_major ? rows : cols) + 1), T(real_t<T>(99))) {
        const T* from = m.data(); // column-major; raw storage because the sanitizers' -O0 makes accessors slow
        for (std::size_t j = 0; j < cols; ++j)
            for (std::size_t i = 0; i < rows; ++i) storage[offset(i, j)] = from[i + j * rows];
    }
    std::size_t offset(std::size_t i, std::size_t j) const { return lay == layout::row_major ? i * ld + j : i + j * ld; }
    matrix_view<T> view() { return {storage.data(), rows, cols, lay, ld}; }
    matrix_view<const T> cview() const { return {storage.data(), rows, cols, lay, ld}; }
    dense_matrix<T> to_eigen_dense() const {
        dense_matrix<T> m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
        T* to = m.data();
        for (std::size_t j = 0; j < cols; ++j)
            for (std::size_t i = 0; i < rows; ++i) to[i + j * rows] = storage[offset(i, j)];
        return m;
    }
};

template <class T>
dense_matrix<T> random_dense(std::size_t r, std::size_t c, std::uint64_t seed) {
    const auto v = random_vector<T>(r * c, seed);
    return Eigen::Map<const dense_matrix<T>>(v.data(), static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
}

template <class T, class I>
void check_spmm_paths(const std::string& name, const csr_matrix<T, I>& A, std::size_t width) {
    const T alpha = make_scalar<T>(1.5, 0.25);
    const T beta = T(real_t<T>(0.5));
    const auto Ac = to_csc(A);
    for (op o : {op::none, op::transpose, op::conj_transpose}) {
        const auto E = eigen_op(A, o);
        const auto m = static_cast<std::size_t>(E.rows()), n = static_cast<std::size_t>(E.cols());
        const dense_matrix<T> B = random_dense<T>(n, width, 21), C0 = random_dense<T>(m, width, 22);
        const dense_matrix<T> want = alpha * (E * B) + beta * C0;
        const Eigen::Matrix<real_t<T>, Eigen::Dynamic, Eigen::Dynamic> magnitude =
            std::abs(alpha) * (E.cwiseAbs() * B.cwiseAbs()) + std::abs(beta) * C0.cwiseAbs();
        std::size_t terms = 0;
        for (Eigen::Index i = 0; i < E.outerSize(); ++i)
            terms = std::max(terms, static_cast<std::size_t>(E.outerIndexPtr()[i + 1] - E.outerIndexPtr()[i]));
        auto verify = [&](const dense_operand<T>& C, const std::string& path) {
            const auto bad = first_violation<T>(C.to_eigen_dense(), want, magnitude, terms);
            INFO(name << " op=" << to_string(o) << " width=" << width << " " << path << ": first wrong entry " << bad);
            CHECK(bad == -1);
        };
        for (layout lb : {layout::row_major, layout::col_major}) {
            const dense_operand<T> Bd(B, lb);
            for (layout lc : {layout::row_major, layout::col_major}) {
                const std::string lays = std::string(lb == layout::row_major ? "B row" : "B col") + (lc == layout::row_major ? " C row" : " C col");
                dense_operand<T> C(C0, lc);
                spmm(o, alpha, A, Bd.cview(), beta, C.view());
                verify(C, "csr " + lays);
                dense_operand<T> Cc(C0, lc);
                spmm(o, alpha, Ac, Bd.cview(), beta, Cc.view());
                verify(Cc, "csc " + lays);
                for (const pe_grid grid : {pe_grid{1, 1}, pe_grid{3, 2}, pe_grid{16, 16}})
                    for (placement pl : {placement::row_blocks, placement::checkerboard}) {
                        dense_operand<T> Cp(C0, lc);
                        plan_spmm(A, grid, pl, o).execute(alpha, Bd.cview(), beta, Cp.view());
                        verify(Cp, "plan " + to_string(grid) + " " + to_string(pl) + " " + lays);
                    }
            }
        }
    }
}


} // namespace

TEST_CASE_TEMPLATE("spmm matches Eigen on every generated matrix", TI, std::pair<float, std::int32_t>,
                   std::pair<double, std::int64_t>, std::pair<std::complex<float>, std::int64_t>,
                   std::pair<std::complex<double>, std::int32_t>) {
    using T = typename TI::first_type;
    using I = typename TI::second_type;
    for (const auto& c : generated_cases<T, I>()) {
        if (c.A.nnz() > 20000) continue; // SpMM multiplies the work by width x layouts: keep the sweep fast
        for (std::size_t width : {1u, 3u, 8u}) check_spmm_paths<T, I>(c.name, c.A, width);
    }
}

TEST_CASE_TEMPLATE("spmm runs long rows in wide passes or tiles: correct on every path, and bitwise the short-row sums", T, float,
                   double, std::complex<double>) {
    // A row of 300 nonzeros against B of 40 and 130 columns: its B rows outgrow L1 across the
    // panel passes, so real unit-stride operands take the long-row kernel (wide passes with
    // AVX-512, else chunks with the even/odd sums kept in memory between them) at 130 columns, and
    // at 40 where 40 is more than one panel (not for float with AVX-512); split over PEs, the heads
    // and carries of those rows do too.
    const auto A = generators::arrowhead<T>(300, 2, 5);
    if constexpr (std::is_floating_point_v<T>) REQUIRE(kernels::is_long_row<T>(300, 130));
    for (std::size_t width : {40u, 130u}) check_spmm_paths<T, std::int32_t>("arrowhead 300", A, width);

    // Column j of a 130-column product is bitwise column j computed alone (one panel, untiled).
    if constexpr (std::is_floating_point_v<T>) check_columns_alone(A, 130, 7);
}

TEST_CASE_TEMPLATE("spmm with C one register panel wide runs a row loop of its own: bitwise the general loop's sums", T, float,
                   double) {
    // C of W columns, W a panel width (a power of two up to accumulator_panel), takes one_panel_rows;
    // the first W of W + 1 columns take the general loop's panel of W. Both read the same B rows
    // (B of W + 1 columns, viewed as its first W) into the same C (the first W of W + 1 columns),
    // with and without alpha and beta, on matrices of empty, short and long rows.
    namespace gen = generators;
    const std::vector<std::pair<std::string, csr_matrix<T, std::int32_t>>> cases{
        {"arrowhead 300", gen::arrowhead<T>(300, 2, 41)},
        {"rmat 8 with empty rows", gen::with_empty_rows_and_cols(gen::rmat<T>(8, 4, 42), 0.3, 0.1, 43)},
        {"dense row 200", gen::dense_row<T>(200, 7, 44)}};
    for (const auto& [name, A] : cases) {
        const auto m = static_cast<std::size_t>(A.rows()), n = static_cast<std::size_t>(A.cols());
        for (std::size_t W = kernels::accumulator_panel<T>; W >= 2; W /= 2) {
            const std::size_t ld = W + 1;
            const auto b = random_vector<T>(n * ld, 45), c0 = random_vector<T>(m * ld, 46);
            {
                // The dispatch: W columns take one_panel_rows, W + 1 do not (and are left untouched).
                std::vector<T> c = c0;
                const auto run = [&](std::size_t cols) {
                    const kernels::strided_matrix<const T> Bs{b.data(), static_cast<std::ptrdiff_t>(ld), 1, n, cols};
                    const kernels::strided_matrix<T> Cs{c.data(), static_cast<std::ptrdiff_t>(ld), 1, m, cols};
                    return kernels::rows_of_one_panel<kernels::accumulator_panel<T>>(A.row_ptr().data(), A.col_idx().data(),
                                                                                      A.values().data(), 0, m, Bs, Cs, T(1), T(0));
                };
                CHECK_FALSE(run(ld));
                CHECK(c == c0);
                CHECK(run(W));
            }
            for (const auto& [alpha, beta] : {std::pair{T(1), T(0)}, std::pair{T(1.5), T(0)}, std::pair{T(-0.75), T(0.5)}}) {
                std::vector<T> general = c0, one_panel = c0;
                spmm(backend::sequential{}, op::none, alpha, A, matrix_view<const T>(b.data(), n, ld), beta,
                     matrix_view<T>(general.data(), m, ld));
                spmm(backend::sequential{}, op::none, alpha, A, matrix_view<const T>(b.data(), n, W, layout::row_major, ld), beta,
                     matrix_view<T>(one_panel.data(), m, W, layout::row_major, ld));
                const std::string what = name; // INFO's lambda may not capture a structured binding (clang 14)
                INFO(what << ", W = " << W << ", alpha = " << alpha << ", beta = " << beta);
                for (std::size_t i = 0; i < m; ++i) general[i * ld + W] = c0[i * ld + W]; // column W: not in the W-wide product
                CHECK(first_difference(one_panel, general) == -1);
            }
        }
    }
}

TEST_CASE_TEMPLATE("spmm's one-panel rows streamed to C: bitwise the rows stored through the caches, at every alignment of C", T, float,
                   double) {
    // A streamed C (beta = 0, larger than an L3 in a real call) of one panel's width takes
    // one_panel_rows_streamed, whose stores are 64, 32 or 16 bytes wide as C's rows are aligned.
    // Here the kernels are called directly on small matrices, C shifted 16 bytes at a time from a
    // cache line (C's rows then start on every alignment), against one_panel_rows into memory.
    namespace gen = generators;
    const std::vector<std::pair<std::string, csr_matrix<T, std::int32_t>>> cases{
        {"arrowhead 300", gen::arrowhead<T>(300, 2, 61)},
        {"rmat 8 with empty rows", gen::with_empty_rows_and_cols(gen::rmat<T>(8, 4, 62), 0.3, 0.1, 63)}};
    for (const auto& [name, A] : cases) {
        const auto m = static_cast<std::size_t>(A.rows()), n = static_cast<std::size_t>(A.cols());
        for (std::size_t W = kernels::accumulator_panel<T>; W * sizeof(T) >= 16; W /= 2) {
            const auto b = random_vector<T>(n * W, 64);
            const kernels::strided_matrix<const T> Bs{b.data(), static_cast<std::ptrdiff_t>(W), 1, n, W};
            for (const T alpha : {T(1), T(-1.5)}) {
                std::vector<T> stored(m * W);
                const kernels::strided_matrix<T> Cm{stored.data(), static_cast<std::ptrdiff_t>(W), 1, m, W};
                REQUIRE(kernels::rows_of_one_panel<kernels::accumulator_panel<T>>(A.row_ptr().data(), A.col_idx().data(),
                                                                                  A.values().data(), 0, m, Bs, Cm, alpha, T(0)));
                for (std::size_t shift = 0; shift < 64; shift += 16) {
                    const std::size_t lead = shift / sizeof(T), tail = 16 / sizeof(T);
                    aligned_vector<T> buffer(lead + m * W + tail, T(7));
                    T* c = buffer.data() + lead;
                    const kernels::strided_matrix<T> Cs{c, static_cast<std::ptrdiff_t>(W), 1, m, W};
                    REQUIRE(kernels::rows_streamable(c, Cs.row_stride, W) == bool(WAFERBLAS_STREAM_STORES));
                    REQUIRE(kernels::rows_of_one_panel<kernels::accumulator_panel<T>, true>(A.row_ptr().data(), A.col_idx().data(),
                                                                                            A.values().data(), 0, m, Bs, Cs, alpha, T(0)));
                    const std::string what = name; // INFO's lambda may not capture a structured binding (clang 14)
                    INFO(what << ", W = " << W << ", alpha = " << alpha << ", C " << shift << " bytes past a cache line");
                    CHECK(std::memcmp(c, stored.data(), m * W * sizeof(T)) == 0);
                    CHECK(std::all_of(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(lead), [](T v) { return v == T(7); }));
                    CHECK(std::all_of(buffer.end() - static_cast<std::ptrdiff_t>(tail), buffer.end(), [](T v) { return v == T(7); }));
                }
            }
        }
    }
}

TEST_CASE_TEMPLATE("spmm streams rows whose B rows come from memory: correct on every path, and bitwise the untiled sums", T, float,
                   double) {
    // Row 0 of an n x n arrowhead reads n B rows of 130 columns: more than streamed_row_bytes (2 MiB,
    // 8 MiB with AVX-512), so it adds whole B rows to its even/odd sums in memory instead of running
    // chunks or wide passes of panels; at 40 columns it does not.
    const std::size_t n = kernels::streamed_row_bytes / (130 * sizeof(T)) + 50;
    const auto A = generators::arrowhead<T>(static_cast<std::int64_t>(n), 0, 9);
    REQUIRE(n * 130 * sizeof(T) > kernels::streamed_row_bytes);
    REQUIRE(n * 40 * sizeof(T) <= kernels::streamed_row_bytes);
    for (std::size_t width : {40u, 130u}) check_spmm_paths<T, std::int32_t>("arrowhead, a streamed row", A, width);
    check_columns_alone(A, 130, 10);
}

TEST_CASE_TEMPLATE("spmm runs rows with the same columns together: correct on every path, bitwise the row-by-row sums", T, float,
                   double) {
    // Node-blocked (FEM-like) matrices: 2, 3 and 4 degrees of freedom per node, so groups of 2, 3
    // and 3 + 1 rows; the dense node row of the last one makes rows of 256 nonzeros, too long to
    // group at 130 doubles (they take the tiled kernel). 130 columns: 128 in panels, then 2. Plans
    // on 3 x 2 and 16 x 16 cut groups at PE boundaries.
    namespace gen = generators;
    const std::vector<std::pair<std::string, csr_matrix<T, std::int32_t>>> cases{
        {"rmat 6 x 2 dofs", node_blocked(gen::rmat<T>(6, 4, 31), 2, 32)},
        {"poisson2d 5x4 x 3 dofs", node_blocked(gen::poisson2d<T>(5, 4), 3, 33)},
        {"dense row 64 x 4 dofs", node_blocked(gen::dense_row<T>(64, 3, 34), 4, 35)}};
    if constexpr (std::is_same_v<T, double>) REQUIRE_FALSE(kernels::groups_pay<T>(256, 130));
    for (const auto& [name, A] : cases) {
        const std::string what = name; // INFO's lambda may not capture a structured binding (clang 14)
        INFO(what);
        // The cases do reach the grouped kernel: 130 columns pay, and a row has a twin.
        const auto len = static_cast<std::size_t>(A.row_ptr()[1] - A.row_ptr()[0]);
        REQUIRE(kernels::groups_pay<T>(len, 130));
        REQUIRE(kernels::same_pattern_rows(A.row_ptr().data(), A.col_idx().data(), 0, 4) >= 2);
        check_spmm_paths<T, std::int32_t>(name, A, 130);
        // Column j of a 130-column product (grouped rows) is bitwise column j alone (row by row).
        check_columns_alone(A, 130, 8);
    }
}

TEST_CASE_TEMPLATE("panel sums add element by element, whatever the pack width", T, float, double) {
    // The SpMM register panels (kernels::panel_sums) hold W sums as W / lanes vector packs. Every
    // width the kernels use, 1 to a whole panel, must keep element t in lane t % lanes of pack
    // t / lanes and add exactly as a scalar loop would (products of small integers are exact, so
    // the check holds with and without FMA contraction).
    const auto check_width = [&]<std::size_t W>() {
        using sums = kernels::panel_sums<T, W>;
        static_assert(sums::lanes * sums::packs == W && sums::lanes <= kernels::simd_lanes<T>);
        std::vector<T> b(W), start(W), expect(W), out(W);
        for (std::size_t t = 0; t < W; ++t) {
            b[t] = T(static_cast<int>(t % 7) - 3);
            start[t] = T(static_cast<int>(t) + 1);
        }
        sums s, z, u;
        s.load(start.data());
        z.zero();
        z.add_scaled(T(2), b.data()); // z = 2 b
        s.add_scaled(T(-5), b.data());
        s.add(z);
        u.zero();
        for (std::size_t t = 0; t < W; ++t) expect[t] = start[t] + T(-5) * b[t] + T(2) * b[t];
        s.store(out.data());
        u.store(b.data());
        for (std::size_t t = 0; t < W; ++t) {
            INFO("W = " << W << ", element " << t);
            CHECK(out[t] == expect[t]);
            CHECK(s[t] == expect[t]);
            CHECK(b[t] == T(0));
        }
    };
    check_width.template operator()<1>();
    check_width.template operator()<2>();
    check_width.template operator()<4>();
    check_width.template operator()<8>();
    check_width.template operator()<16>();
    check_width.template operator()<kernels::accumulator_panel<T>>();
    CHECK(kernels::panel_sums<T, kernels::accumulator_panel<T>>::lanes == kernels::simd_lanes<T>);
}

TEST_CASE("rows run together only when they have the same columns, lie within the range, and B rows are wide") {
    // Rows 0-2 share columns {1, 4}; row 3 has the same length but other columns; rows 4-5 are empty.
    const csr_matrix<double> A(6, 6, {0, 2, 4, 6, 8, 8, 8}, {1, 4, 1, 4, 1, 4, 1, 5}, {1, 2, 3, 4, 5, 6, 7, 8});
    const auto* ptr = A.row_ptr().data();
    const auto* idx = A.col_idx().data();
    CHECK(kernels::same_pattern_rows(ptr, idx, 0, 6) == 3);
    CHECK(kernels::same_pattern_rows(ptr, idx, 0, 2) == 2); // the PE's rows end at 2
    CHECK(kernels::same_pattern_rows(ptr, idx, 1, 6) == 2);
    CHECK(kernels::same_pattern_rows(ptr, idx, 3, 6) == 1);
    CHECK(kernels::max_group_rows == 3);
    CHECK(kernels::groups_pay<double>(2, 64));
    CHECK_FALSE(kernels::groups_pay<double>(2, 63)); // B rows under 512 bytes
    CHECK_FALSE(kernels::groups_pay<double>(0, 128)); // empty rows: nothing to share
    CHECK(kernels::groups_pay<float>(2, 128));
    CHECK_FALSE(kernels::groups_pay<float>(2, 127));
    CHECK(kernels::groups_pay<double>(256, 128));       // 256 KiB of B rows
    CHECK_FALSE(kernels::groups_pay<double>(257, 128)); // beyond: the tiled single-row kernel
}

TEST_CASE("C rows are streamed only when whole 16-byte vectors, aligned, on x86-64, and stream_store writes what it is given at every alignment") {
    alignas(16) double d[40] = {};
    alignas(16) float f[40] = {};
#if WAFERBLAS_STREAM_STORES
    CHECK(kernels::rows_streamable(d, 8, 8));
    CHECK(kernels::rows_streamable(d, 10, 6));
    CHECK_FALSE(kernels::rows_streamable(d + 1, 8, 8)); // rows start 8 bytes off
    CHECK_FALSE(kernels::rows_streamable(d, 9, 8));     // every other row starts 8 bytes off
    CHECK_FALSE(kernels::rows_streamable(d, 8, 7));     // a row ends in half a vector
    CHECK(kernels::rows_streamable(f, 8, 4));
    CHECK_FALSE(kernels::rows_streamable(f, 8, 6));
    CHECK_FALSE(kernels::rows_streamable(f + 2, 8, 4));
#endif
    CHECK_FALSE(kernels::rows_streamable(reinterpret_cast<long double*>(d), 8, 8)); // float and double only
    CHECK(kernels::streams_output(kernels::streamed_output_bytes + 1));
    CHECK_FALSE(kernels::streams_output(kernels::streamed_output_bytes));
    const double sum8[8] = {1, -2, 3.5, -0.0, 5, 6, 7, 8};
    kernels::stream_store(d + 2, sum8);
    const double sum1[1] = {9};
    kernels::stream_store(d + 10, sum1); // 8 bytes: an ordinary store
    const float sumf[4] = {1.5F, 2, 3, 4};
    kernels::stream_store(f + 4, sumf);
    kernels::stream_fence();
    CHECK(std::memcmp(d + 2, sum8, sizeof sum8) == 0);
    CHECK(d[10] == 9);
    CHECK(d[1] == 0);
    CHECK(d[11] == 0);
    CHECK(std::memcmp(f + 4, sumf, sizeof sumf) == 0);
    CHECK(f[8] == 0);

    // Rows of 8, 16 and 32 doubles 16, 32, 48 and 64 bytes past a cache line: stored by 16-, 32- or
    // 64-byte streams as they are aligned, every element in its place, nothing around them touched.
    const auto at_every_alignment = [&]<std::size_t W>() {
        double sum[W];
        for (std::size_t t = 0; t < W; ++t) sum[t] = static_cast<double>(t) * 1.25 - 3;
        for (std::size_t shift = 2; shift <= 8; shift += 2) {
            aligned_vector<double> buffer(W + 10, -1.0);
            kernels::stream_store(buffer.data() + shift, sum);
            kernels::stream_fence();
            INFO("W = " << W << ", " << shift * sizeof(double) << " bytes past a cache line");
            CHECK(std::memcmp(buffer.data() + shift, sum, sizeof sum) == 0);
            for (std::size_t t = 0; t < buffer.size(); ++t)
                if (t < shift || t >= shift + W) CHECK(buffer[t] == -1.0);
        }
    };
    at_every_alignment.template operator()<8>();
    at_every_alignment.template operator()<16>();
    at_every_alignment.template operator()<32>();
}

TEST_CASE_TEMPLATE("spmm's C is bitwise the same whatever the alignment of B and C", T, float, double, std::complex<double>) {
    // Alignment changes which loads straddle cache lines (the speed, docs/performance.md), never the
    // arithmetic: B and C at every element offset from a cache line, on the free function and a plan.
    const auto A = generators::random_sparse<T>(97, 61, 0.08, 5);
    const std::size_t m = 97, n = 61;
    for (std::size_t k : {1u, 5u, 8u, 32u, 128u}) {
        const auto b = random_vector<T>(n * k, 7);
        const auto product_at = [&](std::size_t bshift, std::size_t cshift, bool plan) { // B, C shifted by elements
            aligned_vector<T> Bs(n * k + 16), Cs(m * k + 16, T(real_t<T>(3)));
            std::copy(b.begin(), b.end(), Bs.begin() + static_cast<std::ptrdiff_t>(bshift));
            const matrix_view<const T> Bv(Bs.data() + bshift, n, k);
            const matrix_view<T> Cv(Cs.data() + cshift, m, k);
            if (plan) plan_spmm(A, pe_grid{2, 1}).execute(T(real_t<T>(1.5)), Bv, T(real_t<T>(0.5)), Cv);
            else spmm(T(real_t<T>(1.5)), A, Bv, T(real_t<T>(0.5)), Cv);
            return std::vector<T>(Cs.begin() + static_cast<std::ptrdiff_t>(cshift), Cs.begin() + static_cast<std::ptrdiff_t>(cshift + m * k));
        };
        for (bool plan : {false, true}) {
            const auto want = product_at(0, 0, plan);
            for (std::size_t bshift = 0; bshift < 16; bshift += 3)
                for (std::size_t cshift : {0u, 1u, 2u, 7u}) {
                    INFO("k=" << k << " B +" << bshift << " C +" << cshift << " elements" << (plan ? ", plan" : ""));
                    const auto got = product_at(bshift, cshift, plan);
                    CHECK(std::memcmp(got.data(), want.data(), want.size() * sizeof(T)) == 0);
                }
        }
    }
}

TEST_CASE("spmm rejects mismatched shapes and overlapping B and C") {
    const csr_matrix<double> A(2, 3, {0, 1, 2}, {0, 2}, {1.0, 1.0});
    std::vector<double> b(3 * 4), c(2 * 4), c5(2 * 5);
    const matrix_view<const double> B(b.data(), 3, 4);
    CHECK_THROWS_WITH_AS(spmm(1.0, A, B, 0.0, matrix_view<double>(c5.data(), 2, 5)), "spmm: C (columns) has 5, expected 4", dimension_error);
    CHECK_THROWS_WITH_AS(spmm(op::transpose, 1.0, A, B, 0.0, matrix_view<double>(c.data(), 2, 4)), "spmm: B (rows) has 3, expected 2", dimension_error);
    CHECK_THROWS_AS(spmm(1.0, A, matrix_view<const double>(b.data(), 3, 2), 0.0, matrix_view<double>(b.data() + 4, 2, 2)), invalid_argument_error);
    CHECK_THROWS_AS(plan_spmm(A, pe_grid{2, 2}).execute(1.0, B, 0.0, matrix_view<double>(c5.data(), 2, 5)), dimension_error);
}
