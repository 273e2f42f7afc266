// Execution modes of the seed architecture: pipelined, weight streaming, data parallel
// (include/waferblas/model/layers.hpp; docs/model.md, "Execution modes").
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <waferblas/model/layers.hpp>

using namespace waferblas;
using namespace waferblas::model;

namespace {

layer square(std::size_t features, std::size_t batch, sparsity s = sparsity::dense(), std::string name = "fc") {
    return layer{std::move(name), features, features, batch, s};
}

sequence_estimate streamed(const layer& l, const machine& m = wse2(), execution_options o = {}) {
    return estimate_weight_streaming(std::vector<layer>{l}, m, o);
}

/// The message of the invalid_argument_error the call throws ("" if it throws nothing).
template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const invalid_argument_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("sparsity kinds: nonzero fraction and bytes per streamed nonzero") {
    const auto nm = sparsity::n_of_m(2, 4);
    CHECK(nm.nonzero_fraction() == 0.5);
    CHECK(nm.index_bytes_per_nonzero() == 0.25);              // 2 bits: position inside a group of 4
    CHECK(nm.encoded_bytes_per_nonzero(dtype::fp16) == 2.25);
    CHECK(sparsity::n_of_m(1, 8).index_bytes_per_nonzero() == 3.0 / 8);
    CHECK(sparsity::n_of_m(1, 1).index_bytes_per_nonzero() == 0.0);
    CHECK(sparsity::n_of_m(1, 5).index_bytes_per_nonzero() == 3.0 / 8); // ceil(log2 5)
    // Group sizes beyond 2^63 end too (a doubling loop shifted past the word and never ended).
    CHECK(sparsity::n_of_m(1, (std::size_t{1} << 63) + 1).index_bytes_per_nonzero() == 64.0 / 8);

    const auto u = sparsity::unstructured(0.3);
    CHECK(u.nonzero_fraction() == 0.3);
    CHECK(u.encoded_bytes_per_nonzero(dtype::fp16) == 4.0);   // the 16-bit index + 16-bit value wavelet
    CHECK(u.encoded_bytes_per_nonzero(dtype::fp32) == 6.0);

    const auto blk = sparsity::blocks(4, 8, 0.25);
    CHECK(blk.nonzero_fraction() == 0.25);
    CHECK(blk.index_bytes_per_nonzero() == 2.0 / 32);         // one 2-byte index per 4x8 block

    CHECK(sparsity::dense().nonzero_fraction() == 1.0);
    CHECK(sparsity::dense().encoded_bytes_per_nonzero(dtype::fp32) == 4.0);
    CHECK(nm.describe() == "2:4");
    CHECK(blk.describe() == "block 4x8 25%");
}

TEST_CASE("50% unstructured sparsity halves the FMACs, flops and compute cycles") {
    const auto dense = streamed(square(4096, 65536));
    const auto half = streamed(square(4096, 65536, sparsity::unstructured(0.5)));
    CHECK(half.layers[0].fmacs == dense.layers[0].fmacs / 2);
    CHECK(half.layers[0].flops == dense.layers[0].flops / 2);
    CHECK(half.flops == dense.flops / 2);
    CHECK(half.layers[0].compute_cycles == doctest::Approx(dense.layers[0].compute_cycles / 2).epsilon(1e-12));
    CHECK(dense.layers[0].flops == 2.0 * 4096 * 4096 * 65536);

    // ... but, at fp16, not the streamed bytes: half the weights at 4 bytes (index + value) each
    // is as many bytes as all of them at 2. Unstructured fp16 sparsity pays off only below 50%.
    CHECK(half.layers[0].weight_bytes == dense.layers[0].weight_bytes);
    CHECK(half.layers[0].io_cycles == dense.layers[0].io_cycles);
    const auto quarter = streamed(square(4096, 65536, sparsity::unstructured(0.25)));
    CHECK(quarter.layers[0].io_cycles == doctest::Approx(dense.layers[0].io_cycles / 2).epsilon(1e-12));

    // The same halving holds for the stationary weights of the pipelined mode.
    const auto pd = estimate_pipelined(std::vector<layer>{square(4096, 64)}, wse2());
    const auto ph = estimate_pipelined(std::vector<layer>{square(4096, 64, sparsity::unstructured(0.5))}, wse2());
    CHECK(ph.flops == pd.flops / 2);
}

TEST_CASE("weight streaming: host-I/O bound below the crossover batch, compute bound above it") {
    // Closed form B* = (k_in / k) e P / (io c). WSE-2 at 0.85 GHz, dense fp16 inference:
    // e = 2 B, P = 750 x 994 = 745,500, io = 150e9 / 0.85e9 B/cycle, c = 1/4 cycle per FMAC
    // (4 fp16 FMAC/cycle; the memory ports keep up exactly: 2 x 2 B read per FMAC at 16 B/cycle).
    // B* = 2 x 745500 x 4 x 0.85 / 150 = 33,796.
    const machine m = wse2();
    const layer l = square(8192, 1);
    const double crossover = weight_streaming_crossover_batch(l, m);
    CHECK(crossover == doctest::Approx(33796.0).epsilon(1e-13));
    // Independent of the layer's shape and density.
    CHECK(weight_streaming_crossover_batch(layer{"w", 4096, 16384, 1, {}}, m) == doctest::Approx(crossover).epsilon(1e-13));

    const auto below = streamed(square(8192, 33795)).layers[0];
    const auto at = streamed(square(8192, 33796)).layers[0];
    const auto above = streamed(square(8192, 33797)).layers[0];
    CHECK(below.bound == bound_kind::host_io);
    CHECK(below.io_cycles > below.compute_cycles);
    CHECK(at.compute_cycles == doctest::Approx(at.io_cycles).epsilon(1e-12));
    CHECK(above.bound == bound_kind::compute);
    CHECK(above.compute_cycles > above.io_cycles);
    // The closed form's validity conditions hold here: every PE owns outputs, fabric below compute.
    CHECK(at.pes_used == 745500.0);
    CHECK(at.fabric_cycles < at.compute_cycles);

    // Far from it, the bound is clear-cut.
    CHECK(streamed(square(8192, 256)).layers[0].bound == bound_kind::host_io);
    CHECK(streamed(square(8192, 1 << 18)).layers[0].bound == bound_kind::compute);
    // While I/O bound, the layer's time does not depend on the batch (compute hides under the stream).
    CHECK(streamed(square(8192, 4096)).layers[0].cycles == doctest::Approx(streamed(square(8192, 8192)).layers[0].cycles));
}

TEST_CASE("the crossover batch moves with training, metadata and precision exactly as derived") {
    const machine m = wse2();
    execution_options train;
    train.work = workload::training;
    // Training: weights cross the link twice (k_in = 2) for 3x the FMACs.
    CHECK(weight_streaming_crossover_batch(square(8192, 1), m, train) == doctest::Approx(33796.0 * 2 / 3).epsilon(1e-13));
    // Unstructured fp16: 4 bytes per nonzero instead of 2.
    CHECK(weight_streaming_crossover_batch(square(8192, 1, sparsity::unstructured(0.1)), m) ==
          doctest::Approx(2 * 33796.0).epsilon(1e-13));
    // 2:4: 2.25 bytes per nonzero.
    CHECK(weight_streaming_crossover_batch(square(8192, 1, sparsity::n_of_m(2, 4)), m) ==
          doctest::Approx(33796.0 * 2.25 / 2).epsilon(1e-13));
    // fp32: 4 bytes, 1 FMAC/cycle: B* = 4 x 745500 x 1 x 0.85 / 150 = 16,898.
    execution_options fp32;
    fp32.precision = dtype::fp32;
    CHECK(weight_streaming_crossover_batch(square(8192, 1), m, fp32) == doctest::Approx(16898.0).epsilon(1e-13));
    const auto t_below = streamed(square(8192, 22530), m, train).layers[0];
    const auto t_above = streamed(square(8192, 22531), m, train).layers[0];
    CHECK(t_below.bound == bound_kind::host_io);
    CHECK(t_above.bound == bound_kind::compute);
}

TEST_CASE("on WSE-3 the 8-wide fp16 SIMD outruns the memory ports") {
    // 8 FMAC/cycle need 8 x 2 x 2 B = 32 B of reads per cycle; the ports give 16 (facts §1, derived).
    const auto e = streamed(square(8192, 1 << 18), wse3()).layers[0];
    CHECK(e.bound == bound_kind::memory_port);
    CHECK(e.memory_cycles == doctest::Approx(2 * e.compute_cycles).epsilon(1e-12));
}

TEST_CASE("weight streaming sums its layers and names the bound that costs the most cycles") {
    const std::vector<layer> mlp = {{"up", 8192, 32768, 131072, sparsity::dense()},
                                    {"down", 32768, 8192, 131072, sparsity::n_of_m(2, 4)},
                                    {"head", 8192, 1024, 131072, sparsity::unstructured(0.1)}};
    const auto s = estimate_weight_streaming(mlp, wse2());
    double sum = 0;
    for (const auto& e : s.layers) sum += e.cycles;
    CHECK(s.cycles == doctest::Approx(sum).epsilon(1e-14));
    CHECK(s.layers.size() == 3);
    CHECK(s.layers[0].bound == bound_kind::compute);
    CHECK(s.bound == bound_kind::compute);
    CHECK(s.fits);
    CHECK(s.samples == 131072);
    CHECK(s.samples_per_second == doctest::Approx(131072 / s.seconds));
    CHECK(s.fraction_of_peak > 0.5);
    CHECK(s.fraction_of_peak <= 1.0);
    CHECK(s.seconds == doctest::Approx(s.cycles / 0.85e9));

    // Activations stay on the wafer: a batch whose X and Y exceed the SRAM is reported.
    const auto huge = streamed(square(65536, 1 << 20));
    CHECK_FALSE(huge.fits);
    CHECK(huge.bound == bound_kind::capacity);
}

TEST_CASE("pipelined: every layer's weights must fit in SRAM") {
    // 262144^2 fp16 weights = 137 GB; the WSE-2 program-visible SRAM is 745,500 x 48 KiB = 36.6 GB.
    const auto big = estimate_pipelined(std::vector<layer>{square(262144, 128, sparsity::dense(), "huge")}, wse2());
    CHECK_FALSE(big.fits);
    CHECK_FALSE(big.layers[0].fits);
    CHECK(big.bound == bound_kind::capacity);
    CHECK(big.layers[0].bound == bound_kind::capacity);
    CHECK(big.sram_bytes_per_pe > 48 * 1024);
    CHECK(to_text(big).find("DOES NOT FIT") != std::string::npos);

    // The same layer at 10% block sparsity (13.7 GB) fits.
    const auto sparse =
        estimate_pipelined(std::vector<layer>{square(262144, 128, sparsity::blocks(16, 16, 0.1), "huge")}, wse2());
    CHECK(sparse.fits);
    CHECK(sparse.bound != bound_kind::capacity);
    CHECK(to_text(sparse).find("DOES NOT FIT") == std::string::npos);
}

TEST_CASE("pipelined: PEs in proportion to FMACs, throughput set by the slowest stage") {
    const std::vector<layer> mlp = {{"a", 2048, 2048, 1000, sparsity::dense()},
                                    {"b", 2048, 6144, 1000, sparsity::dense()}};
    const auto s = estimate_pipelined(mlp, wse2());
    REQUIRE(s.fits);
    CHECK(s.layers[0].pes_used + s.layers[1].pes_used <= 745500.0);
    CHECK(s.layers[1].pes_used / s.layers[0].pes_used == doctest::Approx(3.0).epsilon(1e-4));
    // Same work per PE: both stages take the same time per sample.
    CHECK(s.layers[0].compute_cycles == doctest::Approx(s.layers[1].compute_cycles).epsilon(1e-4));

    // Steady state: 1000 more samples cost 1000 x the slowest stage's time per sample.
    auto more = mlp;
    for (auto& l : more) l.batch_or_tokens = 2000;
    const auto s2 = estimate_pipelined(more, wse2());
    double slowest = 0;
    for (const auto& e : s.layers) slowest = std::max(slowest, (e.cycles - e.latency_cycles) / 1000.0);
    CHECK(s2.cycles - s.cycles == doctest::Approx(1000 * slowest).epsilon(1e-9));
    CHECK(s.samples_per_second == doctest::Approx(1000 / s.seconds));

    // One sample: the pipeline never reaches steady state.
    auto one = mlp;
    for (auto& l : one) l.batch_or_tokens = 1;
    CHECK(estimate_pipelined(one, wse2()).bound == bound_kind::latency);
}

TEST_CASE("pipelined: stages of different sparsity kinds are balanced by their cycles, not their flops") {
    const std::vector<layer> mlp = {{"up", 8192, 32768, 4096, sparsity::dense()},
                                    {"down", 32768, 8192, 4096, sparsity::n_of_m(2, 4)},
                                    {"head", 8192, 1024, 4096, sparsity::unstructured(0.1)}};
    const auto s = estimate_pipelined(mlp, wse2());
    REQUIRE(s.fits);
    const auto stage = [](const layer_estimate& e) { return std::max({e.compute_cycles, e.memory_cycles, e.fabric_cycles}); };
    // Equal up to the floor of the PE counts (the smallest stage has ~2,300 PEs).
    CHECK(stage(s.layers[1]) == doctest::Approx(stage(s.layers[0])).epsilon(1e-3));
    CHECK(stage(s.layers[2]) == doctest::Approx(stage(s.layers[0])).epsilon(1e-3));
    // The unstructured head costs 1.5x per FMAC (index reads): 1.5x the PEs its flops alone would get.
    const double by_flops = s.layers[2].flops / s.layers[0].flops * s.layers[0].pes_used;
    CHECK(s.layers[2].pes_used / by_flops == doctest::Approx(1.5).epsilon(1e-3));
}

TEST_CASE("pipelined: more stages than PEs does not fit") {
    const machine tiny = with_fabric(wse2(), 2, 1);
    const std::vector<layer> three = {layer{"a", 8, 8, 4, {}}, layer{"b", 8, 8, 4, {}}, layer{"c", 8, 8, 4, {}}};
    const auto s = estimate_pipelined(three, tiny);
    CHECK_FALSE(s.fits);
    CHECK(s.bound == bound_kind::capacity);
    CHECK(to_text(s).find("3 stages need more PEs than the fabric has") != std::string::npos);
    CHECK(estimate_pipelined(std::vector<layer>(three.begin(), three.begin() + 2), tiny).fits);
}

TEST_CASE("pipelined: stored unstructured weights cost memory-port cycles for their indices") {
    // Per FMAC a PE reads w (2 B), its index (2 B) and y (2 B): 6 B at 16 B/cycle = 0.375 cycles,
    // slower than the 0.25-cycle FMAC. Half the FMACs at 1.5x the cost: 0.75 of the dense time.
    const auto d = estimate_pipelined(std::vector<layer>{square(4096, 10000)}, wse2()).layers[0];
    const auto u =
        estimate_pipelined(std::vector<layer>{square(4096, 10000, sparsity::unstructured(0.5))}, wse2()).layers[0];
    CHECK(d.bound == bound_kind::compute);
    CHECK(u.bound == bound_kind::memory_port);
    CHECK(u.memory_cycles == doctest::Approx(0.75 * d.compute_cycles).epsilon(1e-12));
}

TEST_CASE("SwarmX tree depth is ceil(log_f N)") {
    CHECK(swarmx_depth(1, 4) == 0);
    CHECK(swarmx_depth(2, 4) == 1);
    CHECK(swarmx_depth(4, 4) == 1);
    CHECK(swarmx_depth(5, 4) == 2);
    CHECK(swarmx_depth(16, 4) == 2);
    CHECK(swarmx_depth(17, 4) == 3);
    CHECK(swarmx_depth(192, 4) == 4); // the largest CS-2 cluster [S19]
    CHECK(swarmx_depth(192, 2) == 8);
    CHECK(swarmx_depth(2048, 4) == 6); // CS-3 clusters [S19]
    for (const std::size_t f : {std::size_t{2}, std::size_t{3}, std::size_t{4}, std::size_t{7}})
        for (std::size_t n = 2; n <= 500; ++n) {
            const auto depth = swarmx_depth(n, f);
            const auto pw = [&](std::size_t e) { return std::pow(static_cast<double>(f), static_cast<double>(e)); };
            CHECK(pw(depth - 1) < static_cast<double>(n)); // f^(d-1) < N <= f^d
            CHECK(static_cast<double>(n) <= pw(depth));
        }
    CHECK_THROWS_AS((void)swarmx_depth(0, 4), invalid_argument_error);
    CHECK_THROWS_AS((void)swarmx_depth(8, 1), invalid_argument_error);
}

TEST_CASE("data parallel: one system equals weight streaming, and the tree adds depth x level latency per stream") {
    const std::vector<layer> mlp = {square(8192, 1 << 18, sparsity::dense(), "a"),
                                    square(8192, 1 << 18, sparsity::unstructured(0.25), "b")};
    execution_options o;
    o.work = workload::training;
    const auto ws = estimate_weight_streaming(mlp, wse2(), o);
    const auto dp1 = estimate_data_parallel(mlp, wse2(), o);
    CHECK(dp1.swarmx_depth == 0);
    CHECK(dp1.cycles == ws.cycles);

    o.systems = 16;
    const auto dp16 = estimate_data_parallel(mlp, wse2(), o);
    CHECK(dp16.swarmx_depth == 2);
    CHECK(dp16.systems == 16);
    CHECK(dp16.layers[0].batch == (std::size_t{1} << 18) / 16);
    CHECK(ws.fits);
    // Training: two weight broadcasts and one gradient reduction, 2 levels, 1 us = 850 cycles each.
    CHECK(dp16.layers[0].swarmx_cycles == doctest::Approx(3 * 2 * 850.0));
    CHECK(dp16.flops == ws.flops);                  // same useful work, spread over 16 systems
    CHECK(dp16.fraction_of_peak < ws.fraction_of_peak * 1.0000001);

    // More systems than samples: one sample each (the rounded-up share wrapped to 0 near 2^64,
    // and every figure of the step was NaN).
    o.systems = std::numeric_limits<std::size_t>::max();
    const auto dp_all = estimate_data_parallel(mlp, wse2(), o);
    CHECK(dp_all.layers[0].batch == 1);
    CHECK(std::isfinite(dp_all.cycles));
    CHECK(dp_all.cycles > 0);
    CHECK(dp_all.flops == ws.flops);
}

TEST_CASE("data parallel: step time falls with N while compute bound, then the weight stream sets the floor") {
    const std::vector<layer> mlp = {square(8192, 1 << 20, sparsity::dense(), "a"), square(8192, 1 << 20, sparsity::dense(), "b")};
    execution_options o;
    double previous = 0;
    for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{4}, std::size_t{8}, std::size_t{16}, std::size_t{24}}) { // per-system batch stays above B* = 33,796
        o.systems = n;
        const auto s = estimate_data_parallel(mlp, wse2(), o);
        CHECK(s.bound == bound_kind::compute);
        if (n > 1) CHECK(s.seconds < previous);
        previous = s.seconds;
    }
    // Below the crossover every system still needs all weights at 1.2 Tb/s: more systems do not help.
    o.systems = 64;
    const auto s64 = estimate_data_parallel(mlp, wse2(), o);
    o.systems = 128;
    const auto s128 = estimate_data_parallel(mlp, wse2(), o);
    CHECK(s64.bound == bound_kind::host_io);
    CHECK(s128.bound == bound_kind::host_io);
    CHECK(s128.seconds >= s64.seconds);             // deeper tree, same stream
    CHECK(s128.samples_per_second <= s64.samples_per_second);
}

