// The wafer model's estimate of lowered plans: scaling laws, zero blocks, capacity, output.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include <waferblas/waferblas.hpp>

using namespace waferblas;
using namespace waferblas::model;

namespace {

/// n = 2b rows; every row has k nonzeros in each of the two column blocks, at local columns
/// (i + s) mod b, s < k. On a 2x2 checkerboard every PE gets b segments of k nonzeros.
csr_matrix<float> uniform_blocks(int b, int k) {
    coo_matrix<float> t(2 * b, 2 * b);
    for (int i = 0; i < 2 * b; ++i)
        for (int c = 0; c < 2; ++c)
            for (int s = 0; s < k; ++s) t.add(i, c * b + (i + s) % b, 1.0f);
    return to_csr(t);
}

/// 8x8 with two dense 4x4 diagonal blocks: blocks (0,1) and (1,0) of a 2x2 grid are all zero.
csr_matrix<double> block_diagonal() {
    coo_matrix<double> t(8, 8);
    for (int b = 0; b < 2; ++b)
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) t.add(4 * b + i, 4 * b + j, 1.0);
    return to_csr(t);
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("dense column counts whose byte and flop counts would pass 2^64 are refused, not wrapped round to 'fits'") {
    const auto A = uniform_blocks(8, 2);
    for (const auto pl : {placement::checkerboard, placement::row_blocks}) {
        const auto plan = plan_spmm(A, pe_grid{2, 2}, pl);
        // 2^62 columns: the counts wrapped to a few hundred bytes and the problem "fit".
        CHECK_THROWS_WITH_AS((void)estimate(plan, wse2(), std::size_t{1} << 62),
                             "compute_statistics: 4611686018427387904 dense columns of a 16x16 operator with 64 nonzeros on 2x2 PEs: "
                             "its byte, word and flop counts would overflow 64 bits",
                             overflow_error);
        const auto r = estimate(plan, wse2(), std::size_t{1} << 40); // counted exactly: far beyond SRAM
        CHECK_FALSE(r.fits);
        CHECK(r.max_pe_memory_bytes > (std::size_t{1} << 40));
        CHECK(r.flops == doctest::Approx(2.0 * 64 * std::ldexp(1.0, 40)));
    }
}

TEST_CASE("doubling the nonzeros per PE doubles compute cycles") {
    const auto A = uniform_blocks(32, 4), A2 = uniform_blocks(32, 8);
    const pe_grid g{2, 2};
    // SpMM: one AXPY task per nonzero, so the start cost doubles with the work: exact.
    const auto m1 = estimate(plan_spmm(A, g, placement::checkerboard), wse2(), 8);
    const auto m2 = estimate(plan_spmm(A2, g, placement::checkerboard), wse2(), 8);
    for (std::size_t p = 0; p < 4; ++p) {
        CHECK(m1.pe_compute_cycles[p] == 32 * 4 * (5 + 8));
        CHECK(m2.pe_compute_cycles[p] == 2 * m1.pe_compute_cycles[p]);
    }
    // SpMV: one task per row segment (32 per PE either way). Without start cost: exact doubling;
    // with it, the difference is exactly the added FMACs.
    machine no_start = wse2();
    no_start.task_start_cycles = 0;
    const auto v1 = estimate(plan_spmv(A, g, placement::checkerboard), no_start);
    const auto v2 = estimate(plan_spmv(A2, g, placement::checkerboard), no_start);
    const auto w1 = estimate(plan_spmv(A, g, placement::checkerboard), wse2());
    const auto w2 = estimate(plan_spmv(A2, g, placement::checkerboard), wse2());
    for (std::size_t p = 0; p < 4; ++p) {
        CHECK(v2.pe_compute_cycles[p] == 2 * v1.pe_compute_cycles[p]);
        CHECK(w1.pe_compute_cycles[p] == 32 * 5 + 32 * 4);
        CHECK(w2.pe_compute_cycles[p] - w1.pe_compute_cycles[p] == 32 * 4);
    }
    CHECK(v2.max_compute_cycles == 2 * v1.max_compute_cycles);
}

TEST_CASE("an all-zero block costs nothing") {
    const auto A = block_diagonal();
    const auto r = estimate(plan_spmv(A, pe_grid{2, 2}, placement::checkerboard), wse2());
    // PE (1,0) holds the zero block (1,0) and owns nothing: no work, no memory, no traffic.
    CHECK(r.pe_compute_cycles[2] == 0);
    CHECK(r.pe_memory_bytes[2] == 0);
    CHECK(r.pe_traffic_words[2] == 0);
    // PE (0,1) holds the zero block (0,1): no work (it only owns x and y segments).
    CHECK(r.pe_compute_cycles[1] == 0);
    // 4 segments of 4 fp64 FMACs at the emulated 1/8 per cycle.
    CHECK(r.pe_compute_cycles[0] == 4 * 5 + 16 * 8);
    CHECK(r.pe_compute_cycles[3] == 4 * 5 + 16 * 8);
    // The only block below PE row 0 holding work is (1,1): its 4 x entries (2 words each) are
    // multicast down PE column 1; column 0 multicasts nothing.
    CHECK(r.comm.multicast_words == 4 * 2);
    CHECK(r.flops == 2 * 32);
}

TEST_CASE("a problem that does not fit SRAM is reported with the PE and the bytes") {
    const auto A = generators::poisson2d<double>(64, 64); // ~20k nonzeros x 12 B on one PE
    const auto r = estimate(plan_spmv(A, pe_grid{1, 1}, placement::row_blocks), wse2());
    CHECK_FALSE(r.fits);
    CHECK(r.bound == bound_kind::capacity);
    CHECK(r.max_pe_memory_bytes > wse2().sram_bytes_per_pe);
    CHECK(r.capacity_message.find("PE (0,0)") != std::string::npos);
    CHECK(r.capacity_message.find(std::to_string(r.max_pe_memory_bytes)) != std::string::npos);
    CHECK(r.capacity_message.find(std::to_string(r.max_pe_memory_bytes - 49152)) != std::string::npos);
    CHECK(to_text(r).find("DOES NOT FIT") != std::string::npos);
    // Spread over 64 PEs it fits.
    CHECK(estimate(plan_spmv(A, pe_grid{8, 8}, placement::row_blocks), wse2()).fits);
    // Reserved space per PE counts against SRAM.
    estimate_options o;
    o.reserved_sram_bytes_per_pe = 49152;
    CHECK_FALSE(estimate(plan_spmv(A, pe_grid{8, 8}, placement::row_blocks), wse2(), o).fits);
}

TEST_CASE("a grid larger than the fabric is an error naming both sizes") {
    const auto A = generators::poisson2d<float>(40, 40);
    const auto plan = plan_spmv(A, pe_grid{1000, 2}, placement::row_blocks);
    try {
        (void)estimate(plan, wse2());
        FAIL("expected capacity_error");
    } catch (const capacity_error& e) {
        const std::string what = e.what();
        CHECK(what.find("1000") != std::string::npos);
        CHECK(what.find("994") != std::string::npos);
    }
}

TEST_CASE("estimates for every placement on several grids are consistent") {
    const auto A = generators::poisson3d<float>(12, 12, 12);
    for (auto pl : {placement::row_blocks, placement::checkerboard})
        for (const pe_grid& g : {pe_grid{1, 1}, pe_grid{2, 3}, pe_grid{4, 4}, pe_grid{8, 8}, pe_grid{16, 16}})
            for (std::size_t width : {std::size_t{1}, std::size_t{4}}) {
                CAPTURE(to_string(pl));
                CAPTURE(to_string(g));
                CAPTURE(width);
                const report r = width == 1 ? estimate(plan_spmv(A, g, pl), wse2())
                                            : estimate(plan_spmm(A, g, pl), wse2(), width);
                CHECK(r.pe_compute_cycles.size() == g.size());
                CHECK(r.cycles >= r.max_compute_cycles);
                CHECK(r.max_compute_cycles > 0);
                CHECK(std::isfinite(r.cycles));
                CHECK(r.seconds == doctest::Approx(r.cycles / 0.85e9));
                CHECK(r.flops == 2.0 * static_cast<double>(A.nnz()) * static_cast<double>(width));
                CHECK(r.fraction_of_peak > 0);
                CHECK(r.fraction_of_peak <= r.grid_fraction_of_peak);
                CHECK(r.grid_fraction_of_peak <= 1.0);
                CHECK(r.dense_cycles >= r.cycles);
                CHECK(r.sparsity_speedup >= 1.0);
                CHECK(r.busiest.size() == std::min<std::size_t>(8, g.size()));
                CHECK(r.busiest.front().compute_cycles == r.max_compute_cycles);
                CHECK(std::is_sorted(r.busiest.begin(), r.busiest.end(),
                                     [](const pe_load& a, const pe_load& b) { return a.compute_cycles > b.compute_cycles; }));
                if (g.size() > 1) CHECK(r.comm.point_to_point_cycles + r.comm.multicast_cycles > 0);
            }
}

TEST_CASE("the machine's clock and type change seconds and rates, not the cycles of fp32 work") {
    const auto A = generators::poisson2d<float>(30, 30);
    const auto plan = plan_spmv(A, pe_grid{4, 4}, placement::checkerboard);
    const auto slow = estimate(plan, wse2()), fast = estimate(plan, wse2(wse2_clock::hot_chips_1_1ghz));
    CHECK(slow.cycles == fast.cycles);
    CHECK(fast.seconds == doctest::Approx(slow.seconds * 0.85 / 1.1));
    // Complex doubles: 8 flops per FMAC at fp64/4 the rate.
    const auto Ad = generators::poisson2d<std::complex<double>>(10, 10);
    const auto rc = estimate(plan_spmv(Ad, pe_grid{2, 2}, placement::row_blocks), wse2());
    CHECK(rc.type == dtype::complex_fp64);
    CHECK(rc.flops == 8.0 * static_cast<double>(Ad.nnz()));
    CHECK(rc.max_compute_cycles > 32 * static_cast<double>(Ad.nnz()) / 4 / 2); // >= 32 cycles per complex FMAC, /P, /2 for slack
    machine no_fp64 = wse2();
    no_fp64.fmac_per_cycle_fp64 = 0;
    CHECK_THROWS_AS((void)estimate(plan_spmv(Ad, pe_grid{2, 2}, placement::row_blocks), no_fp64), invalid_argument_error);
}

TEST_CASE("host I/O is added in series and can become the bound") {
    const auto A = generators::poisson2d<float>(30, 30);
    const auto plan = plan_spmv(A, pe_grid{4, 4}, placement::row_blocks);
    estimate_options o;
    o.include_host_io = true;
    const auto base = estimate(plan, wse2()), with = estimate(plan, wse2(), o);
    const double host = (2.0 * 900 * 4 / 150e9 + 10e-6) * 0.85e9;
    CHECK(with.host_io_cycles == doctest::Approx(host));
    CHECK(with.cycles == doctest::Approx(base.cycles + host));
    CHECK(with.bound == bound_kind::host_io);
}

TEST_CASE("text and SVG output") {
    const auto A = generators::poisson2d<float>(20, 20);
    const auto r = estimate(plan_spmv(A, pe_grid{3, 5}, placement::checkerboard), wse3());
    const std::string text = to_text(r);
    CHECK(text.find("wse3") != std::string::npos);
    CHECK(text.find("bound") != std::string::npos);
    for (metric k : {metric::work, metric::memory, metric::traffic}) {
        const std::string svg = heat_map_svg(r, k);
        CHECK(svg.rfind("<?xml", 0) == 0);
        CHECK(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
        CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
        CHECK(count(svg, "<g") == count(svg, "</g>"));
        CHECK(count(svg, "<title>") == count(svg, "</title>"));
        const auto cells = svg.substr(svg.find("<g id=\"cells\""), svg.find("<g id=\"legend\"") - svg.find("<g id=\"cells\""));
        CHECK(count(cells, "<rect") == 15);    // one per PE
        CHECK(svg.find(to_string(k)) != std::string::npos);
    }
    // A large grid is aggregated into at most max_cells_per_side^2 cells.
    const auto big = estimate(structured_problem{stencil::star5_2d, 600, 300}, wse2());
    CHECK(big.grid_rows == 300);
    CHECK(big.grid_cols == 600);
    const std::string svg = heat_map_svg(big, metric::work, 100);
    const auto cells = svg.substr(svg.find("<g id=\"cells\""), svg.find("<g id=\"legend\"") - svg.find("<g id=\"cells\""));
    CHECK(count(cells, "<rect") == 100 * 100); // 3x6-PE blocks
    CHECK(svg.find("max over 3x6 PE blocks") != std::string::npos);
}
