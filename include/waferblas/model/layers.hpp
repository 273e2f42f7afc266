// waferblas/model/layers.hpp — the execution modes of the seed architecture: a sequence of dense or
// sparse linear layers, estimated pipelined (layers laid out in space), weight streaming (layers in
// time, weights streamed from MemoryX) or data-parallel over N systems joined by a SwarmX tree.
//
//   using namespace waferblas::model;
//   const std::vector<layer> mlp = {{"up", 8192, 32768, 65536, sparsity::dense()},
//                                   {"down", 32768, 8192, 65536, sparsity::n_of_m(2, 4)}};
//   auto ws = estimate_sequence(mlp, execution_mode::weight_streaming, wse2());
//   std::cout << to_text(ws);               // per layer: cycles and what bounds them; totals
//   execution_options o; o.systems = 16; o.work = workload::training;
//   auto dp = estimate_sequence(mlp, execution_mode::data_parallel, wse2(), o);
//
// A layer is Y = W X: W is out_features x in_features (sparse or dense), X holds batch_or_tokens
// activation columns. Only linear (fully connected) layers are modelled: no convolutions, no
// attention score products, no element-wise work. The formulas, every assumption and the sources
// (keys [S..] of the wafer facts file) are in docs/model.md, section "Execution modes"; the short
// version is in the comments below.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "communication.hpp"
#include "compute.hpp"
#include "dtype.hpp"
#include "machine.hpp"
#include "report.hpp"

namespace waferblas::model {

// ---------------------------------------------------------------------------------------------
// Weight sparsity
// ---------------------------------------------------------------------------------------------

enum class sparsity_kind {
    dense,        ///< every weight is stored, streamed and multiplied
    unstructured, ///< any `density` fraction of the weights is nonzero
    n_m,          ///< N nonzeros in every group of M consecutive weights of a row (along in_features)
    block,        ///< a `density` fraction of block_rows x block_cols blocks is nonzero (and dense)
};

[[nodiscard]] constexpr const char* to_string(sparsity_kind k) noexcept {
    switch (k) {
    case sparsity_kind::dense: return "dense";
    case sparsity_kind::unstructured: return "unstructured";
    case sparsity_kind::n_m: return "n_m";
    case sparsity_kind::block: return "block";
    }
    return "?";
}

/// Bytes of metadata an unstructured nonzero carries: a 16-bit index next to its value, as in the
/// fabric's sparse wavelet (16-bit index + 16-bit value, [S2]). 16 bits always suffice: an index is
/// local to one PE's block, and no PE holds more than 48 KB.
inline constexpr double unstructured_index_bytes = 2.0;
/// Bytes of metadata per nonzero *block* of block sparsity (a local block index, as above).
inline constexpr double block_index_bytes = 2.0;

/// How the weights of a layer are sparse. Fields a kind does not use must keep their defaults
/// (density 1, n = m = block_rows = block_cols = 0), so that a mixed-up description is an error
/// rather than silently ignored. Build with the factories:
///   sparsity::dense(), sparsity::unstructured(0.1), sparsity::n_of_m(2, 4), sparsity::blocks(8, 8, 0.25)
struct sparsity {
    sparsity_kind kind = sparsity_kind::dense;
    double density = 1.0;                        ///< unstructured, block: nonzero fraction
    std::size_t n = 0, m = 0;                    ///< n_m: n nonzeros per m weights
    std::size_t block_rows = 0, block_cols = 0;  ///< block: block shape

    [[nodiscard]] static sparsity dense() { return {}; }
    [[nodiscard]] static sparsity unstructured(double d) { return {sparsity_kind::unstructured, d, 0, 0, 0, 0}; }
    [[nodiscard]] static sparsity n_of_m(std::size_t n_, std::size_t m_) { return {sparsity_kind::n_m, 1.0, n_, m_, 0, 0}; }
    [[nodiscard]] static sparsity blocks(std::size_t rows, std::size_t cols, double d) {
        return {sparsity_kind::block, d, 0, 0, rows, cols};
    }

    /// Fraction of the weights that are nonzero: 1, density, n/m, density.
    [[nodiscard]] double nonzero_fraction() const noexcept {
        switch (kind) {
        case sparsity_kind::dense: return 1.0;
        case sparsity_kind::unstructured: return density;
        case sparsity_kind::n_m: return static_cast<double>(n) / static_cast<double>(m);
        case sparsity_kind::block: return density;
        }
        return 1.0;
    }

