// waferblas/model/finish.hpp — the parts of a report every estimator derives the same way:
// maxima, the SRAM check, the busiest PEs, rates, and the bound.
//
//   detail::critical_path path{compute, communication, communication_latency, host_io};
//   detail::finish_report(r, machine, tasks_per_pe, top_k, path);   // r.cycles must be set
//
// The bound rule (docs/model.md): capacity if a PE does not fit its SRAM; else host_io if host
// transfers take longer than both compute and communication on the critical path; else, if
// communication is longer than compute, latency when at least half of it is size-independent
// (distance, ramps, dependent steps) and fabric otherwise; else load_imbalance when the mean PE's
// compute is under half the busiest PE's; else memory_port when the busiest PE's tasks are limited
// by its memory ports; else compute.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "machine.hpp"
#include "report.hpp"

namespace waferblas::model::detail {

/// A non-negative count held as a double, as a size_t: rounded towards zero and saturated at
/// SIZE_MAX (a plain cast of a double >= 2^64 is undefined behaviour; NaN and negatives give 0).
[[nodiscard]] inline std::size_t saturating_size(double v) noexcept {
    // double(SIZE_MAX) rounds up to 2^64 (64-bit) or is exact (32-bit): below it the cast is defined.
    constexpr auto top = std::numeric_limits<std::size_t>::max();
    if (!(v > 0)) return 0;
    if (v >= static_cast<double>(top)) return top;
    return static_cast<std::size_t>(v);
}

/// a + b, saturated at SIZE_MAX.
[[nodiscard]] constexpr std::size_t saturating_add(std::size_t a, std::size_t b) noexcept {
    return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

struct critical_path {
    double compute = 0;               ///< compute cycles on the critical path
    double communication = 0;         ///< communication cycles on the critical path
    double communication_latency = 0; ///< the size-independent part of `communication`
    double host = 0;                  ///< host I/O cycles on the critical path
};

inline void finish_report(report& r, const machine& m, const std::vector<double>& tasks, std::size_t top_k,
                          const critical_path& path) {
    const std::size_t P = r.pe_compute_cycles.size();
    r.sram_bytes_per_pe = m.sram_bytes_per_pe;
    r.max_compute_cycles = 0;
    double sum = 0;
    for (double c : r.pe_compute_cycles) r.max_compute_cycles = std::max(r.max_compute_cycles, c), sum += c;
    r.mean_compute_cycles = P ? sum / static_cast<double>(P) : 0.0;

    // SRAM.
    std::size_t worst = 0, over = 0;
    r.max_pe_memory_bytes = 0;
    for (std::size_t p = 0; p < r.pe_memory_bytes.size(); ++p) {
        if (r.pe_memory_bytes[p] > r.max_pe_memory_bytes) r.max_pe_memory_bytes = r.pe_memory_bytes[p], worst = p;
        if (r.pe_memory_bytes[p] > m.sram_bytes_per_pe) ++over;
    }
    r.fits = over == 0;
    r.capacity_message.clear();
    if (!r.fits)
        r.capacity_message = "PE (" + std::to_string(worst / r.grid_cols) + "," + std::to_string(worst % r.grid_cols) +
                             ") needs " + std::to_string(r.max_pe_memory_bytes) + " bytes, " +
                             std::to_string(r.max_pe_memory_bytes - m.sram_bytes_per_pe) + " more than its " +
                             std::to_string(m.sram_bytes_per_pe) + "-byte SRAM; " + std::to_string(over) + " of " +
                             std::to_string(P) + " PEs do not fit";

    // Busiest PEs: O(P log k).
    std::vector<std::size_t> order(P);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const std::size_t k = std::min(top_k, P);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), [&](std::size_t a, std::size_t b) {
        return r.pe_compute_cycles[a] > r.pe_compute_cycles[b] || (r.pe_compute_cycles[a] == r.pe_compute_cycles[b] && a < b);
    });
    r.busiest.clear();
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t p = order[i];
        r.busiest.push_back({p / r.grid_cols, p % r.grid_cols, r.pe_compute_cycles[p], tasks.empty() ? 0.0 : tasks[p],
                             r.pe_memory_bytes[p], r.pe_traffic_words[p]});
    }

    // Rates.
    r.compute_cycles = path.compute;
    r.communication_cycles = path.communication;
    r.host_io_cycles = path.host;
    r.seconds = m.seconds(r.cycles);
    r.flop_per_second = r.seconds > 0 ? r.flops / r.seconds : 0.0;
    const double peak = m.peak_flop_per_second(r.type);
    r.fraction_of_peak = peak > 0 ? r.flop_per_second / peak : 0.0;
    const double grid_peak = peak * static_cast<double>(P) / static_cast<double>(m.pes());
    r.grid_fraction_of_peak = grid_peak > 0 ? r.flop_per_second / grid_peak : 0.0;

    // The bound.
    const auto pct = [](double a, double b) { return std::to_string(static_cast<long long>(b > 0 ? 100 * a / b + 0.5 : 0)) + "%"; };
    if (!r.fits) {
        r.bound = bound_kind::capacity;
        r.bound_reason = r.capacity_message;
    } else if (path.host > std::max(path.compute, path.communication)) {
        r.bound = bound_kind::host_io;
        r.bound_reason = "host I/O takes " + pct(path.host, r.cycles) + " of the cycles";
    } else if (path.communication > path.compute) {
        const bool lat = 2 * path.communication_latency >= path.communication;
        r.bound = lat ? bound_kind::latency : bound_kind::fabric;
        r.bound_reason = "communication takes " + pct(path.communication, r.cycles) + " of the cycles, " +
                         pct(path.communication_latency, path.communication) +
                         " of it size-independent (distance, ramps, dependent steps)";
    } else if (2 * r.mean_compute_cycles < r.max_compute_cycles) {
        r.bound = bound_kind::load_imbalance;
        r.bound_reason = "the busiest PE computes " +
                         std::to_string(r.mean_compute_cycles > 0 ? r.max_compute_cycles / r.mean_compute_cycles : 0.0) +
                         "x the mean PE";
    } else if (r.memory_port_bound) {
        r.bound = bound_kind::memory_port;
        r.bound_reason = "the busiest PE's tasks wait on its memory ports, not its SIMD units";
    } else {
        r.bound = bound_kind::compute;
        r.bound_reason = "compute takes " + pct(path.compute, r.cycles) + " of the cycles";
    }
    r.sparsity_speedup = r.cycles > 0 ? r.dense_cycles / r.cycles : 0.0;
}

} // namespace waferblas::model::detail
