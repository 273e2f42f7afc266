// The section-3 communication model (Luczynski et al., HPDC'24): closed forms, patterns, choices.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include <waferblas/model.hpp>

using namespace waferblas::model;

TEST_CASE("the runtime formula is max(C, E/N + L) + (2 T_R + 1) D") {
    CHECK(cycles(pattern{100, 10, 3, 50, 20}, 2) == std::max(50.0, 100.0 / 20 + 10) + 5 * 3);
    CHECK(cycles(pattern{100, 10, 3, 50, 2}, 2) == 50 + 10 + 15);
    CHECK(cycles(pattern{}, 2) == 0);
    CHECK(latency_part(pattern{100, 10, 3, 50, 2}, 2) == 10 + 15);
}

TEST_CASE("closed forms reproduce the facts file exactly") {
    const double T_R = 2;
    CHECK(star_reduce(4, 8, T_R) == 4 * 7 + 2 * T_R + 1);                                 // B(P-1) + 2T_R + 1
    CHECK(chain_reduce(4, 8, T_R) == 4 + (2 * T_R + 2) * 7);                              // B + (2T_R + 2)(P-1)
    CHECK(broadcast(4, 8, T_R) == 4 + 8 + 2 * T_R);                                       // B + P + 2T_R
    CHECK(broadcast_2d(4, 3, 5, T_R) == 4 + 3 + 5 - 2 + 2 * T_R + 1);                     // B + M + N - 2 + 2T_R + 1
    CHECK(ring_allreduce(4, 8, T_R) == doctest::Approx(2.0 * 7 * 4 / 8 + 4 * 8 - 6 + 2 * 7 * (2 * T_R + 1)));
    CHECK(reduce_2d_lower_bound(4, 64, 8, 8, T_R) == 4.0 * 64 / 8 + 8 + 8 - 1 + 2 * T_R + 1);
    CHECK(reduce_2d_lower_bound(100, 1, 1, 1, 0) == 100);                                  // the max(B, ...)
    // Tree: depth log2 P, contention B log2 P (P a power of two).
    for (std::size_t P : {2u, 4u, 16u, 256u}) {
        const double lg = std::log2(static_cast<double>(P));
        const pattern t = tree_reduce_pattern(3, P);
        CHECK(t.depth == lg);
        CHECK(t.contention == 3 * lg);
        CHECK(t.energy == 3 * static_cast<double>(P) * lg / 2);
        CHECK(tree_reduce(3, P, T_R) == cycles(t, T_R));
    }
    // Two-phase: depth 2 sqrt(P) - 2, contention 2B (P a perfect square).
    for (std::size_t P : {4u, 16u, 64u, 900u}) {
        const pattern t = two_phase_reduce_pattern(5, P);
        CHECK(t.depth == 2 * std::sqrt(static_cast<double>(P)) - 2);
        CHECK(t.contention == 10);
        CHECK(two_phase_reduce(5, P, T_R) == cycles(t, T_R));
    }
    // One PE communicates nothing.
    CHECK(star_reduce(4, 1, T_R) == 0);
    CHECK(chain_reduce(4, 1, T_R) == 0);
    CHECK(broadcast_2d(4, 1, 1, T_R) == 0);
    CHECK(ring_allreduce(4, 1, T_R) == 0);
}

TEST_CASE("the patterns behind the closed forms give the same cycles through the general formula") {
    for (double B : {1.0, 3.0, 16.0, 1000.0})
        for (std::size_t P : {2u, 4u, 7u, 64u, 750u}) {
            CAPTURE(B);
            CAPTURE(P);
            CHECK(cycles(chain_reduce_pattern(B, P), 2) == doctest::Approx(chain_reduce(B, P, 2)));
            CHECK(cycles(broadcast_pattern(B, P), 2) == doctest::Approx(broadcast(B, P, 2)));
            CHECK(cycles(broadcast_2d_pattern(B, P, 5), 2) == doctest::Approx(broadcast_2d(B, P, 5, 2)));
            // The star's closed form is its contention term: equal once C >= E/N + L (B >= 3, P >= 4),
            // below the general formula otherwise.
            if (B >= 3 && P >= 4) CHECK(cycles(star_reduce_pattern(B, P), 2) == doctest::Approx(star_reduce(B, P, 2)));
            else CHECK(cycles(star_reduce_pattern(B, P), 2) >= star_reduce(B, P, 2));
        }
}