    /// Metadata bytes per nonzero weight, beyond its value: dense 0; unstructured 2 (16-bit index);
    /// N:M ceil(log2 M) bits (the position of the nonzero inside its group, as in the 2-bit
    /// metadata of 2:4 formats); block 2 bytes per nonzero block, i.e. 2 / (block_rows x block_cols).
    [[nodiscard]] double index_bytes_per_nonzero() const noexcept {
        switch (kind) {
        case sparsity_kind::dense: return 0.0;
        case sparsity_kind::unstructured: return unstructured_index_bytes;
        case sparsity_kind::n_m: return static_cast<double>(detail::ceil_log2(m)) / 8.0;
        case sparsity_kind::block:
            return block_index_bytes / (static_cast<double>(block_rows) * static_cast<double>(block_cols));
        }
        return 0.0;
    }

    /// Bytes one nonzero weight of type t occupies when stored or streamed: value + metadata.
    [[nodiscard]] double encoded_bytes_per_nonzero(dtype t) const noexcept {
        return static_cast<double>(bytes_of(t)) + index_bytes_per_nonzero();
    }

    /// "dense", "unstructured 25%", "2:4", "block 8x8 25%".
    [[nodiscard]] std::string describe() const {
        char buf[96];
        switch (kind) {
        case sparsity_kind::dense: return "dense";
        case sparsity_kind::unstructured: std::snprintf(buf, sizeof buf, "unstructured %.4g%%", 100 * density); break;
        case sparsity_kind::n_m: std::snprintf(buf, sizeof buf, "%zu:%zu", n, m); break;
        case sparsity_kind::block:
            std::snprintf(buf, sizeof buf, "block %zux%zu %.4g%%", block_rows, block_cols, 100 * density);
            break;
        }
        return buf;
    }
};

// ---------------------------------------------------------------------------------------------
// Layers, modes, options
// ---------------------------------------------------------------------------------------------

/// One linear layer Y (out x batch) = W (out x in) X (in x batch).
struct layer {
    std::string name;
    std::size_t in_features = 0, out_features = 0;
    std::size_t batch_or_tokens = 0; ///< activation columns per step (samples, or tokens of a sequence)
    sparsity weights{};
};

enum class execution_mode {
    pipelined,        ///< layers in space: every layer's weights stay in SRAM, activations stream through
    weight_streaming, ///< layers in time: activations stay, each layer's weights stream in from MemoryX
    data_parallel,    ///< weight streaming on N systems, batch split N ways, SwarmX broadcast/reduce tree
};

[[nodiscard]] constexpr const char* to_string(execution_mode m) noexcept {
    switch (m) {
    case execution_mode::pipelined: return "pipelined";
    case execution_mode::weight_streaming: return "weight streaming";
    case execution_mode::data_parallel: return "data parallel";
    }
    return "?";
}

/// What one step computes. training = forward + backward: three products of the same size per layer
/// (Y = W X; dX = W^T dY; dW = dY X^T restricted to the nonzeros of W), i.e. 3x the forward FMACs.
enum class workload { inference, training };

[[nodiscard]] constexpr const char* to_string(workload w) noexcept {
    return w == workload::inference ? "inference" : "training";
}

struct execution_options {
    dtype precision = dtype::fp16;  ///< type of weights and activations (fp16: the training default on the WSE)
    workload work = workload::inference;
    std::size_t systems = 1;        ///< data_parallel only; the other modes run on one system
    /// Latency one SwarmX tree level adds to a stream. ASSUMPTION (unverified: no published figure):
    /// 1 us, the order of one store-and-forward hop of an Ethernet-class switch.
    double swarmx_level_seconds = 1e-6;
};

/// The estimate of one layer in one mode. Cost terms are cycles of one system's clock for the whole
/// step (all batch_or_tokens columns; per system in data_parallel). Throughput terms overlap, so
///   cycles = max(compute, memory, fabric, io) + latency + swarmx,
/// and bound (the model's bound_kind, report.hpp) names the largest term: compute, memory_port,
/// fabric, host_io, or latency for the fixed costs (latency + swarmx); capacity when the layer does
/// not fit.
/// In pipelined mode the layers run concurrently: a layer's cycles are its busy time, and the
/// sequence's time is the pipeline fill plus (samples - 1) x the slowest stage.
struct layer_estimate {
    std::string name;
    std::size_t in_features = 0, out_features = 0;
    sparsity weights{};
    std::size_t batch = 0;          ///< activation columns this layer processes on one system
    double nonzero_weights = 0;     ///< nonzero_fraction x in x out
    double fmacs = 0;               ///< multiply-adds of the step (x3 for training)
    double flops = 0;               ///< fmacs x flops_per_fmac
    double pes_used = 0;            ///< PEs the layer runs on (continuous: rounding is not modelled)
    double weight_bytes = 0;        ///< nonzero weights encoded (values + metadata)
    double streamed_bytes = 0;      ///< over the system I/O per step, both directions (0 when pipelined)
    double sram_bytes_per_pe = 0;   ///< SRAM one PE needs for this layer
    double compute_cycles = 0, memory_cycles = 0, fabric_cycles = 0, io_cycles = 0;
    double latency_cycles = 0, swarmx_cycles = 0;
    double cycles = 0, seconds = 0;
    bound_kind bound = bound_kind::compute;
    bool fits = true;
};

struct sequence_estimate {
    execution_mode mode = execution_mode::weight_streaming;
    std::string machine_name;
    dtype precision = dtype::fp16;
    workload work = workload::inference;
    std::size_t systems = 1;
    std::size_t swarmx_depth = 0;    ///< levels of the SwarmX tree (data_parallel; 0 otherwise)
    std::size_t samples = 0;         ///< batch_or_tokens of the step (all systems together)
    std::vector<layer_estimate> layers;
    double cycles = 0, seconds = 0;  ///< one step
    double samples_per_second = 0;
    double flops = 0;                ///< useful flops of the step, all systems
    double flop_per_second = 0;
    double fraction_of_peak = 0;     ///< flop_per_second / (systems x machine peak for precision)
    double sram_bytes_per_pe = 0;    ///< the most any PE needs
    double sram_bytes_available_per_pe = 0;
    bound_kind bound = bound_kind::compute; ///< capacity if it does not fit, else see estimate_sequence
    bool fits = true;
};

// ---------------------------------------------------------------------------------------------
// Validation and closed forms
// ---------------------------------------------------------------------------------------------

namespace detail::layers {

[[nodiscard]] inline double d(std::size_t v) noexcept { return static_cast<double>(v); }

[[nodiscard]] inline std::string label(const layer& l, std::size_t position) {
    return l.name.empty() ? "layer #" + std::to_string(position)
                          : "layer '" + l.name + "' (#" + std::to_string(position) + ")";
}

[[nodiscard]] inline double fmac_passes(workload w) noexcept { return w == workload::training ? 3.0 : 1.0; }
/// Times the weights cross the system I/O inbound per step: forward, and again for the backward pass.
[[nodiscard]] inline double weight_stream_passes(workload w) noexcept { return w == workload::training ? 2.0 : 1.0; }

/// Weight-streaming bytes per cycle into one system: the slower of MemoryX and the host I/O link.
[[nodiscard]] inline double io_bytes_per_cycle(const machine& m) noexcept {
    return std::min(m.host_io_bytes_per_second, m.memoryx_bytes_per_second) / m.clock_hz;
}

/// SIMD cycles per FMAC on one PE (long vectors: the ceil of compute.hpp's task_body vanishes).
[[nodiscard]] inline double compute_cycles_per_fmac(const machine& m, dtype t) { return 1.0 / m.fmac_per_cycle(t); }

/// Memory-port cycles per FMAC of an AXPY y += a x (compute.hpp's axpy_access: 2 reads + 1 write,
/// the "3 memory accesses per FMAC" of facts §2), plus `extra_read_bytes` per FMAC (stored metadata).
[[nodiscard]] inline double port_cycles_per_fmac(const machine& m, dtype t, double extra_read_bytes = 0) {
    const double b = d(bytes_of(t));
    return std::max((axpy_access.reads * b + extra_read_bytes) / m.read_bytes_per_cycle,
                    axpy_access.writes * b / m.write_bytes_per_cycle);
}

/// Cycles per FMAC when the weight arrives over the fabric (weight streaming): the weight is the
/// AXPY's scalar, y[r, :] += w * x[j, :] reads x and y and writes y.
[[nodiscard]] inline double streamed_cycles_per_fmac(const machine& m, dtype t) {
    return std::max(compute_cycles_per_fmac(m, t), port_cycles_per_fmac(m, t));
}

/// Fabric fill of one pass: the first weights cross the fabric from its edge (the 2D broadcast of
/// [S6], communication.hpp, without its B term: M + N - 2 + 2 T_R + 1) and one task starts.
[[nodiscard]] inline double fill_cycles(const machine& m) noexcept {
    return broadcast_2d(0, m.fabric_width, m.fabric_height, m.ramp_latency_cycles) + m.task_start_cycles;
}

/// A continuous PE count as a whole one for the closed forms (at least 1).
[[nodiscard]] inline std::size_t whole(double v) noexcept {
    return static_cast<std::size_t>(std::max(1.0, std::round(v)));
}

inline void pick_bound(layer_estimate& e) {
    const std::pair<double, bound_kind> terms[] = {
        {e.compute_cycles, bound_kind::compute}, {e.memory_cycles, bound_kind::memory_port},
        {e.fabric_cycles, bound_kind::fabric},   {e.io_cycles, bound_kind::host_io},
        {e.latency_cycles + e.swarmx_cycles, bound_kind::latency}};
    e.bound = bound_kind::compute;
    double best = -1;
    for (const auto& [v, b] : terms)
        if (v > best) best = v, e.bound = b; // ties go to the earlier term
    if (!e.fits) e.bound = bound_kind::capacity;
}

} // namespace detail::layers

/// Throws invalid_argument_error naming the layer (by name and position) and the field.
inline void validate(const layer& l, std::size_t position = 0) {
    const auto bad = [&](const std::string& field, const std::string& why) {
        throw invalid_argument_error(detail::layers::label(l, position) + ": " + field + " " + why);
    };
    if (l.in_features == 0) bad("in_features", "must be at least 1");
    if (l.out_features == 0) bad("out_features", "must be at least 1");
    if (l.batch_or_tokens == 0) bad("batch_or_tokens", "must be at least 1");
    const sparsity& s = l.weights;
    const bool uses_density = s.kind == sparsity_kind::unstructured || s.kind == sparsity_kind::block;
    if (uses_density) {
        if (!(s.density > 0 && s.density <= 1))
            bad("sparsity.density", "must be in (0, 1] (is " + std::to_string(s.density) + ")");
    } else if (s.density != 1.0) {
        bad("sparsity.density", std::string("is not used by ") + to_string(s.kind) + " sparsity: leave it at 1 (is " +
                                    std::to_string(s.density) + ")");
    }
    if (s.kind == sparsity_kind::n_m) {
        if (s.m == 0) bad("sparsity.m", "must be at least 1");
        if (s.n == 0) bad("sparsity.n", "must be at least 1");
        if (s.n > s.m) bad("sparsity.n", "must not exceed m (" + std::to_string(s.n) + ":" + std::to_string(s.m) + ")");
        if (l.in_features % s.m != 0)
            bad("sparsity.m", "must divide in_features (" + std::to_string(l.in_features) + " % " +
                                  std::to_string(s.m) + " != 0): groups of m run along a row");
    } else {
        if (s.n != 0) bad("sparsity.n", std::string("is only used by n_m sparsity (kind is ") + to_string(s.kind) + ")");
        if (s.m != 0) bad("sparsity.m", std::string("is only used by n_m sparsity (kind is ") + to_string(s.kind) + ")");
    }
    if (s.kind == sparsity_kind::block) {
        if (s.block_rows == 0) bad("sparsity.block_rows", "must be at least 1");
        if (s.block_cols == 0) bad("sparsity.block_cols", "must be at least 1");
        if (l.out_features % s.block_rows != 0)
            bad("sparsity.block_rows", "must divide out_features (" + std::to_string(l.out_features) + ")");
        if (l.in_features % s.block_cols != 0)
            bad("sparsity.block_cols", "must divide in_features (" + std::to_string(l.in_features) + ")");
    } else {
        if (s.block_rows != 0)
            bad("sparsity.block_rows", std::string("is only used by block sparsity (kind is ") + to_string(s.kind) + ")");
        if (s.block_cols != 0)
            bad("sparsity.block_cols", std::string("is only used by block sparsity (kind is ") + to_string(s.kind) + ")");
    }
}

/// Levels of a SwarmX tree of the given fan-out serving `systems` systems: ceil(log_fanout(systems)),
/// computed exactly in integers (0 for one system: it talks to MemoryX without a broadcast/reduce node).
[[nodiscard]] inline std::size_t swarmx_depth(std::size_t systems, std::size_t fanout) {
    if (systems == 0) throw invalid_argument_error("swarmx_depth: systems must be at least 1");
    if (fanout < 2) throw invalid_argument_error("swarmx_depth: fanout must be at least 2 (is " + std::to_string(fanout) + ")");
    std::size_t depth = 0;
    for (std::size_t reach = 1; reach < systems; ++depth) {
        if (reach > std::numeric_limits<std::size_t>::max() / fanout) return depth + 1;
        reach *= fanout;
    }
    return depth;
}

/// The batch at which a weight-streaming layer turns from host-I/O bound to compute (or memory-port)
/// bound on one system. I/O cycles: k_in x nnz x e / io, with k_in = 1 (inference) or 2 (training:
/// forward and backward), e = encoded bytes per nonzero, io = bytes per cycle of the weight stream.
/// Compute cycles: k x nnz x B x c / P, with k = 1 or 3, c = cycles per FMAC on a PE, P = PEs. Equal at
///   B* = (k_in / k) x e x P / (io x c),
/// independent of the layer's shape and density (nnz cancels): sparsity moves B* only through the
/// metadata in e. Valid when out_features x B* >= P (every PE owns an output) and the fabric term
/// stays below the compute term (both hold for layers of a few thousand features; see docs).
[[nodiscard]] inline double weight_streaming_crossover_batch(const layer& l, const machine& m,
                                                             const execution_options& o = {}) {
    m.validate();
    validate(l);
    using namespace detail::layers;
    const double e = l.weights.encoded_bytes_per_nonzero(o.precision);
    return weight_stream_passes(o.work) / fmac_passes(o.work) * e * d(m.pes()) /
           (io_bytes_per_cycle(m) * streamed_cycles_per_fmac(m, o.precision));
}

// ---------------------------------------------------------------------------------------------
// Per-mode estimates
// ---------------------------------------------------------------------------------------------

namespace detail::layers {

inline void finish_layer(layer_estimate& e, const machine& m) {
    e.cycles = std::max({e.compute_cycles, e.memory_cycles, e.fabric_cycles, e.io_cycles}) + e.latency_cycles +
               e.swarmx_cycles;
    e.seconds = m.seconds(e.cycles);
    pick_bound(e);
}

inline layer_estimate start_layer(const layer& l, std::size_t batch, const execution_options& o) {
    layer_estimate e;
    e.name = l.name;
    e.in_features = l.in_features;
    e.out_features = l.out_features;
    e.weights = l.weights;
    e.batch = batch;
    e.nonzero_weights = l.weights.nonzero_fraction() * d(l.in_features) * d(l.out_features);
    e.fmacs = fmac_passes(o.work) * e.nonzero_weights * d(batch);
    e.flops = e.fmacs * flops_per_fmac(o.precision);
    e.weight_bytes = e.nonzero_weights * l.weights.encoded_bytes_per_nonzero(o.precision);
    return e;
}

/// One layer streamed onto one system with `batch` columns. Layout: output-stationary. Each used PE
/// owns an a_o x a_b block of Y (a_o output rows, a_b batch columns, a_o a_b = out x batch / PEs);
/// the nonzero weights of its rows arrive along its PE row and x[:, its columns] along its PE
/// column (SUMMA-like). The block shape minimises the PE's fabric bytes
///   in x (f a_o e + a_b b)            (f = nonzero fraction, e = encoded bytes, b = value bytes)
/// giving a_b = sqrt(f e A / b), clamped to a_o <= out, a_b <= batch, a_o, a_b >= 1.
inline layer_estimate streamed(const layer& l, std::size_t batch, const machine& m, const execution_options& o,
                               double stash_bytes) {
    layer_estimate e = start_layer(l, batch, o);
    const double P = d(m.pes()), out = d(l.out_features), in = d(l.in_features), B = d(batch);
    const double b = d(bytes_of(o.precision)), f = l.weights.nonzero_fraction();
    const double enc = l.weights.encoded_bytes_per_nonzero(o.precision);
    const double k = fmac_passes(o.work);
    e.pes_used = std::min(P, out * B);
    const double A = out * B / e.pes_used;
    const double a_b = std::clamp(std::sqrt(f * enc * A / b), std::max(1.0, A / out), std::min(B, A));
    const double a_o = A / a_b;
    const double fmac_per_pe = e.fmacs / e.pes_used;
    const double c_compute = compute_cycles_per_fmac(m, o.precision);
    e.compute_cycles = fmac_per_pe * c_compute;
    e.memory_cycles = fmac_per_pe * port_cycles_per_fmac(m, o.precision);
    // Each of the k products moves a block of the same shape through the PE.
    e.fabric_cycles = k * in * (f * a_o * enc + a_b * b) / m.link_bytes_per_cycle();
    // Inbound weights (k_in passes) and, for training, outbound gradients of the nonzeros (values
    // only: MemoryX knows the pattern) share a full-duplex link: the larger direction counts.
    const double inbound = weight_stream_passes(o.work) * e.weight_bytes;
    const double outbound = o.work == workload::training ? e.nonzero_weights * b : 0.0;
    e.streamed_bytes = inbound + outbound;
    e.io_cycles = std::max(inbound, outbound) / io_bytes_per_cycle(m);
    e.latency_cycles = k * fill_cycles(m);
    // Activations stay on the wafer, spread over all PEs: this layer's X and Y, plus (training) the
    // activations stashed for the backward pass.
    e.sram_bytes_per_pe = ((in + out) * B * b + stash_bytes) / P;
    e.fits = e.sram_bytes_per_pe <= d(m.sram_bytes_per_pe);
    return e;
}

inline void check_sequence(std::span<const layer> layers, const machine& m, const execution_options& o) {
    m.validate();
    if (layers.empty()) throw invalid_argument_error("layer sequence is empty");
    for (std::size_t i = 0; i < layers.size(); ++i) validate(layers[i], i);
    for (std::size_t i = 1; i < layers.size(); ++i)
        if (layers[i].batch_or_tokens != layers[0].batch_or_tokens)
            throw dimension_error(label(layers[i], i) + ": batch_or_tokens " + std::to_string(layers[i].batch_or_tokens) +
                                  " differs from " + label(layers[0], 0) + " (" +
                                  std::to_string(layers[0].batch_or_tokens) + "): a step has one batch");
    if (o.systems == 0) throw invalid_argument_error("execution_options.systems must be at least 1");
    if (!(o.swarmx_level_seconds >= 0) || !std::isfinite(o.swarmx_level_seconds))
        throw invalid_argument_error("execution_options.swarmx_level_seconds must be finite and >= 0 (is " +
                                     std::to_string(o.swarmx_level_seconds) + ")");
    (void)m.fmac_per_cycle(o.precision); // throws if the machine does not support the precision
}

inline sequence_estimate sequence_header(std::span<const layer> layers, execution_mode mode, const machine& m,
                                const execution_options& o) {
    sequence_estimate s;
    s.mode = mode;
    s.machine_name = m.name;
    s.precision = o.precision;
    s.work = o.work;
    s.systems = mode == execution_mode::data_parallel ? o.systems : 1;
    s.samples = layers[0].batch_or_tokens;
    s.sram_bytes_available_per_pe = d(m.sram_bytes_per_pe);
    return s;
}

inline void summarise(sequence_estimate& s, const machine& m) {
    s.seconds = m.seconds(s.cycles);
    s.samples_per_second = d(s.samples) / s.seconds;
    s.flop_per_second = s.flops / s.seconds;
    s.fraction_of_peak = s.flop_per_second / (d(s.systems) * m.peak_flop_per_second(s.precision));
    s.fits = true;
    s.sram_bytes_per_pe = 0;
    for (const auto& e : s.layers) {
        s.fits = s.fits && e.fits;
        s.sram_bytes_per_pe = std::max(s.sram_bytes_per_pe, e.sram_bytes_per_pe);
    }
}

/// Sequence bound of layers run one after another: the bound that accounts for the most cycles.
inline bound_kind dominant_bound(const std::vector<layer_estimate>& ls) {
    constexpr bound_kind kinds[] = {bound_kind::compute, bound_kind::memory_port, bound_kind::fabric,
                                    bound_kind::host_io, bound_kind::latency};
    bound_kind best = bound_kind::compute;
    double most = -1;
    for (const auto k : kinds) {
        double sum = 0;
        for (const auto& e : ls)
            if (e.bound == k) sum += e.cycles;
        if (sum > most) most = sum, best = k;
    }
    return best;
}

inline sequence_estimate streamed_sequence(std::span<const layer> layers, execution_mode mode, const machine& m,
                                           const execution_options& o) {
    sequence_estimate s = sequence_header(layers, mode, m, o);
    const std::size_t N = s.systems;
    const std::size_t per_system = s.samples / N + (s.samples % N != 0 ? 1 : 0); // the busiest system's share, without wrapping
    s.swarmx_depth = mode == execution_mode::data_parallel ? swarmx_depth(N, m.swarmx_fanout) : 0;
    // Streams crossing the tree per layer: the weight broadcast (inference), or two weight broadcasts
    // and one gradient reduction (training). Pipelined through the tree at link rate, each adds its
    // depth x level latency once.
    const double streams = o.work == workload::training ? 3.0 : 1.0;
    const double swarmx = streams * d(s.swarmx_depth) * m.cycles_of_seconds(o.swarmx_level_seconds);
    double stash = 0;
    if (o.work == workload::training)
        for (const auto& l : layers) stash += d(l.in_features) * d(per_system) * d(bytes_of(o.precision));
    for (const auto& l : layers) {
        layer_estimate e = streamed(l, per_system, m, o, stash);
        e.swarmx_cycles = swarmx;
        finish_layer(e, m);
        s.cycles += e.cycles;
        // Useful work of the whole step (all systems): the batch, not N x the rounded-up share.
        s.flops += fmac_passes(o.work) * e.nonzero_weights * d(s.samples) * flops_per_fmac(o.precision);
        s.layers.push_back(std::move(e));
    }
    summarise(s, m);
    s.bound = s.fits ? dominant_bound(s.layers) : bound_kind::capacity;
    return s;
}

} // namespace detail::layers

/// Pipelined: every layer is a stage on its own rectangle of PEs, allotted in proportion to the
/// layer's nonzero FMACs weighted by its cycles per FMAC (so that stages take equal time; for
/// layers of one sparsity kind this is proportional to flops), floor, at least 1 PE, at most one PE
/// per weight. Inside a stage the layout
/// is the GEMV of facts §2: PE (i, j) of an r x c stage holds the nonzeros of W block (i, j); the
/// sample's x is multicast down PE columns, partial sums of y are reduced along PE rows and leave
/// for the next stage. r/c = out/in minimises a PE's fabric words per sample, max(in/c, out/r).
/// Per sample and PE: compute k nnz / (r c) / fmac_rate; memory reads w, its metadata and y and
/// writes y; fabric max(in/c, out/r) values x (1 inference, 2 training: activations and their
/// gradients). The stored weights (values + metadata, + a gradient accumulator for training), the
/// x and y slices must fit in a PE's SRAM. A step of n samples takes
///   fill + (n - 1) x slowest stage,  fill = sum over stages of (stage time + broadcast/reduce latency).
/// Layers whose weights do not fit are reported (fits = false, bound capacity) with the timing they
/// would have with enough SRAM.
[[nodiscard]] inline sequence_estimate estimate_pipelined(std::span<const layer> layers, const machine& m,
                                                          const execution_options& o = {}) {
    using namespace detail::layers;
    check_sequence(layers, m, o);
    if (o.systems != 1)
        throw invalid_argument_error("execution_options.systems is " + std::to_string(o.systems) +
                                     ": pipelined mode runs on one system (use data_parallel)");
    sequence_estimate s = sequence_header(layers, execution_mode::pipelined, m, o);
    const double P = d(m.pes()), n = d(s.samples), b = d(bytes_of(o.precision)), k = fmac_passes(o.work);
    const double k_fabric = o.work == workload::training ? 2.0 : 1.0;
    // Cycles per sample of each layer on one PE: the weight of its PE allotment.
    const auto work = [&](const layer& l) {
        return l.weights.nonzero_fraction() * d(l.in_features) * d(l.out_features) *
               std::max(compute_cycles_per_fmac(m, o.precision),
                        port_cycles_per_fmac(m, o.precision, l.weights.index_bytes_per_nonzero()));
    };
    double total_work = 0;
    for (const auto& l : layers) total_work += work(l);
    double allotted = 0, slowest = 0, fill = 0;
    bound_kind slowest_bound = bound_kind::compute;
    for (const auto& l : layers) {
        layer_estimate e = start_layer(l, s.samples, o);
        const double in = d(l.in_features), out = d(l.out_features);
        const double pes = std::min(std::max(1.0, std::floor(P * work(l) / total_work)), in * out);
        allotted += pes;
        double c = std::clamp(std::sqrt(pes * in / out), 1.0, in), r = pes / c;
        if (r < 1) r = 1, c = std::min(pes, in);
        e.pes_used = r * c;
        const double fmac_per_pe = k * e.nonzero_weights / e.pes_used; // per sample
        const double meta = l.weights.index_bytes_per_nonzero();
        const double compute = fmac_per_pe * compute_cycles_per_fmac(m, o.precision);
        const double memory = fmac_per_pe * port_cycles_per_fmac(m, o.precision, meta);
        const double fabric = k_fabric * std::max(in / c, out / r) * b / m.link_bytes_per_cycle();
        e.compute_cycles = n * compute;
        e.memory_cycles = n * memory;
        e.fabric_cycles = n * fabric;
        // First sample: x multicast down the stage's r PE rows (B + P + 2 T_R without B) and the
        // partials chain-reduced along its c PE columns ((2 T_R + 2)(P - 1), the latency of the
        // pipelined chain whose contention the fabric term charges; [S6], communication.hpp), and
        // one task start.
        e.latency_cycles = broadcast(0, whole(r), m.ramp_latency_cycles) +
                           chain_reduce(0, whole(c), m.ramp_latency_cycles) + m.task_start_cycles;
        const double gradient_store = o.work == workload::training ? e.nonzero_weights * b : 0.0;
        e.sram_bytes_per_pe = (e.weight_bytes + gradient_store) / e.pes_used + (in / c + out / r) * b;
        e.fits = e.sram_bytes_per_pe <= d(m.sram_bytes_per_pe);
        finish_layer(e, m);
        const double stage = std::max({compute, memory, fabric});
        fill += stage + e.latency_cycles;
        if (stage > slowest) slowest = stage, slowest_bound = e.bound;
        s.flops += e.flops;
        s.layers.push_back(std::move(e));
    }
    s.cycles = fill + (n - 1) * slowest;
    summarise(s, m);
    if (allotted > P) s.fits = false; // more stages than PEs
    if (!s.fits)
        s.bound = bound_kind::capacity;
    else
        s.bound = fill > (n - 1) * slowest ? bound_kind::latency : slowest_bound;
    return s;
}

/// Weight streaming on one system: layers run one after another on the whole wafer. A layer's
/// nonzero weights (values + metadata) stream in from MemoryX at min(host I/O, MemoryX) bytes per
/// second ([S19]: 1.2 Tb/s); zero weights are neither streamed nor multiplied. Its cycles are
///   max(compute, memory ports, fabric, I/O) + k x (fabric fill + task start),
/// with the output-stationary layout described at detail::layers::streamed. Activations stay on the
/// wafer and must fit (training also keeps every layer's input for the backward pass).
[[nodiscard]] inline sequence_estimate estimate_weight_streaming(std::span<const layer> layers, const machine& m,
                                                                 const execution_options& o = {}) {
    detail::layers::check_sequence(layers, m, o);
    if (o.systems != 1)
        throw invalid_argument_error("execution_options.systems is " + std::to_string(o.systems) +
                                     ": weight_streaming runs on one system (use data_parallel)");
    return detail::layers::streamed_sequence(layers, execution_mode::weight_streaming, m, o);
}

/// Data parallel over o.systems systems: each runs weight streaming on ceil(batch / N) columns;
/// SwarmX broadcasts the weights to all systems (each link at the host I/O rate) and, for training,
/// reduces the gradients on their way back, a tree of depth ceil(log_f N) (f = machine.swarmx_fanout)
/// that adds depth x swarmx_level_seconds of latency per stream and layer. With one system it equals
/// estimate_weight_streaming.
[[nodiscard]] inline sequence_estimate estimate_data_parallel(std::span<const layer> layers, const machine& m,
                                                              const execution_options& o = {}) {
    detail::layers::check_sequence(layers, m, o);
    return detail::layers::streamed_sequence(layers, execution_mode::data_parallel, m, o);
}

/// Dispatches on mode. The sequence bound: capacity if something does not fit; for weight streaming
/// and data parallel, the layer bound that accounts for the most cycles; for pipelined, the bound of
/// the slowest stage (latency when the pipeline fill outweighs the steady state).
[[nodiscard]] inline sequence_estimate estimate_sequence(std::span<const layer> layers, execution_mode mode,
                                                         const machine& m, const execution_options& o = {}) {
    switch (mode) {
    case execution_mode::pipelined: return estimate_pipelined(layers, m, o);
    case execution_mode::weight_streaming: return estimate_weight_streaming(layers, m, o);
    case execution_mode::data_parallel: return estimate_data_parallel(layers, m, o);
    }
    throw invalid_argument_error("estimate_sequence: unknown execution_mode");
}

/// A table a person can read: one line per layer, then the totals.
[[nodiscard]] inline std::string to_text(const sequence_estimate& s) {
    std::string out;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s on %s, %s %s, %zu system%s%s, %zu samples per step\n", to_string(s.mode),
                  s.machine_name.c_str(), to_string(s.precision), to_string(s.work), s.systems, s.systems == 1 ? "" : "s",
                  s.mode == execution_mode::data_parallel ? (", SwarmX depth " + std::to_string(s.swarmx_depth)).c_str() : "",
                  s.samples);
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-16s %-13s %-20s %12s %10s %14s %-11s %s\n", "layer", "out x in", "sparsity",
                  "GFLOP", "PEs", "cycles", "bound", "SRAM/PE");
    out += buf;
    for (const auto& e : s.layers) {
        const std::string shape = std::to_string(e.out_features) + "x" + std::to_string(e.in_features);
        std::snprintf(buf, sizeof buf, "  %-16s %-13s %-20s %12.4g %10.0f %14.6g %-11s %.0f B%s\n", e.name.c_str(),
                      shape.c_str(), e.weights.describe().c_str(), e.flops / 1e9, e.pes_used, e.cycles,
                      to_string(e.bound), e.sram_bytes_per_pe, e.fits ? "" : " (does not fit)");
        out += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "  step: %.6g cycles = %.6g s; %.6g samples/s; %.4g TFLOP/s = %.3g%% of peak; bound %s\n",
                  s.cycles, s.seconds, s.samples_per_second, s.flop_per_second / 1e12, 100 * s.fraction_of_peak,
                  to_string(s.bound));
    out += buf;
    if (!s.fits) {
        if (s.sram_bytes_per_pe > s.sram_bytes_available_per_pe)
            std::snprintf(buf, sizeof buf,
                          "  DOES NOT FIT: needs up to %.0f B of SRAM per PE, a PE has %.0f B (timing assumes enough SRAM)\n",
                          s.sram_bytes_per_pe, s.sram_bytes_available_per_pe);
        else
            std::snprintf(buf, sizeof buf, "  DOES NOT FIT: %zu stages need more PEs than the fabric has\n",
                          s.layers.size());
        out += buf;
    }
    return out;
}

} // namespace waferblas::model
