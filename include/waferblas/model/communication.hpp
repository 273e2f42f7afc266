// waferblas/model/communication.hpp — the fabric communication cost model of Luczynski et al.
// (HPDC'24, [S6]; facts §3) and its closed forms for reductions and broadcasts.
//
//   namespace wm = waferblas::model;
//   wm::cycles(wm::chain_reduce_pattern(16, 64), 2.0);   // == wm::chain_reduce(16, 64, 2.0)
//   auto best = wm::best_reduce(1, 750, wm::wse2());     // tree rooted at the centre, 424.5 cycles
//   wm::best_reduce(1, 750, wm::wse2(), wm::root_policy::end_only);   // {star, 754, end}
//   wm::allreduce_2d_cycles(1, 994, 750, wm::wse2());    // a whole-wafer scalar all-reduce
//
// A pattern is described by E (energy: total hops of all wavelets), L (distance: most hops any
// wavelet's data travels), D (depth: longest chain of dependent receive-compute-send steps), C
// (contention: most wavelets one PE sends or receives) and N (links used); its runtime is
//
//     T = max(C, E/N + L) + (2 T_R + 1) D          (T_R: ramp latency PE <-> router)
//
// Closed forms below are for a row of P PEs reducing (or broadcasting) a vector of B wavelets with
// the root at one end, exactly as the facts file states them. A single PE (P <= 1) communicates
// nothing: every form returns 0 for it. Where the facts file gives only D and C (tree, two-phase),
// the pattern fills in E, L and N (documented at each builder) and the form is cycles(pattern).
// Reductions rooted at the centre of the row and broadcasts from any PE are patterns built from
// the end-rooted ones (below), priced with the same formula; best_reduce and allreduce_2d choose
// among end- and centre-rooted candidates (root_policy::end_only restricts them to the end).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>

#include "machine.hpp"