TEST_CASE("centre-rooted patterns: two end-rooted halves sharing the centre PE") {
    const double T_R = 2;
    // P = 2^(k+1) - 1: the centre c = 2^k - 1 splits the row into two halves of 2^k PEs each.
    for (std::size_t k : {1u, 2u, 4u, 8u}) {
        const std::size_t half = std::size_t{1} << k, P = 2 * half - 1;
        const double kd = static_cast<double>(k), hd = static_cast<double>(half);
        CAPTURE(P);
        CHECK(centre_index(P) == half - 1);
        const pattern t = tree_reduce_centre_pattern(3, P);
        CHECK(t.depth == kd);                              // log2 of a half, not of the row
        CHECK(t.contention == 2 * 3 * kd);                 // the root receives B per level from each side
        CHECK(t.energy == 2 * 3 * hd * kd / 2);            // two halves of B n log2(n) / 2
        CHECK(t.distance == hd - 1);                       // (P-1)/2
        CHECK(t.links == static_cast<double>(P - 1));
        const pattern s = star_reduce_centre_pattern(3, P);
        CHECK(s.contention == 3.0 * static_cast<double>(P - 1)); // one ramp: the star's C is not split
        CHECK(s.distance == hd - 1);
        CHECK(s.depth == 1);
        const pattern c = chain_reduce_centre_pattern(3, P);
        CHECK(c.contention == 6);
        CHECK(c.depth == hd - 1);
        CHECK(c.distance == hd - 1);
        CHECK(c.energy == 3.0 * static_cast<double>(P - 1));
        CHECK(cycles(c, T_R) == std::max(6.0, 3.0 + (hd - 1)) + (2 * T_R + 1) * (hd - 1));
    }
    // Two-phase per half: C = 2B per half, 4B at the root.
    CHECK(two_phase_reduce_centre_pattern(5, 199).contention == 20);
    CHECK(two_phase_reduce_centre_pattern(5, 199).distance == 99);
    // Even P: the centre is floor((P-1)/2), the farther end ceil((P-1)/2) hops away.
    CHECK(centre_index(750) == 374);
    CHECK(eccentricity(374, 750) == 375);
    CHECK(tree_reduce_centre_pattern(1, 750).distance == 375);
    // Two PEs: the centre is PE 0, the centre-rooted pattern is the end-rooted one.
    for (double B : {1.0, 7.0}) {
        CHECK(cycles(star_reduce_centre_pattern(B, 2), T_R) == cycles(star_reduce_pattern(B, 2), T_R));
        CHECK(cycles(chain_reduce_centre_pattern(B, 2), T_R) == cycles(chain_reduce_pattern(B, 2), T_R));
        CHECK(cycles(tree_reduce_centre_pattern(B, 2), T_R) == cycles(tree_reduce_pattern(B, 2), T_R));
        CHECK(cycles(two_phase_reduce_centre_pattern(B, 2), T_R) == cycles(two_phase_reduce_pattern(B, 2), T_R));
    }
    CHECK(cycles(tree_reduce_centre_pattern(4, 1), T_R) == 0);
    // Broadcasts from any PE: from PE 0 / the corner they are the facts file's closed forms.
    for (double B : {1.0, 16.0})
        for (std::size_t P : {2u, 7u, 750u}) {
            CHECK(cycles(broadcast_pattern(B, P, 0), T_R) == doctest::Approx(broadcast(B, P, T_R)));
            CHECK(broadcast_2d_from(B, P, 5, 0, 0, T_R) == doctest::Approx(broadcast_2d(B, P, 5, T_R)));
        }
    CHECK(broadcast_pattern(1, 9, 4).distance == 4);
    CHECK(broadcast_2d_pattern(1, 994, 750, 496, 374).distance == 497 + 375); // (M-1)/2 + (N-1)/2, rounded up
    CHECK(broadcast_2d_from(1, 994, 750, 496, 374, T_R) == 1 + 872 + 2 * T_R + 1);
}

