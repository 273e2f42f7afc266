// The wafer model's structured operators and solver iterations, estimated without building matrices.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include <waferblas/waferblas.hpp>

using namespace waferblas;
using namespace waferblas::model;

TEST_CASE("a 5.5e8-unknown 7-point stencil is estimated analytically, one PE per (x,y) column") {
    const structured_problem p{stencil::star7_3d, 750, 994, 740};
    CHECK(p.unknowns() == 551670000.0);
    const report r = estimate(p, wse2());
    CHECK(r.grid_rows == 994);
    CHECK(r.grid_cols == 750);
    // nnz = N + 2 [(nx-1) ny nz + nx (ny-1) nz + nx ny (nz-1)]
    const double nnz = 551670000.0 + 2 * (749.0 * 994 * 740 + 750.0 * 993 * 740 + 750.0 * 994 * 739);
    CHECK(r.nnz == nnz);
    CHECK(r.flops == 2 * nnz);
    // An interior PE: 5 tasks of 740 (centre, 4 neighbour columns) + 2 of 739 (z +-1), 5 cycles each to start.
    CHECK(r.max_compute_cycles == 7 * 5 + 5 * 740 + 2 * 739);
    // Its halo: 4 columns of 740 words, one hop: C = 2960 dominates; one step of 2T_R + 1.
    CHECK(r.comm.point_to_point_cycles == doctest::Approx(2960 + 5).epsilon(0.001));
    CHECK(r.cycles == r.max_compute_cycles); // the halo hides behind compute
    CHECK(r.bound == bound_kind::compute);
    CHECK(r.fits);
    CHECK(r.max_pe_memory_bytes == (7 * 740 - 0) * 4 + 2 * 740 * 4 - 2 * 4); // interior: 7x740 - 2 coefficients, x, y
    CHECK(r.dense_cycles >= r.cycles);
    CHECK_FALSE(r.dense_fits);
}

TEST_CASE("27-point and 25-point stencils, 2D 5-point and banded operators count their nonzeros exactly") {
    const machine m = wse2();
    {
        const auto r = estimate(structured_problem{stencil::box27_3d, 20, 30, 40}, m);
        CHECK(r.nnz == (3.0 * 20 - 2) * (3.0 * 30 - 2) * (3.0 * 40 - 2));
        CHECK(r.grid_rows == 30);
        CHECK(r.grid_cols == 20);
    }
    {
        // Radius-4 star: along an axis of n points, sum over offsets 1..4 of 2(n - d).
        const auto pairs = [](double n) { return 2 * ((n - 1) + (n - 2) + (n - 3) + (n - 4)); };
        const double nx = 20, ny = 30, nz = 40;
        const auto r = estimate(structured_problem{stencil::star25_3d, 20, 30, 40}, m);
        CHECK(r.nnz == nx * ny * nz + pairs(nx) * ny * nz + pairs(ny) * nx * nz + pairs(nz) * nx * ny);
    }
    {
        // 2D tiles: 5000 x 3000 points on 750 x 994 PEs (7 x 4 tiles).
        const auto r = estimate(structured_problem{stencil::star5_2d, 5000, 3000}, m);
        CHECK(r.nnz == 5000.0 * 3000 + 2 * (4999.0 * 3000 + 5000.0 * 2999));
        CHECK(r.grid_cols == 750);
        CHECK(r.dense_cycles >= r.cycles);
    }
    {
        structured_problem b{stencil::banded, 100000};
        b.bandwidth = 3;
        const auto r = estimate(b, m);
        CHECK(r.nnz == 7.0 * 100000 - 2 * (1 + 2 + 3));
        CHECK(r.dense_cycles >= r.cycles);
        b.bandwidth = 100000;
        CHECK_THROWS_AS((void)estimate(b, m), invalid_argument_error);
    }
    CHECK_THROWS_AS((void)estimate(structured_problem{stencil::star7_3d, 0, 5, 5}, m), invalid_argument_error);
    structured_problem too_big{stencil::star7_3d, 100, 100, 10};
    too_big.grid_rows = 2000, too_big.grid_cols = 10;
    CHECK_THROWS_AS((void)estimate(too_big, m), capacity_error);
}

TEST_CASE("a structured problem too deep for SRAM is reported, with the PE") {
    const auto r = estimate(structured_problem{stencil::star7_3d, 100, 100, 2000}, wse2());
    CHECK_FALSE(r.fits);
    CHECK(r.bound == bound_kind::capacity);
    CHECK(r.capacity_message.find("PE (") != std::string::npos);
}