namespace waferblas::model {

struct pattern {
    double energy = 0;     ///< E: total hops of all wavelets
    double distance = 0;   ///< L: most hops one wavelet's data travels
    double depth = 0;      ///< D: longest chain of dependent steps
    double contention = 0; ///< C: most wavelets one PE sends or receives
    double links = 0;      ///< N: links used
};

/// T = max(C, E/N + L) + (2 T_R + 1) D. A pattern that uses no link has E/N = 0.
[[nodiscard]] inline double cycles(const pattern& p, double ramp_latency) noexcept {
    const double spread = p.links > 0 ? p.energy / p.links : 0.0;
    return std::max(p.contention, spread + p.distance) + (2 * ramp_latency + 1) * p.depth;
}

/// The part of cycles(p) that does not shrink with the message size: L + (2 T_R + 1) D.
/// (cycles - latency_part is the bandwidth part: max(C - L, E/N).)
[[nodiscard]] inline double latency_part(const pattern& p, double ramp_latency) noexcept {
    return std::min(cycles(p, ramp_latency), p.distance + (2 * ramp_latency + 1) * p.depth);
}

namespace detail {
[[nodiscard]] inline double d(std::size_t n) noexcept { return static_cast<double>(n); }
/// ceil(log2 n) for n >= 1 (0 for n <= 1), also for n above 2^63, where a doubling loop would
/// shift past the word.
[[nodiscard]] inline std::size_t ceil_log2(std::size_t n) noexcept {
    return n <= 1 ? 0 : static_cast<std::size_t>(std::bit_width(n - 1));
}
} // namespace detail

// ---- patterns: a row of P PEs, root at PE 0, B wavelets per PE --------------------------------

/// Star: every PE sends its B wavelets straight to the root. C = B(P-1) (the root receives all),
/// E = B P(P-1)/2, L = P-1, D = 1, N = P-1.
[[nodiscard]] inline pattern star_reduce_pattern(double B, std::size_t P) noexcept {
    if (P <= 1) return {};
    const double p = detail::d(P);
    return {B * p * (p - 1) / 2, p - 1, 1, B * (p - 1), p - 1};
}

/// Chain: PE P-1 sends to P-2, which adds and forwards, ... C = B, E = B(P-1), L = P-1, D = P-1.
[[nodiscard]] inline pattern chain_reduce_pattern(double B, std::size_t P) noexcept {
    if (P <= 1) return {};
    const double p = detail::d(P);
    return {B * (p - 1), p - 1, p - 1, B, p - 1};
}

/// Binomial tree: at level k (stride s = 2^k) PE i with i mod 2s == s sends B wavelets s hops.
/// D = ceil(log2 P), C = B ceil(log2 P) (the root receives once per level), E = B x sum of the
/// strides sent (B P log2(P)/2 for P a power of two), L = P-1 (PE P-1's data reaches the root
/// through strides summing to P-1), N = P-1.
[[nodiscard]] inline pattern tree_reduce_pattern(double B, std::size_t P) noexcept {
    if (P <= 1) return {};
    const std::size_t levels = detail::ceil_log2(P);
    double hops = 0;
    for (std::size_t k = 0; k < levels; ++k) {
        const std::size_t s = std::size_t{1} << k;
        const std::size_t senders = P > s ? (P - s + 2 * s - 1) / (2 * s) : 0; // i = s, 3s, 5s, ... < P
        hops += detail::d(senders * s);
    }
    const double p = detail::d(P);
    return {B * hops, p - 1, detail::d(levels), B * detail::d(levels), p - 1};
}

/// Two-phase: chains of g = ceil(sqrt P) PEs reduce into their first PE, then those group roots
/// form a chain into the root. D = (g-1) + (groups-1) (= 2 sqrt(P) - 2 for a perfect square),
/// C = 2B (a group root receives in both phases; B if there is one group), E = B(P - groups) +
/// B g (groups-1), L = P-1, N = P-1.
[[nodiscard]] inline pattern two_phase_reduce_pattern(double B, std::size_t P) noexcept {
    if (P <= 1) return {};
    auto g = static_cast<std::size_t>(std::ceil(std::sqrt(detail::d(P))));
    while (g * g < P) ++g; // guard against rounding below
    while (g > 1 && (g - 1) * (g - 1) >= P) --g;
    const std::size_t groups = (P + g - 1) / g;
    const double last_group = detail::d(P - (groups - 1) * g); // the last chain may be shorter
    const double depth = (groups > 1 ? detail::d(g - 1) : last_group - 1) + detail::d(groups - 1);
    const double p = detail::d(P), gr = detail::d(groups);
    return {B * (p - gr) + B * detail::d(g) * (gr - 1), p - 1, depth, groups > 1 ? 2 * B : B, p - 1};
}

/// Multicast of B wavelets from PE 0 to P-1 others along the row: C = B, E = B(P-1), L = P-1,
/// D = 1, N = P-1 (every link carries the B wavelets once).
[[nodiscard]] inline pattern broadcast_pattern(double B, std::size_t P) noexcept {
    if (P <= 1) return {};
    const double p = detail::d(P);
    return {B * (p - 1), p - 1, 1, B, p - 1};
}

/// 2D multicast from a corner of an M x N grid: along the first row, then down every column.
/// C = B, E = B(MN-1), L = M+N-2, D = 1, N = MN-1.
[[nodiscard]] inline pattern broadcast_2d_pattern(double B, std::size_t M, std::size_t N) noexcept {
    if (M * N <= 1) return {};
    const double pes = detail::d(M * N);
    return {B * (pes - 1), detail::d(M + N - 2), 1, B, pes - 1};
}

// ---- closed forms (facts §3) -------------------------------------------------------------------

/// B(P-1) + 2T_R + 1. (The star pattern's contention term; cycles(star_reduce_pattern) equals it
/// whenever C >= E/N + L, i.e. B(P/2 - 1) >= P - 1: B >= 3 for P >= 4. For smaller B the pattern
/// formula is larger; the closed form is the one [S6] states and the one best_reduce uses.)
[[nodiscard]] inline double star_reduce(double B, std::size_t P, double T_R) noexcept {
    return P <= 1 ? 0.0 : B * (detail::d(P) - 1) + 2 * T_R + 1;
}
/// B + (2T_R + 2)(P - 1).
[[nodiscard]] inline double chain_reduce(double B, std::size_t P, double T_R) noexcept {
    return P <= 1 ? 0.0 : B + (2 * T_R + 2) * (detail::d(P) - 1);
}
/// Depth log2 P, contention B log2 P: cycles(tree_reduce_pattern(B, P), T_R).
[[nodiscard]] inline double tree_reduce(double B, std::size_t P, double T_R) noexcept {
    return cycles(tree_reduce_pattern(B, P), T_R);
}
/// Depth 2 sqrt(P) - 2, contention 2B: cycles(two_phase_reduce_pattern(B, P), T_R).
[[nodiscard]] inline double two_phase_reduce(double B, std::size_t P, double T_R) noexcept {
    return cycles(two_phase_reduce_pattern(B, P), T_R);
}
/// B + P + 2T_R.
[[nodiscard]] inline double broadcast(double B, std::size_t P, double T_R) noexcept {
    return P <= 1 ? 0.0 : B + detail::d(P) + 2 * T_R;
}
/// B + M + N - 2 + 2T_R + 1.
[[nodiscard]] inline double broadcast_2d(double B, std::size_t M, std::size_t N, double T_R) noexcept {
    return M * N <= 1 ? 0.0 : B + detail::d(M) + detail::d(N) - 2 + 2 * T_R + 1;
}
/// 2(P-1)B/P + 4P - 6 + 2(P-1)(2T_R + 1): the result ends on every PE of the row.
[[nodiscard]] inline double ring_allreduce(double B, std::size_t P, double T_R) noexcept {
    if (P <= 1) return 0.0;
    const double p = detail::d(P);
    return 2 * (p - 1) * B / p + 4 * p - 6 + 2 * (p - 1) * (2 * T_R + 1);
}
/// max(B, B P/8 + M + N - 1 + 2T_R + 1), as the facts file states it. The facts file does not
/// define P for this bound, so it is a parameter; the model uses the bound only as a reference.
[[nodiscard]] inline double reduce_2d_lower_bound(double B, std::size_t P, std::size_t M, std::size_t N,
                                                  double T_R) noexcept {
    return std::max(B, B * detail::d(P) / 8 + detail::d(M) + detail::d(N) - 1 + 2 * T_R + 1);
}

// ---- centre-rooted reductions and broadcasts from any PE ---------------------------------------
//
// A reduction rooted at the centre PE c = floor((P-1)/2) of a row is two end-rooted reductions
// that run at the same time and share their root: the left half (PEs 0..c, c+1 PEs, mirrored) and
// the right half (PEs c..P-1, P-c PEs). They use disjoint links (the left half only the eastbound
// links left of c, the right half only the westbound links right of c), so
//   E = E_left + E_right,  N = N_left + N_right = P-1,  L = max(L_left, L_right) = ceil((P-1)/2),
//   D = max(D_left, D_right)            (the halves' dependent steps overlap in time),
//   C = C_left + C_right                (every wavelet either half delivers to the root still
//                                        enters its PE through the one ramp).
// The root is the most contended PE of each half for the four algorithms below (star: B(n-1);
// chain: B; tree: B per level; two-phase: 2B, or B with one group), so C_left + C_right is the
// most any PE of the row receives. Centring halves L and D; it does not halve the star's
// contention, which is set by the root's ramp, not by its links.

/// The centre PE of a row of P PEs: floor((P-1)/2).
[[nodiscard]] constexpr std::size_t centre_index(std::size_t P) noexcept { return P > 0 ? (P - 1) / 2 : 0; }

/// Hops from PE i of a row of P PEs to the farther end of the row: max(i, P-1-i).
[[nodiscard]] constexpr std::size_t eccentricity(std::size_t i, std::size_t P) noexcept {
    return P > 0 ? std::max(i, P - 1 - i) : 0;
}

/// Two end-rooted halves sharing their root (see above).
[[nodiscard]] inline pattern centre_rooted(const pattern& left, const pattern& right) noexcept {
    return {left.energy + right.energy, std::max(left.distance, right.distance), std::max(left.depth, right.depth),
            left.contention + right.contention, left.links + right.links};
}

namespace detail {
template <class Builder>
[[nodiscard]] pattern centre_rooted_of(Builder end_rooted, double B, std::size_t P) noexcept {
    if (P <= 1) return {};
    const std::size_t c = centre_index(P);
    return centre_rooted(end_rooted(B, c + 1), end_rooted(B, P - c));
}
} // namespace detail

/// Star to the centre: C = B(P-1), L = ceil((P-1)/2), D = 1, E = B (c(c+1) + r(r+1))/2 with
/// c = floor((P-1)/2), r = P-1-c, N = P-1.
[[nodiscard]] inline pattern star_reduce_centre_pattern(double B, std::size_t P) noexcept {
    return detail::centre_rooted_of([](double b, std::size_t p) { return star_reduce_pattern(b, p); }, B, P);
}
/// Two chains meeting at the centre: C = 2B, E = B(P-1), L = D = ceil((P-1)/2), N = P-1.
[[nodiscard]] inline pattern chain_reduce_centre_pattern(double B, std::size_t P) noexcept {
    return detail::centre_rooted_of([](double b, std::size_t p) { return chain_reduce_pattern(b, p); }, B, P);
}
/// Two binomial trees meeting at the centre: D = ceil(log2(P - c)), C = B (ceil log2(c+1) +
/// ceil log2(P-c)), L = ceil((P-1)/2), E = the halves' strides x B, N = P-1. For a scalar:
/// about P/2 + (2T_R+1) log2(P/2) cycles.
[[nodiscard]] inline pattern tree_reduce_centre_pattern(double B, std::size_t P) noexcept {
    return detail::centre_rooted_of([](double b, std::size_t p) { return tree_reduce_pattern(b, p); }, B, P);
}
/// Two-phase in each half: D = the larger half's (about 2 sqrt(P/2) - 2), C = 4B (2B per half
/// with more than one group), L = ceil((P-1)/2), N = P-1.
[[nodiscard]] inline pattern two_phase_reduce_centre_pattern(double B, std::size_t P) noexcept {
    return detail::centre_rooted_of([](double b, std::size_t p) { return two_phase_reduce_pattern(b, p); }, B, P);
}

/// Multicast of B wavelets from PE `root` of a row of P PEs in both directions: C = B,
/// E = B(P-1), L = max(root, P-1-root), D = 1, N = P-1. root = 0 is broadcast_pattern(B, P).
[[nodiscard]] inline pattern broadcast_pattern(double B, std::size_t P, std::size_t root) noexcept {
    if (P <= 1) return {};
    const double p = detail::d(P);
    return {B * (p - 1), detail::d(eccentricity(root, P)), 1, B, p - 1};
}

/// 2D multicast from PE (root_row, root_col) of an M x N grid (M rows of N PEs): along row
/// root_row both ways, then up and down every column. C = B, E = B(MN-1), D = 1, N = MN-1,
/// L = max(root_row, M-1-root_row) + max(root_col, N-1-root_col) — (M-1)/2 + (N-1)/2 from the
/// centre instead of M+N-2 from a corner. (0, 0) is broadcast_2d_pattern(B, M, N).
[[nodiscard]] inline pattern broadcast_2d_pattern(double B, std::size_t M, std::size_t N, std::size_t root_row,
                                                  std::size_t root_col) noexcept {
    if (M * N <= 1) return {};
    const double pes = detail::d(M * N);
    return {B * (pes - 1), detail::d(eccentricity(root_row, M) + eccentricity(root_col, N)), 1, B, pes - 1};
}

/// cycles(broadcast_2d_pattern(B, M, N, root_row, root_col)) = B + L + 2T_R + 1; from (0, 0) it
/// equals broadcast_2d(B, M, N, T_R).
[[nodiscard]] inline double broadcast_2d_from(double B, std::size_t M, std::size_t N, std::size_t root_row,
                                              std::size_t root_col, double T_R) noexcept {
    return cycles(broadcast_2d_pattern(B, M, N, root_row, root_col), T_R);
}

// ---- choosing an algorithm ---------------------------------------------------------------------

enum class reduce_algorithm { star, chain, tree, two_phase, ring };

[[nodiscard]] constexpr const char* to_string(reduce_algorithm a) noexcept {
    switch (a) {
    case reduce_algorithm::star: return "star";
    case reduce_algorithm::chain: return "chain";
    case reduce_algorithm::tree: return "tree";
    case reduce_algorithm::two_phase: return "two_phase";
    case reduce_algorithm::ring: return "ring";
    }
    return "?";
}

/// Where a reduction over a row of P PEs leaves its result.
enum class root_position {
    end,        ///< PE 0 (the facts file's closed forms)
    centre,     ///< PE floor((P-1)/2): the two halves reduce towards the middle
    everywhere, ///< every PE of the row (the ring all-reduce)
};

[[nodiscard]] constexpr const char* to_string(root_position r) noexcept {
    switch (r) {
    case root_position::end: return "end";
    case root_position::centre: return "centre";
    case root_position::everywhere: return "everywhere";
    }
    return "?";
}

/// Which roots best_reduce and allreduce_2d may choose.
enum class root_policy {
    any,      ///< the cheapest candidate, wherever its result lands
    end_only, ///< the result must reach PE 0 (or every PE): e.g. partial sums reduced into their owner
};

struct reduction_choice {
    reduce_algorithm algorithm = reduce_algorithm::star;
    double cycles = 0;
    root_position root = root_position::end; ///< everywhere for the ring
};

/// Cycles of reducing B wavelets over a row of P PEs with algorithm a on machine m, root at the
/// end (PE 0): the facts file's closed forms.
[[nodiscard]] inline double reduce_cycles(reduce_algorithm a, double B, std::size_t P, const machine& m) noexcept {
    const double T_R = m.ramp_latency_cycles;
    switch (a) {
    case reduce_algorithm::star: return star_reduce(B, P, T_R);
    case reduce_algorithm::chain: return chain_reduce(B, P, T_R);
    case reduce_algorithm::tree: return tree_reduce(B, P, T_R);
    case reduce_algorithm::two_phase: return two_phase_reduce(B, P, T_R);
    case reduce_algorithm::ring: return ring_allreduce(B, P, T_R);
    }
    return 0;
}

/// The same with the root at `r`: centre uses the centre-rooted patterns through the T formula;
/// end (and everywhere, for algorithms other than the ring) is the end-rooted form above. The
/// ring's result is everywhere whatever r says.
[[nodiscard]] inline double reduce_cycles(reduce_algorithm a, double B, std::size_t P, const machine& m,
                                          root_position r) noexcept {
    if (r != root_position::centre || a == reduce_algorithm::ring) return reduce_cycles(a, B, P, m);
    const double T_R = m.ramp_latency_cycles;
    switch (a) {
    case reduce_algorithm::star: return cycles(star_reduce_centre_pattern(B, P), T_R);
    case reduce_algorithm::chain: return cycles(chain_reduce_centre_pattern(B, P), T_R);
    case reduce_algorithm::tree: return cycles(tree_reduce_centre_pattern(B, P), T_R);
    case reduce_algorithm::two_phase: return cycles(two_phase_reduce_centre_pattern(B, P), T_R);
    case reduce_algorithm::ring: break;
    }
    return 0;
}

namespace detail {
inline constexpr reduce_algorithm all_reduce_algorithms[] = {reduce_algorithm::star, reduce_algorithm::chain,
                                                              reduce_algorithm::tree, reduce_algorithm::two_phase,
                                                              reduce_algorithm::ring};
/// Every candidate allowed by the policy, end-rooted first (so ties go to the facts file's forms):
/// star, chain, tree, two-phase, ring (everywhere), then centre-rooted star, chain, tree, two-phase.
template <class F>
void for_each_reduction(double B, std::size_t P, const machine& m, root_policy policy, F&& f) noexcept {
    for (auto a : all_reduce_algorithms)
        f(reduction_choice{a, reduce_cycles(a, B, P, m),
                           a == reduce_algorithm::ring ? root_position::everywhere : root_position::end});
    if (policy == root_policy::end_only) return;
    for (auto a : all_reduce_algorithms)
        if (a != reduce_algorithm::ring)
            f(reduction_choice{a, reduce_cycles(a, B, P, m, root_position::centre), root_position::centre});
}
} // namespace detail

/// The cheapest reduction of B wavelets over P PEs on machine m among the five algorithms with
/// the root at the end, and (policy any, the default) the four rooted at the centre. Ties go to
/// the earlier candidate: end before centre, then the enum order. The ring is an all-reduce, so
/// choosing it also leaves the result on every PE of the row (root == everywhere).
[[nodiscard]] inline reduction_choice best_reduce(double B, std::size_t P, const machine& m,
                                                  root_policy policy = root_policy::any) noexcept {
    reduction_choice best{reduce_algorithm::star, reduce_cycles(reduce_algorithm::star, B, P, m), root_position::end};
    detail::for_each_reduction(B, P, m, policy, [&](const reduction_choice& c) {
        if (c.cycles < best.cycles) best = c;
    });
    return best;
}

/// An all-reduce over an M x N grid (M rows of N PEs), three phases in series (no pipelining
/// between phases is credited):
///   1. every row reduces its N PEs at once (result at the row's end, its centre, or everywhere);
///   2. the column holding the row results reduces its M PEs (if the rows ended everywhere, every
///      column does so at once, on disjoint links);
///   3. the result is broadcast from where it is: a 2D multicast from the root PE (root_row,
///      root_col); a 1D multicast along every row from column root_col if the column phase was a
///      ring; down every column from row root_row if the row phase was a ring; nothing if both were.
/// Every combination of row and column candidate (best_reduce's, under the policy) is priced and
/// the cheapest kept (ties: the earlier, end-rooted first). With policy end_only and no ring this
/// is the corner algorithm: rows into column 0, column 0 into PE (0, 0), broadcast_2d from there.
/// For B >= 1 every candidate phase costs at least its distance L, and the phases' distances add
/// up to at least M + N - 2 (the result must travel from each corner to the opposite one), so the
/// all-reduce never beats the grid's diameter.
struct allreduce_2d_cost {
    reduction_choice row;    ///< phase 1: rows of N PEs, all rows at once
    reduction_choice column; ///< phase 2: a column of M PEs (every column if the row phase was a ring)
    double broadcast = 0;    ///< phase 3
    double cycles = 0;
    std::size_t root_row = 0; ///< grid row of the column phase's root (0 if that phase was a ring)
    std::size_t root_col = 0; ///< grid column of the row phase's root (0 if that phase was a ring)
};

namespace detail {
[[nodiscard]] inline std::size_t root_index(root_position r, std::size_t P) noexcept {
    return r == root_position::centre ? centre_index(P) : 0;
}
} // namespace detail

[[nodiscard]] inline allreduce_2d_cost allreduce_2d(double B, std::size_t M, std::size_t N, const machine& m,
                                                    root_policy policy = root_policy::any) noexcept {
    const double T_R = m.ramp_latency_cycles;
    reduction_choice rows[9], cols[9];
    std::size_t nr = 0, nc = 0;
    detail::for_each_reduction(B, N, m, policy, [&](const reduction_choice& c) { rows[nr++] = c; });
    detail::for_each_reduction(B, M, m, policy, [&](const reduction_choice& c) { cols[nc++] = c; });
    allreduce_2d_cost best;
    bool have = false;
    for (std::size_t i = 0; i < nr; ++i)
        for (std::size_t j = 0; j < nc; ++j) {
            const reduction_choice& r = rows[i];
            const reduction_choice& c = cols[j];
            const bool rows_everywhere = r.root == root_position::everywhere;
            const bool cols_everywhere = c.root == root_position::everywhere;
            const std::size_t rr = cols_everywhere ? 0 : detail::root_index(c.root, M);
            const std::size_t rc = rows_everywhere ? 0 : detail::root_index(r.root, N);
            double bc = 0;
            if (rows_everywhere && cols_everywhere) bc = 0;
            else if (rows_everywhere) bc = cycles(broadcast_pattern(B, M, rr), T_R);      // down every column
            else if (cols_everywhere) bc = cycles(broadcast_pattern(B, N, rc), T_R);      // along every row
            else bc = broadcast_2d_from(B, M, N, rr, rc, T_R);
            const double total = r.cycles + c.cycles + bc;
            if (!have || total < best.cycles) {
                best = {r, c, bc, total, rr, rc};
                have = true;
            }
        }
    return best;
}

[[nodiscard]] inline double allreduce_2d_cycles(double B, std::size_t M, std::size_t N, const machine& m,
                                                root_policy policy = root_policy::any) noexcept {
    return allreduce_2d(B, M, N, m, policy).cycles;
}

/// Point-to-point traffic that all moves at once (halo exchanges, gathers): `max_words_per_pe`
/// is the most wavelets one PE sends or receives (C), `word_hops` the total (E), `max_hops` the
/// longest route (L), `links` the links available. One dependent step (D = 1).
[[nodiscard]] inline pattern point_to_point_pattern(double max_words_per_pe, double word_hops, double max_hops,
                                                    double links) noexcept {
    if (max_words_per_pe <= 0) return {};
    return {word_hops, max_hops, 1, max_words_per_pe, links};
}

/// Directed links of an R x C mesh: 2 (R (C-1) + C ).
[[nodiscard]] inline double mesh_links(std::size_t R, std::size_t C) noexcept {
    return 2 * (detail::d(R) * detail::d(C - 1) + detail::d(C) * detail::d(R - 1));
}

} // namespace waferblas::model