TEST_CASE("invalid layers throw naming the layer and the field") {
    const auto msg = [](layer l) {
        return message_of([&] { (void)estimate_weight_streaming(std::vector<layer>{l}, wse2()); });
    };
    CHECK(msg(layer{"fc1", 0, 8, 8, {}}).find("layer 'fc1' (#0): in_features") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 0, 8, {}}).find("out_features") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 0, {}}).find("batch_or_tokens") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::unstructured(0.0)}).find("fc1") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::unstructured(0.0)}).find("sparsity.density") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::unstructured(1.5)}).find("sparsity.density") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::unstructured(std::nan(""))}).find("sparsity.density") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::blocks(2, 2, -0.5)}).find("sparsity.density") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::n_of_m(3, 2)}).find("sparsity.n") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::n_of_m(0, 4)}).find("sparsity.n") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::n_of_m(0, 0)}).find("sparsity.m") != std::string::npos);
    CHECK(msg(layer{"fc1", 6, 8, 8, sparsity::n_of_m(2, 4)}).find("sparsity.m must divide in_features") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::blocks(3, 2, 0.5)}).find("sparsity.block_rows") != std::string::npos);
    CHECK(msg(layer{"fc1", 8, 8, 8, sparsity::blocks(2, 0, 0.5)}).find("sparsity.block_cols") != std::string::npos);
    // A field the kind does not use is an error, not silently ignored.
    sparsity mixed = sparsity::n_of_m(2, 4);
    mixed.density = 0.5;
    CHECK(msg(layer{"fc1", 8, 8, 8, mixed}).find("sparsity.density is not used by n_m") != std::string::npos);
    sparsity stray = sparsity::unstructured(0.5);
    stray.block_rows = 4;
    CHECK(msg(layer{"fc1", 8, 8, 8, stray}).find("sparsity.block_rows") != std::string::npos);
    // Unnamed layers are named by position.
    const std::vector<layer> two = {layer{"ok", 8, 8, 8, {}}, layer{"", 8, 8, 8, sparsity::unstructured(2)}};
    CHECK(message_of([&] { (void)estimate_pipelined(two, wse2()); }).find("layer #1: sparsity.density") != std::string::npos);
}

