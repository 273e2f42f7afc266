// waferblas/model/structured.hpp — wafer-scale structured operators, estimated without building them.
//
//   namespace wm = waferblas::model;
//   wm::structured_problem p{wm::stencil::star7_3d, 750, 994, 740};   // 5.5e8 unknowns
//   wm::report r = wm::estimate(p, wm::wse2());                        // one SpMV, in milliseconds
//   wm::structured_problem band{wm::stencil::banded, 1'000'000}; band.bandwidth = 5;
//
// Layout (the SC20 / csl-examples layout, facts §2): 3D problems put one (x, y) column of points
// on each PE with z along the PE's memory; when nx or ny exceeds the fabric (or the grid is given)
// a PE holds a bx x by tile of columns. 2D problems give each PE a bx x by tile of points. Banded
// matrices (half-bandwidth b, 2b+1 diagonals) give each PE of a boustrophedon chain a contiguous
// range of rows. Work per PE: one task per (column, stencil offset) of length nz - |dz| (3D), per
// (tile row, offset) of length = the tile row's points whose neighbour exists (2D), per diagonal
// (banded, lengths averaged over the PE's diagonals). Stencil coefficients are per point (a
// general matrix with this pattern), so a task reads coefficient, x and y and writes y
// (vector_coefficient_access). Halo traffic: the neighbour points a PE's tile needs, exchanged at
// once as one point-to-point pattern (C = most words one PE receives; sent is taken equal to
// received, exact for interior PEs), overlapped with the compute: cycles = max(halo, compute).
// Memory per PE: coefficients (no indices: the pattern is implicit) + x + y; halo values are
// consumed as they arrive (fabric input operands) and not stored. Cost: O(PEs x stencil offsets).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "communication.hpp"
#include "compute.hpp"
#include "dtype.hpp"
#include "estimate.hpp"
#include "finish.hpp"
#include "machine.hpp"
#include "report.hpp"

namespace waferblas::model {

enum class stencil { star7_3d, box27_3d, star25_3d, star5_2d, banded };

[[nodiscard]] constexpr const char* to_string(stencil s) noexcept {
    switch (s) {
    case stencil::star7_3d: return "star7_3d";
    case stencil::box27_3d: return "box27_3d";
    case stencil::star25_3d: return "star25_3d";
    case stencil::star5_2d: return "star5_2d";
    case stencil::banded: return "banded";
    }
    return "?";
}

struct structured_problem {
    stencil kind = stencil::star7_3d;
    std::size_t nx = 0, ny = 1, nz = 1; ///< points per axis; banded: nx = matrix order
    std::size_t bandwidth = 0;          ///< banded: half-bandwidth b (2b+1 diagonals)
    dtype type = dtype::fp32;
    std::size_t grid_rows = 0, grid_cols = 0; ///< 0: choose (see default_grid)