TEST_CASE("fp16 stencils on WSE-3 wait on the memory ports") {
    structured_problem p{stencil::star7_3d, 100, 100, 400};
    p.type = dtype::fp16;
    const auto r = estimate(p, wse3());
    CHECK(r.memory_port_bound);
    CHECK(r.bound == bound_kind::memory_port);
    p.type = dtype::fp32;
    CHECK(estimate(p, wse3()).bound == bound_kind::compute);
}

TEST_CASE("CG and BiCGStab iterations: SpMVs, dots and AXPYs per iteration") {
    CHECK(cg_counts.spmvs == 1);
    CHECK(cg_counts.dots == 2);
    CHECK(cg_counts.axpys == 3);
    CHECK(bicgstab_counts.spmvs == 2);
    CHECK(bicgstab_counts.dots == 5);
    CHECK(bicgstab_counts.axpys == 6);
    const machine m = wse2();
    const structured_problem p{stencil::star7_3d, 750, 994, 400};
    solver_options o;
    o.iterations = 10;
    const auto cg = estimate_cg(p, m, o);
    const auto bi = estimate_bicgstab(p, m, o);
    CHECK(cg.cycles_per_iteration == doctest::Approx(cg.spmv.cycles + 2 * cg.dot.cycles + 3 * cg.axpy_cycles));
    CHECK(bi.cycles_per_iteration == doctest::Approx(2 * bi.spmv.cycles + 5 * bi.dot.cycles + 6 * bi.axpy_cycles));
    CHECK(cg.cycles == doctest::Approx(10 * cg.cycles_per_iteration));
    CHECK(cg.axpy_cycles == 5 + 400);
    // A dot: the local part, then a whole-grid scalar all-reduce.
    CHECK(cg.dot.local_cycles == 5 + 400);
    CHECK(cg.dot.allreduce_cycles == allreduce_2d_cycles(1, 994, 750, m));
    CHECK(cg.fits);
    CHECK(cg.max_pe_memory_bytes == cg.spmv.max_pe_memory_bytes + 2 * 400 * 4);
    CHECK(bi.max_pe_memory_bytes == bi.spmv.max_pe_memory_bytes + 5 * 400 * 4);
    // The residual's host round trip every iteration.
    o.residual_to_host = true;
    const auto cgh = estimate_cg(p, m, o);
    const double host = (4 / 150e9 + 10e-6) * 0.85e9;
    CHECK(cgh.host_cycles == doctest::Approx(host));
    CHECK(cgh.cycles_per_iteration == doctest::Approx(cg.cycles_per_iteration + host));
    CHECK(cgh.bound == bound_kind::host_io);
    // 900 points deep: CG's four vectors fit, BiCGStab's seven do not.
    CHECK(estimate_cg(structured_problem{stencil::star7_3d, 100, 100, 900}, m).fits);
    const auto deep = estimate_bicgstab(structured_problem{stencil::star7_3d, 100, 100, 900}, m);
    CHECK_FALSE(deep.fits);
    CHECK(deep.bound == bound_kind::capacity);
}

TEST_CASE("solvers on a general plan and a distributed dot") {
    const auto A = generators::poisson3d<float>(16, 16, 16);
    const auto plan = plan_spmv(A, pe_grid{8, 8}, placement::row_blocks);
    const auto cg = estimate_cg(plan, wse2());
    CHECK(cg.spmv.op == "spmv");
    CHECK(cg.cycles_per_iteration == doctest::Approx(cg.spmv.cycles + 2 * cg.dot.cycles + 3 * cg.axpy_cycles));
    CHECK(cg.flops == doctest::Approx(cg.spmv.flops + 5 * 2 * 4096.0));
    const auto bi = estimate_bicgstab(plan, wse2());
    CHECK(bi.cycles > cg.cycles);
    const auto d = estimate_dot(4096, pe_grid{8, 8}, dtype::fp32, wse2());
    CHECK(d.local_cycles == 5 + 64);
    CHECK(d.allreduce_cycles == allreduce_2d_cycles(1, 8, 8, wse2()));
    CHECK(d.cycles == d.local_cycles + d.allreduce_cycles);
    CHECK_THROWS_WITH_AS((void)estimate_dot(std::nan(""), pe_grid{8, 8}, dtype::fp32, wse2()),
                         "estimate_dot: the vector length must be finite and >= 0 (is nan)", invalid_argument_error);
    CHECK_THROWS_AS((void)estimate_dot(-1, pe_grid{8, 8}, dtype::fp32, wse2()), invalid_argument_error);
    CHECK_THROWS_AS((void)estimate_dot(HUGE_VAL, pe_grid{8, 8}, dtype::fp32, wse2()), invalid_argument_error);
    const auto rect = generators::random_sparse<float>(10, 20, 0.2, 1);
    CHECK_THROWS_AS((void)estimate_cg(plan_spmv(rect, pe_grid{2, 2}), wse2()), dimension_error);
}