TEST_CASE("invalid sequences and options throw") {
    const std::vector<layer> none;
    CHECK_THROWS_AS((void)estimate_weight_streaming(none, wse2()), invalid_argument_error);
    const std::vector<layer> mismatch = {layer{"a", 8, 8, 16, {}}, layer{"b", 8, 8, 32, {}}};
    CHECK_THROWS_WITH_AS((void)estimate_pipelined(mismatch, wse2()),
                         doctest::Contains("layer 'b' (#1): batch_or_tokens 32 differs"), dimension_error);
    const std::vector<layer> one = {layer{"a", 8, 8, 16, {}}};
    execution_options o;
    o.systems = 0;
    CHECK(message_of([&] { (void)estimate_data_parallel(one, wse2(), o); }).find("execution_options.systems") != std::string::npos);
    o.systems = 2;
    CHECK(message_of([&] { (void)estimate_pipelined(one, wse2(), o); }).find("execution_options.systems is 2") != std::string::npos);
    CHECK_THROWS_AS((void)estimate_weight_streaming(one, wse2(), o), invalid_argument_error);
    o.systems = 1;
    o.swarmx_level_seconds = -1;
    CHECK(message_of([&] { (void)estimate_data_parallel(one, wse2(), o); }).find("swarmx_level_seconds") != std::string::npos);
    machine broken = wse2();
    broken.clock_hz = 0;
    CHECK(message_of([&] { (void)estimate_weight_streaming(one, broken); }).find("clock_hz") != std::string::npos);
}