TEST_CASE("ceil_log2 is exact up to the top of the word") {
    using waferblas::model::detail::ceil_log2;
    CHECK(ceil_log2(0) == 0);
    CHECK(ceil_log2(1) == 0);
    CHECK(ceil_log2(2) == 1);
    CHECK(ceil_log2(3) == 2);
    CHECK(ceil_log2(1024) == 10);
    CHECK(ceil_log2(1025) == 11);
    CHECK(ceil_log2((std::size_t{1} << 63) + 1) == 64); // a doubling loop never ended here
    CHECK(ceil_log2(std::numeric_limits<std::size_t>::max()) == 64);
}

TEST_CASE("best_reduce picks the cheapest algorithm and root for the vector length and PE count") {
    const machine m = wse2();
    for (double B : {1.0, 4.0, 64.0, 4096.0})
        for (std::size_t P : {2u, 16u, 100u, 750u}) {
            CAPTURE(B);
            CAPTURE(P);
            const auto c = best_reduce(B, P, m);
            const auto e = best_reduce(B, P, m, root_policy::end_only);
            double lowest = 1e300, lowest_end = 1e300;
            for (auto a : {reduce_algorithm::star, reduce_algorithm::chain, reduce_algorithm::tree,
                           reduce_algorithm::two_phase, reduce_algorithm::ring}) {
                lowest_end = std::min(lowest_end, reduce_cycles(a, B, P, m));
                lowest = std::min({lowest, reduce_cycles(a, B, P, m), reduce_cycles(a, B, P, m, root_position::centre)});
            }
            CHECK(c.cycles == lowest);
            CHECK(e.cycles == lowest_end);
            CHECK(c.cycles <= e.cycles);
            CHECK(reduce_cycles(c.algorithm, B, P, m, c.root) == c.cycles);
            CHECK(e.root != root_position::centre);
            CHECK((c.root == root_position::everywhere) == (c.algorithm == reduce_algorithm::ring));
            // Nothing travels faster than one hop per cycle: the root is at least ceil((P-1)/2) away.
            CHECK(c.cycles >= static_cast<double>(eccentricity(centre_index(P), P)));
        }
    // Rooted at the end (the facts file's forms): the star's single dependent step wins for
    // scalars; long vectors over few PEs: the chain; short vectors over many PEs: the tree.
    CHECK(best_reduce(1, 750, m, root_policy::end_only).algorithm == reduce_algorithm::star);
    CHECK(best_reduce(1, 750, m, root_policy::end_only).cycles == 749 + 5);
    CHECK(best_reduce(4096, 4, m, root_policy::end_only).algorithm == reduce_algorithm::chain);
    CHECK(best_reduce(16, 256, m, root_policy::end_only).algorithm == reduce_algorithm::tree);
    CHECK(best_reduce(1024, 256, m, root_policy::end_only).algorithm == reduce_algorithm::two_phase);
    // Any root: a scalar over a 750-PE row is a tree to the centre, about P/2 + (2T_R+1) log2(P/2).
    const auto s = best_reduce(1, 750, m);
    CHECK(s.algorithm == reduce_algorithm::tree);
    CHECK(s.algorithm != reduce_algorithm::chain);
    CHECK(s.root == root_position::centre);
    CHECK(s.cycles == doctest::Approx(375 + 3415.0 / 749 + 5 * 9));
    // Long vectors: bandwidth-lean algorithms (chain / two-phase / ring), never star or tree.
    const auto l = best_reduce(4096, 64, m);
    CHECK(l.algorithm != reduce_algorithm::star);
    CHECK(l.algorithm != reduce_algorithm::tree);
    CHECK(l.algorithm == reduce_algorithm::chain);
    CHECK(l.cycles == chain_reduce(4096, 64, m.ramp_latency_cycles)); // 4096 + 6 x 63 = 4474
    CHECK(best_reduce(4096, 4, m).algorithm == reduce_algorithm::chain);
    CHECK(best_reduce(1024, 256, m).algorithm == reduce_algorithm::two_phase);
}

