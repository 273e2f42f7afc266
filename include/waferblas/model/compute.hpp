// waferblas/model/compute.hpp — cycles of the vector tasks a PE runs.
//
//   namespace wm = waferblas::model;
//   const auto m = wm::wse2();
//   wm::task_cycles(64, wm::dtype::fp32, m);           // 5 + 64: start + 64 FMACs at 1/cycle
//   wm::pe_work w;  w.add_tasks(1000, 8, wm::dtype::fp16, m);   // 1000 AXPYs of length 8
//   w.cycles;                                           // 1000 x (5 + 2)
//
// A task is one vector instruction (a DSD operation such as @fmacs) of `length` FMACs. It costs
//
//     task_start_cycles + max( ceil(length / F),  reads x length x bytes / read_bytes_per_cycle,
//                                                 writes x length x bytes / write_bytes_per_cycle )
//
// with F the machine's FMACs per cycle for the type. An AXPY y += a x reads x and y and writes y:
// 2 reads + 1 write per FMAC (the "3 memory accesses per FMAC" of the single-tile-matvec benchmark,
// facts §2); that is the default access pattern. The first term is the SIMD (compute) limit, the
// others the memory ports; pe_work records which limit each task hit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "dtype.hpp"
#include "machine.hpp"

namespace waferblas::model {

/// Memory accesses (of one value each) per FMAC of a task.
struct fmac_access {
    double reads = 2;  ///< y += a x: x and y (a is held in a register)
    double writes = 1; ///< y
};
inline constexpr fmac_access axpy_access{2, 1};
/// y += a[k] x[k] with a vector of coefficients (a stencil's per-point weights): a, x and y.
inline constexpr fmac_access vector_coefficient_access{3, 1};
/// s += x[k] y[k] with the sum in a register (a dot product): x and y, nothing written.
inline constexpr fmac_access dot_access{2, 0};

struct task_cost {
    double simd_cycles = 0; ///< ceil(length / F)
    double port_cycles = 0; ///< the slower memory port
    [[nodiscard]] double body() const noexcept { return std::max(simd_cycles, port_cycles); }
    [[nodiscard]] bool port_bound() const noexcept { return port_cycles > simd_cycles; }
};

/// The body of one task of `length` FMACs (without the start cost).
[[nodiscard]] inline task_cost task_body(double length, dtype t, const machine& m, fmac_access a = axpy_access) {
    if (length <= 0) return {};
    const double bytes = length * static_cast<double>(bytes_of(t));
    return {std::ceil(length / m.fmac_per_cycle(t)),
            std::max(a.reads * bytes / m.read_bytes_per_cycle, a.writes * bytes / m.write_bytes_per_cycle)};
}

/// task_start_cycles + body; an empty task is not started and costs nothing.
[[nodiscard]] inline double task_cycles(double length, dtype t, const machine& m, fmac_access a = axpy_access) {
    return length <= 0 ? 0.0 : m.task_start_cycles + task_body(length, t, m, a).body();
}

/// The work of one PE: a running sum of tasks.
struct pe_work {
    double cycles = 0;          ///< total: starts + bodies
    double start_cycles = 0;    ///< tasks x task_start_cycles
    double simd_cycles = 0;     ///< sum of the SIMD terms
    double port_cycles = 0;     ///< sum of the memory-port terms
    double tasks = 0;
    double fmacs = 0;
    double port_bound_cycles = 0; ///< body cycles of tasks the memory ports limited

    /// Adds `count` tasks of `length` FMACs each.
    void add_tasks(double count, double length, dtype t, const machine& m, fmac_access a = axpy_access) {
        if (count <= 0 || length <= 0) return;
        const task_cost c = task_body(length, t, m, a);
        tasks += count;
        fmacs += count * length;
        start_cycles += count * m.task_start_cycles;
        simd_cycles += count * c.simd_cycles;
        port_cycles += count * c.port_cycles;
        if (c.port_bound()) port_bound_cycles += count * c.body();
        cycles += count * (m.task_start_cycles + c.body());
    }
    void add(const pe_work& o) noexcept {
        cycles += o.cycles, start_cycles += o.start_cycles, simd_cycles += o.simd_cycles;
        port_cycles += o.port_cycles, tasks += o.tasks, fmacs += o.fmacs, port_bound_cycles += o.port_bound_cycles;
    }
    /// True when most of the body time was limited by the memory ports rather than the SIMD width.
    [[nodiscard]] bool port_bound() const noexcept { return 2 * port_bound_cycles > cycles - start_cycles; }
};

} // namespace waferblas::model