TEST_CASE("estimate_sequence dispatches on the mode and to_text shows every layer") {
    const std::vector<layer> mlp = {{"up", 4096, 16384, 4096, sparsity::dense()},
                                    {"down", 16384, 4096, 4096, sparsity::n_of_m(2, 4)}};
    execution_options o;
    for (auto mode : {execution_mode::pipelined, execution_mode::weight_streaming, execution_mode::data_parallel}) {
        const auto s = estimate_sequence(mlp, mode, wse2(), o);
        CHECK(s.mode == mode);
        const std::string text = to_text(s);
        CHECK(text.find(to_string(mode)) != std::string::npos);
        CHECK(text.find("up") != std::string::npos);
        CHECK(text.find("down") != std::string::npos);
        CHECK(text.find("2:4") != std::string::npos);
        CHECK(text.find(std::string("bound ") + to_string(s.bound)) != std::string::npos);
    }
    CHECK(estimate_sequence(mlp, execution_mode::pipelined, wse2()).cycles ==
          estimate_pipelined(mlp, wse2()).cycles);
    o.systems = 4;
    CHECK(to_text(estimate_sequence(mlp, execution_mode::data_parallel, wse2(), o)).find("SwarmX depth 1") !=
          std::string::npos);
}

TEST_CASE("the vendor's 'up to 10x from weight sparsity': 1/density when compute bound, less when I/O bound") {
    // docs/model.md, section 7. 90% unstructured sparsity on WSE-2, fp16 inference.
    const auto ratio = [](std::size_t batch) {
        const auto d = streamed(square(8192, batch));
        const auto s = streamed(square(8192, batch, sparsity::unstructured(0.1)));
        return d.cycles / s.cycles;
    };
    const double compute_bound = ratio(std::size_t{1} << 20);
    CHECK(compute_bound <= 10.0);
    CHECK(compute_bound == doctest::Approx(9.99).epsilon(1e-3));
    // I/O bound: the 16-bit index doubles the bytes of a streamed fp16 nonzero, so the stream shrinks
    // 10 x 2/4 = 5x; the fixed fill latency (1,752 cycles) brings the step's gain to 4.95x.
    const auto d = streamed(square(8192, 4096)).layers[0];
    const auto s = streamed(square(8192, 4096, sparsity::unstructured(0.1))).layers[0];
    CHECK(d.bound == bound_kind::host_io);
    CHECK(s.bound == bound_kind::host_io);
    CHECK(d.io_cycles / s.io_cycles == doctest::Approx(5.0).epsilon(1e-12));
    CHECK(d.latency_cycles == 750 + 994 - 2 + 5 + 5);
    CHECK(ratio(4096) == doctest::Approx(4.954).epsilon(1e-3));
}