TEST_CASE("a whole-wafer scalar all-reduce is within 10% above the fabric diameter (SC20)") {
    // SC20 [S1]: a whole-wafer scalar all-reduce in "a cycle count only about 10% greater than the
    // diameter of the system". Rows reduce to their centre PE with two binomial trees, the centre
    // column does the same, and the result is multicast from the centre PE (docs/model.md, "All-
    // reduce and the SC20 claim").
    const machine m = wse2();
    const double diameter = static_cast<double>(m.diameter_hops());
    REQUIRE(diameter == 1742);
    const auto c = allreduce_2d(1, m.fabric_height, m.fabric_width, m);
    CHECK(c.row.algorithm == reduce_algorithm::tree);
    CHECK(c.row.root == root_position::centre);
    CHECK(c.column.algorithm == reduce_algorithm::tree);
    CHECK(c.column.root == root_position::centre);
    CHECK(c.root_row == 496);
    CHECK(c.root_col == 374);
    // Row (750 PEs): L = 375, D = 9, E = 3415, N = 749. Column (994): L = 497, D = 9, E = 4545, N = 993.
    CHECK(c.row.cycles == doctest::Approx(375 + 3415.0 / 749 + 5 * 9));
    CHECK(c.column.cycles == doctest::Approx(497 + 4545.0 / 993 + 5 * 9));
    CHECK(c.broadcast == 1 + (497 + 375) + 5);
    CHECK(c.cycles == doctest::Approx(c.row.cycles + c.column.cycles + c.broadcast));
    CHECK(c.cycles == doctest::Approx(1849.14).epsilon(1e-5));
    CHECK(c.cycles >= diameter);        // nothing travels faster than one hop per cycle
    CHECK(c.cycles <= 1.10 * diameter); // the SC20 figure: 1.06 x the diameter
    CHECK(allreduce_2d_cycles(1, 994, 750, m) == c.cycles);
    // The corner algorithm (every root at the end): rows into column 0, column 0 into the corner,
    // a 2D broadcast back across the whole diameter: 754 + 998 + 1748 = 3500 = 2.01 x the diameter.
    const auto e = allreduce_2d(1, 994, 750, m, root_policy::end_only);
    CHECK(e.row.algorithm == reduce_algorithm::star);
    CHECK(e.column.algorithm == reduce_algorithm::star);
    CHECK(e.row.cycles == 749 + 5);
    CHECK(e.column.cycles == 993 + 5);
    CHECK(e.broadcast == 1 + 994 + 750 - 2 + 5);
    CHECK(e.cycles == 3500);
    CHECK(e.root_row == 0);
    CHECK(e.root_col == 0);
    // The other presets land in the same band.
    for (const machine& w : {wse1(), wse3(), wse2(wse2_clock::sdk_0_85ghz, wse2_fabric::compiler_757x996)}) {
        CAPTURE(w.name);
        const double dia = static_cast<double>(w.diameter_hops());
        const double cyc = allreduce_2d_cycles(1, w.fabric_height, w.fabric_width, w);
        CHECK(cyc >= dia);
        CHECK(cyc <= 1.10 * dia);
    }
}

TEST_CASE("2D all-reduce: never below the grid's diameter, never above the corner algorithm") {
    const machine m = wse2();
    const std::size_t shapes[][2] = {{1, 2}, {2, 1}, {2, 2}, {3, 5}, {8, 8}, {17, 4}, {64, 64}, {1, 750}, {995, 751}};
    for (double B : {1.0, 2.0, 16.0, 4096.0})
        for (const auto& s : shapes) {
            const std::size_t M = s[0], N = s[1];
            CAPTURE(B);
            CAPTURE(M);
            CAPTURE(N);
            const auto c = allreduce_2d(B, M, N, m);
            CHECK(c.cycles >= static_cast<double>(M + N - 2));
            CHECK(c.cycles <= allreduce_2d_cycles(B, M, N, m, root_policy::end_only));
            CHECK(c.cycles == doctest::Approx(c.row.cycles + c.column.cycles + c.broadcast));
        }
    CHECK(allreduce_2d_cycles(1, 1, 1, m) == 0);
    // Long vectors: the phases pick bandwidth-lean algorithms, not star or tree.
    const auto l = allreduce_2d(4096, 64, 64, m);
    CHECK(l.row.algorithm != reduce_algorithm::star);
    CHECK(l.row.algorithm != reduce_algorithm::tree);
    CHECK(l.column.algorithm != reduce_algorithm::star);
    CHECK(l.column.algorithm != reduce_algorithm::tree);
}