    [[nodiscard]] bool is_3d() const noexcept { return kind == stencil::star7_3d || kind == stencil::box27_3d || kind == stencil::star25_3d; }
    [[nodiscard]] double unknowns() const noexcept {
        if (kind == stencil::banded) return static_cast<double>(nx);
        return static_cast<double>(nx) * static_cast<double>(ny) * (is_3d() ? static_cast<double>(nz) : 1.0);
    }
    [[nodiscard]] std::string name() const {
        std::string s = to_string(kind);
        if (kind == stencil::banded) return s + "(n=" + std::to_string(nx) + ",b=" + std::to_string(bandwidth) + ")";
        s += "(" + std::to_string(nx) + "x" + std::to_string(ny);
        if (is_3d()) s += "x" + std::to_string(nz);
        return s + ")";
    }
};

namespace detail {

struct offset3 {
    long dx, dy, dz;
};

/// The stencil's offsets (dx, dy, dz); 2D stencils use dz = 0.
inline std::vector<offset3> stencil_offsets(stencil s) {
    std::vector<offset3> o;
    const auto star = [&](long r, bool three_d) {
        o.push_back({0, 0, 0});
        for (long d = 1; d <= r; ++d) {
            o.push_back({d, 0, 0}), o.push_back({-d, 0, 0}), o.push_back({0, d, 0}), o.push_back({0, -d, 0});
            if (three_d) o.push_back({0, 0, d}), o.push_back({0, 0, -d});
        }
    };
    switch (s) {
    case stencil::star7_3d: star(1, true); break;
    case stencil::star25_3d: star(4, true); break;
    case stencil::star5_2d: star(1, false); break;
    case stencil::box27_3d:
        for (long dx = -1; dx <= 1; ++dx)
            for (long dy = -1; dy <= 1; ++dy)
                for (long dz = -1; dz <= 1; ++dz) o.push_back({dx, dy, dz});
        break;
    case stencil::banded: break;
    }
    return o;
}

/// |{x in [a, b): 0 <= x + d < n}|.
[[nodiscard]] inline double valid_count(std::size_t a, std::size_t b, long d, std::size_t n) noexcept {
    const long lo = std::max(static_cast<long>(a), -d), hi = std::min(static_cast<long>(b), static_cast<long>(n) - d);
    return hi > lo ? static_cast<double>(hi - lo) : 0.0;
}

/// sum_{i=0}^{k-1} min(i, b).
[[nodiscard]] inline double sum_min(double k, double b) noexcept {
    if (k <= 0) return 0;
    if (k <= b + 1) return k * (k - 1) / 2;
    return b * (b + 1) / 2 + (k - b - 1) * b;
}

/// sum_{d=1}^{a} ceil(d / q): hops of `a` halo entries taken from PEs holding q entries each.
[[nodiscard]] inline double halo_hops(double a, double q) noexcept {
    if (a <= 0 || q <= 0) return 0;
    const double m = std::floor(a / q), rem = a - m * q;
    return q * m * (m + 1) / 2 + rem * (m + 1);
}

/// Extents beyond this are refused: the model indexes points with signed offsets (long) and rounds
/// extents up to whole PEs, which would overflow near 2^63.
inline constexpr std::size_t max_structured_extent = std::size_t{1} << 62;

inline void check_problem(const structured_problem& p) {
    if (p.nx == 0 || (p.kind != stencil::banded && p.ny == 0) || (p.is_3d() && p.nz == 0))
        throw invalid_argument_error("structured problem " + p.name() + " has no points");
    for (const auto& [n, axis] : {std::pair{p.nx, "nx"}, std::pair{p.ny, "ny"}, std::pair{p.nz, "nz"}})
        if (n > max_structured_extent)
            throw overflow_error("structured problem " + p.name() + ": " + axis + " = " + std::to_string(n) +
                                 " exceeds 2^62, the largest extent the model indexes");
    if (p.kind == stencil::banded && p.bandwidth >= p.nx)
        throw invalid_argument_error("structured problem " + p.name() + ": the half-bandwidth must be below the order");
}

} // namespace detail

/// The grid a problem uses on machine m when it does not name one: one PE per (x, y) column (or
/// 2D point) up to the fabric size; banded: the whole fabric, but no more PEs than rows.
[[nodiscard]] inline pe_grid default_grid(const structured_problem& p, const machine& m) {
    if ((p.grid_rows == 0) != (p.grid_cols == 0))
        throw invalid_argument_error("structured problem " + p.name() + ": grid_rows = " + std::to_string(p.grid_rows) +
                                     " but grid_cols = " + std::to_string(p.grid_cols) + "; give both, or neither to let the model choose");
    if (p.grid_rows && p.grid_cols) return {p.grid_rows, p.grid_cols};
    if (p.kind == stencil::banded) {
        const std::size_t cols = std::min(p.nx, m.fabric_width);
        return {std::min((p.nx + cols - 1) / cols, m.fabric_height), cols};
    }
    return {std::min(p.ny, m.fabric_height), std::min(p.nx, m.fabric_width)};
}

/// Predicts one SpMV y = A x with the structured operator p on machine m.
[[nodiscard]] inline report estimate(const structured_problem& p, const machine& m, const estimate_options& o = {}) {
    m.validate();
    detail::check_problem(p);
    const pe_grid g = default_grid(p, m);
    detail::check_grid_fits(g, m);
    const std::size_t R = g.rows(), C = g.cols(), P = g.size();
    const dtype t = p.type;
    const double vb = static_cast<double>(bytes_of(t)), wpv = static_cast<double>(wavelets_of(t));
    (void)m.fmac_per_cycle(t);

    report r;
    r.machine = m.name;
    r.op = p.name() + " spmv";
    r.placement = p.kind == stencil::banded ? "banded_chain" : p.is_3d() ? "columns" : "tiles";
    r.grid_rows = R, r.grid_cols = C;
    r.type = t;
    r.rows = r.cols = detail::saturating_size(p.unknowns()); // saturated: 3D extents can multiply past 2^64
    r.pe_compute_cycles.assign(P, 0.0);
    r.pe_memory_bytes.assign(P, 0);
    r.pe_traffic_words.assign(P, 0.0);
    std::vector<double> tasks(P, 0.0);

    double nnz = 0, busiest_words = 0, word_hops = 0, longest = 0, comp_max = 0;
    bool busiest_port_bound = false;
    const auto record = [&](std::size_t idx, const pe_work& w, double points, double halo_words) {
        r.pe_compute_cycles[idx] = w.cycles;
        tasks[idx] = w.tasks;
        r.pe_memory_bytes[idx] = detail::saturating_add(detail::saturating_size((w.fmacs + 2 * points) * vb), o.reserved_sram_bytes_per_pe);
        r.pe_traffic_words[idx] = 2 * halo_words;
        nnz += w.fmacs;
        busiest_words = std::max(busiest_words, halo_words);
        if (w.cycles > comp_max) comp_max = w.cycles, busiest_port_bound = w.port_bound();
    };

    if (p.kind == stencil::banded) {
        const double n = static_cast<double>(p.nx), b = static_cast<double>(p.bandwidth);
        const std::size_t per = (p.nx + P - 1) / P;
        const double q = static_cast<double>(per);
        for (std::size_t k = 0; k < P; ++k) {
            const double i0 = std::min(n, static_cast<double>(k) * q), i1 = std::min(n, i0 + q);
            pe_work w;
            if (i1 > i0) {
                const double fm = detail::sum_min(i1, b) - detail::sum_min(i0, b) + detail::sum_min(n - i0, b) -
                                  detail::sum_min(n - i1, b) + (i1 - i0);
                // Diagonals d in [-b, b] with at least one row of [i0, i1) inside the matrix.
                const double diags = std::min(b, n - i0 - 1) + std::min(b, i1 - 1) + 1;
                w.add_tasks(diags, fm / diags, t, m, vector_coefficient_access);
            }
            const double left = std::min(b, i0), right = std::min(b, n - i1);
            const double words = (left + right) * wpv;
            word_hops += (detail::halo_hops(left, q) + detail::halo_hops(right, q)) * wpv;
            if (words > 0) longest = std::max(longest, std::ceil(std::max(left, right) / q));
            record(g.index_of(g.snake_coord(k)), w, i1 - i0, words);
        }
    } else {
        const auto offsets = detail::stencil_offsets(p.kind);
        const bool three_d = p.is_3d();
        const std::size_t nz = three_d ? p.nz : 1;
        const std::size_t bx = (p.nx + C - 1) / C, by = (p.ny + R - 1) / R;
        long radius = 0;
        for (const auto& f : offsets) radius = std::max({radius, std::labs(f.dx), std::labs(f.dy)});
        const bool box = p.kind == stencil::box27_3d;
        const double z = static_cast<double>(nz);
        for (std::size_t pr = 0; pr < R; ++pr) {
            const std::size_t y0 = std::min(p.ny, pr * by), y1 = std::min(p.ny, y0 + by);
            for (std::size_t pc = 0; pc < C; ++pc) {
                const std::size_t x0 = std::min(p.nx, pc * bx), x1 = std::min(p.nx, x0 + bx);
                pe_work w;
                const double tx = static_cast<double>(x1 - x0), ty = static_cast<double>(y1 - y0);
                if (tx > 0 && ty > 0) {
                    for (const auto& f : offsets) {
                        const double cx = detail::valid_count(x0, x1, f.dx, p.nx), cy = detail::valid_count(y0, y1, f.dy, p.ny);
                        if (three_d) w.add_tasks(cx * cy, z - static_cast<double>(std::labs(f.dz)), t, m, vector_coefficient_access);
                        else w.add_tasks(cy, cx, t, m, vector_coefficient_access);
                    }
                }
                // Halo: columns (3D) or points (2D) outside the tile that the stencil reaches.
                double halo = 0, hops = 0;
                if (tx > 0 && ty > 0) {
                    // Halo depth on each side: the radius, cut by the domain boundary.
                    const auto depth = [&](std::size_t room) {
                        return static_cast<double>(std::min(static_cast<std::size_t>(radius), room));
                    };
                    const double l = depth(x0), rt = depth(p.nx - x1), u = depth(y0), dn = depth(p.ny - y1);
                    if (box) {
                        const double corners = (l + rt) * (u + dn);
                        halo = (l + rt) * ty + (u + dn) * tx + corners;
                        hops = (l + rt) * ty + (u + dn) * tx + 2 * corners;
                        if (halo > 0) longest = std::max(longest, corners > 0 ? 2.0 : 1.0);
                    } else {
                        halo = (l + rt) * ty + (u + dn) * tx;
                        hops = (detail::halo_hops(l, tx) + detail::halo_hops(rt, tx)) * ty +
                               (detail::halo_hops(u, ty) + detail::halo_hops(dn, ty)) * tx;
                        const double far = std::max(std::ceil(std::max(l, rt) / tx), std::ceil(std::max(u, dn) / ty));
                        longest = std::max(longest, far);
                    }
                }
                word_hops += hops * z * wpv;
                record(pr * C + pc, w, tx * ty * z, halo * z * wpv);
            }
        }
    }

    const pattern halo = point_to_point_pattern(busiest_words, word_hops, longest, mesh_links(R, C));
    r.comm.point_to_point_cycles = model::cycles(halo, m.ramp_latency_cycles);
    r.comm.point_to_point_words = word_hops > 0 ? std::accumulate(r.pe_traffic_words.begin(), r.pe_traffic_words.end(), 0.0) / 2 : 0.0;
    r.comm.word_hops = word_hops;
    r.nnz = nnz;
    r.flops = nnz * flops_per_fmac(t);
    r.memory_port_bound = busiest_port_bound;
    double cycles = std::max(comp_max, r.comm.point_to_point_cycles);
    detail::critical_path path;
    path.compute = comp_max;
    path.communication = cycles - comp_max;
    path.communication_latency = r.comm.point_to_point_cycles > 0
                                     ? path.communication * latency_part(halo, m.ramp_latency_cycles) / r.comm.point_to_point_cycles
                                     : 0.0;
    r.critical_path = "max(halo exchange, busiest PE compute)";
    if (o.include_host_io) {
        path.host = detail::host_cycles(2 * p.unknowns() * vb, m);
        cycles += path.host;
        r.critical_path += " + host I/O (x in, y out)";
    }
    r.comm.latency_cycles = path.communication_latency;
    r.cycles = cycles;
    if (o.dense_counterpart) {
        const auto d = detail::dense_checkerboard(p.unknowns(), p.unknowns(), 1, operation_kind::spmv, R, C, t, m,
                                                  o.reserved_sram_bytes_per_pe);
        r.dense_cycles = d.cycles + path.host;
        r.dense_flops = d.flops;
        r.dense_fits = d.fits;
    }
    detail::finish_report(r, m, tasks, o.top_k, path);
    return r;
}

} // namespace waferblas::model
