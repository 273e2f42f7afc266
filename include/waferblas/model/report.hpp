// waferblas/model/report.hpp — what the wafer timing model predicts for one operation.
//
//   auto r = waferblas::model::estimate(plan, waferblas::model::wse2());
//   r.cycles; r.seconds; r.fits; r.bound;          // plain fields, ready for JSON
//   r.pe_compute_cycles[grid_index];                // per PE, row-major (index = row * grid_cols + col)
//   std::cout << waferblas::model::to_text(r);      // render.hpp
//
// A plain struct: every field is a number, a string, a bool, an enum with to_string(), or a vector
// of them, so a JSON writer (the CLI's) can serialise it field by field.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "communication.hpp"
#include "dtype.hpp"

namespace waferblas::model {

/// What limits the operation (see docs/model.md, "The bound").
enum class bound_kind { compute, memory_port, fabric, latency, load_imbalance, capacity, host_io };

[[nodiscard]] constexpr const char* to_string(bound_kind b) noexcept {
    switch (b) {
    case bound_kind::compute: return "compute";
    case bound_kind::memory_port: return "memory_port";
    case bound_kind::fabric: return "fabric";
    case bound_kind::latency: return "latency";
    case bound_kind::load_imbalance: return "load_imbalance";
    case bound_kind::capacity: return "capacity";
    case bound_kind::host_io: return "host_io";
    }
    return "?";
}

/// One PE's share, for the busiest-PE list.
struct pe_load {
    std::size_t row = 0, col = 0;
    double compute_cycles = 0;
    double tasks = 0;
    std::size_t memory_bytes = 0;
    double traffic_words = 0; ///< 32-bit words sent + received
};

/// The fabric traffic of the operation, costed with the section-3 model.
struct communication_report {
    double multicast_cycles = 0;      ///< the slowest multicast (x down PE columns; 0 if none)
    double reduction_cycles = 0;      ///< the slowest reduction (partial sums, split rows, dot products)
    double point_to_point_cycles = 0; ///< gathers and halo exchanges
    reduce_algorithm reduction_algorithm = reduce_algorithm::star; ///< chosen for the slowest reduction
    double reduction_wavelets = 0;    ///< its vector length B
    std::size_t reduction_pes = 0;    ///< its PE count P
    double multicast_words = 0, reduction_words = 0, point_to_point_words = 0, word_hops = 0;
    double latency_cycles = 0;        ///< the size-independent part of the communication on the critical path
};

struct report {
    std::string machine;          ///< machine name
    std::string op;               ///< e.g. "spmv", "spmm(8)", "stencil7_3d spmv", "cg"
    std::string placement;        ///< "row_blocks", "checkerboard", "columns" (structured), ...
    std::size_t grid_rows = 0, grid_cols = 0;
    dtype type = dtype::fp32;
    std::size_t width = 1;        ///< right-hand columns
    std::size_t rows = 0, cols = 0;
    double nnz = 0;

    // Per PE, row-major (index = row * grid_cols + col).
    std::vector<double> pe_compute_cycles;
    std::vector<std::size_t> pe_memory_bytes;
    std::vector<double> pe_traffic_words;

    double max_compute_cycles = 0, mean_compute_cycles = 0;
    bool memory_port_bound = false;   ///< the busiest PE's tasks are limited by its memory ports

    std::size_t max_pe_memory_bytes = 0, sram_bytes_per_pe = 0;
    bool fits = true;
    std::string capacity_message;     ///< empty when it fits; else which PE exceeds SRAM by how much

    communication_report comm;
    double host_io_cycles = 0;
    double compute_cycles = 0;        ///< compute on the critical path
    double communication_cycles = 0;  ///< communication on the critical path
    std::string critical_path;        ///< the overlap rule applied, in words

    double cycles = 0, seconds = 0, flops = 0, flop_per_second = 0;
    double fraction_of_peak = 0;      ///< of the whole machine's peak for `type`
    double grid_fraction_of_peak = 0; ///< of the peak of the grid's PEs only
    bound_kind bound = bound_kind::compute;
    std::string bound_reason;

    std::vector<pe_load> busiest;     ///< top PEs by compute cycles, busiest first

    double dense_cycles = 0, dense_flops = 0;
    bool dense_fits = true;
    double sparsity_speedup = 0;      ///< dense_cycles / cycles

    [[nodiscard]] std::size_t pes() const noexcept { return grid_rows * grid_cols; }
};

} // namespace waferblas::model