TEST_CASE("extents whose product passes 2^64 saturate instead of wrapping (and are reported as not fitting)") {
    constexpr std::size_t big = 4'000'000'000, top = std::numeric_limits<std::size_t>::max();
    const structured_problem p{stencil::star7_3d, big, big, big}; // 6.4e28 unknowns
    const report r = estimate(p, wse2());
    CHECK(r.rows == top);
    CHECK(r.max_pe_memory_bytes == top);
    CHECK_FALSE(r.fits);
    CHECK(r.bound == bound_kind::capacity);
    CHECK(std::isfinite(r.cycles));
    CHECK(r.cycles > 0);
    CHECK(r.fraction_of_peak <= 1.0);
    estimate_options o;
    o.reserved_sram_bytes_per_pe = top; // a huge reservation must not wrap round to "fits" either
    CHECK_FALSE(estimate(structured_problem{stencil::star7_3d, 10, 10, 10}, wse2(), o).fits);
    solver_options so;
    so.estimate = o;
    const auto cg = estimate_cg(structured_problem{stencil::star7_3d, 10, 10, 10}, wse2(), so);
    CHECK(cg.max_pe_memory_bytes == top);
    CHECK_FALSE(cg.fits);
    CHECK(model::detail::saturating_size(-1.0) == 0);
    CHECK(model::detail::saturating_size(std::nan("")) == 0);
    CHECK(model::detail::saturating_size(1e30) == top);
    CHECK(model::detail::saturating_size(12.9) == 12);
}

TEST_CASE("extents the model cannot index and half-named grids are refused, not wrapped or ignored") {
    constexpr std::size_t top = std::numeric_limits<std::size_t>::max();
    // nx = 2^64 - 1 rounded up to whole PEs wrapped to 0: no nonzeros, 0 cycles, "fits".
    CHECK_THROWS_WITH_AS((void)estimate(structured_problem{stencil::star7_3d, top, 1, 1}, wse2()),
                         ("structured problem star7_3d(" + std::to_string(top) + "x1x1): nx = " + std::to_string(top) +
                          " exceeds 2^62, the largest extent the model indexes")
                             .c_str(),
                         overflow_error);
    CHECK_THROWS_AS((void)estimate(structured_problem{stencil::star5_2d, 10, std::size_t{1} << 63}, wse2()), overflow_error);
    CHECK_THROWS_AS((void)estimate(structured_problem{stencil::banded, top, 1, 1, 2}, wse2()), overflow_error);
    CHECK_NOTHROW((void)estimate(structured_problem{stencil::star7_3d, std::size_t{1} << 62, 1, 1}, wse2()));
    structured_problem half{stencil::star7_3d, 64, 64, 64};
    half.grid_rows = 2;
    CHECK_THROWS_WITH_AS((void)estimate(half, wse2()),
                         "structured problem star7_3d(64x64x64): grid_rows = 2 but grid_cols = 0; give both, or neither to let the "
                         "model choose",
                         invalid_argument_error);
    half.grid_cols = 2;
    CHECK(estimate(half, wse2()).grid_cols == 2);
}

TEST_CASE("an empty operator on one PE costs nothing and yields no NaN") {
    const auto A = to_csr(coo_matrix<float>(0, 0));
    for (auto pl : {placement::checkerboard, placement::row_blocks}) {
        const auto r = estimate(plan_spmv(A, pe_grid{1, 1}, pl), wse2());
        CHECK(r.cycles == 0);
        CHECK(r.fraction_of_peak == 0);
        CHECK(r.fits);
        const auto cg = estimate_cg(plan_spmv(A, pe_grid{1, 1}, pl), wse2());
        CHECK(cg.cycles_per_iteration == 0);
        CHECK(cg.fraction_of_peak == 0);
        CHECK(cg.bound_reason.find("take 0% of an iteration") != std::string::npos); // was 0/0 cast to an integer
    }
}
