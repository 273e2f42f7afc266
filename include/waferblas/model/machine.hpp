// waferblas/model/machine.hpp — the parameters of a wafer-scale machine, and presets for WSE-1/2/3.
//
//   auto m = waferblas::model::wse2();                                   // 750 x 994 PEs at 0.85 GHz
//   auto hc = waferblas::model::wse2(waferblas::model::wse2_clock::hot_chips_1_1ghz);
//   auto big = waferblas::model::wse2(waferblas::model::wse2_clock::sdk_0_85ghz,
//                                     waferblas::model::wse2_fabric::compiler_757x996);
//   m.peak_flop_per_second(waferblas::model::dtype::fp16);               // 5.07e15
//   auto mine = m; mine.name = "my-wse"; mine.task_start_cycles = 10; mine.validate();
//
// Every preset field names its source key ([S1]..[S31]) in /work/shared/wafer/README.md (the facts
// file; its section numbers are quoted as "facts §n"). A value marked ASSUMPTION has no primary
// source: it is a labelled choice, to be replaced by a measurement. Cycles are the model's unit;
// seconds() converts with the machine's clock.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "../core/error.hpp"
#include "../dataflow/pe_grid.hpp"
#include "dtype.hpp"

namespace waferblas::model {

struct machine {
    std::string name;
    std::size_t fabric_width = 0, fabric_height = 0; ///< program-visible PEs (x, y)
    double clock_hz = 0;
    std::size_t sram_bytes_per_pe = 0;
    double read_bytes_per_cycle = 0, write_bytes_per_cycle = 0; ///< memory ports of one PE
    double fmac_per_cycle_fp16 = 0, fmac_per_cycle_fp32 = 0;    ///< SIMD FMACs per cycle per PE
    /// fp64 FMACs per cycle per PE. The WSE has no fp64 datapath (the facts file lists fp16 and fp32
    /// arithmetic only), so the presets price fp64 as software double-float emulation (ASSUMPTION);
    /// 0 declares fp64 unsupported, and then fmac_per_cycle(fp64) throws.
    double fmac_per_cycle_fp64 = 0;
    /// Fabric wavelet width. The communication model counts 32-bit wavelets (wavelets_of(), the
    /// section-3 closed forms), so validate() accepts 32 only: another width is an error, not ignored.
    std::size_t link_bits = 0;
    /// Router to router. The section-3 closed forms charge one cycle per hop (L), so validate()
    /// accepts 1 only: another latency is an error, not silently ignored.
    double hop_latency_cycles = 0;
    double ramp_latency_cycles = 0;            ///< PE <-> router (T_R of the section-3 model)
    std::size_t colors = 0;                    ///< routable colors (virtual channels)
    double host_io_bytes_per_second = 0;       ///< host <-> wafer
    double host_latency_seconds = 0;           ///< one host round trip, beyond the bytes' transfer time
    double memoryx_bytes_per_second = 0;       ///< weight streaming: MemoryX -> wafer
    std::size_t swarmx_fanout = 0;             ///< SwarmX broadcast/reduce tree arity
    double task_start_cycles = 0;              ///< fixed cost of starting one task (one vector op)

    [[nodiscard]] std::size_t pes() const noexcept { return fabric_width * fabric_height; }

    /// FMACs of type t per cycle per PE. Complex types: one complex FMAC is 4 real FMACs (4
    /// multiplies, 4 adds), so the rate is the real rate / 4. fp64 and complex_fp64: see
    /// fmac_per_cycle_fp64; throws invalid_argument_error if the machine declares fp64 unsupported.
    [[nodiscard]] double fmac_per_cycle(dtype t) const {
        switch (t) {
        case dtype::fp16: return fmac_per_cycle_fp16;
        case dtype::fp32: return fmac_per_cycle_fp32;
        case dtype::complex_fp32: return fmac_per_cycle_fp32 / 4;
        case dtype::fp64:
        case dtype::complex_fp64:
            if (!(fmac_per_cycle_fp64 > 0))
                throw invalid_argument_error("machine " + name + ": " + to_string(t) +
                                             " is not supported (fmac_per_cycle_fp64 = 0)");
            return t == dtype::fp64 ? fmac_per_cycle_fp64 : fmac_per_cycle_fp64 / 4;
        }
        return 0;
    }

    [[nodiscard]] double seconds(double cycles) const noexcept { return cycles / clock_hz; }
    [[nodiscard]] double cycles_of_seconds(double s) const noexcept { return s * clock_hz; }

    /// Whole-fabric peak: PEs x FMAC/cycle x flops/FMAC x clock.
    [[nodiscard]] double peak_flop_per_second(dtype t) const {
        return static_cast<double>(pes()) * fmac_per_cycle(t) * flops_per_fmac(t) * clock_hz;
    }
    /// Aggregate SRAM bandwidth (read + write ports of every PE).
    [[nodiscard]] double sram_bytes_per_second() const noexcept {
        return static_cast<double>(pes()) * (read_bytes_per_cycle + write_bytes_per_cycle) * clock_hz;
    }
    /// Fabric diameter in hops: (width - 1) + (height - 1).
    [[nodiscard]] std::size_t diameter_hops() const noexcept { return fabric_width + fabric_height - 2; }
    /// Bytes a link moves per cycle (one wavelet).
    [[nodiscard]] double link_bytes_per_cycle() const noexcept { return static_cast<double>(link_bits) / 8; }

    /// Throws invalid_argument_error naming the first field that cannot describe a machine.
    void validate() const {
        const auto bad = [&](const char* field, const std::string& why) {
            throw invalid_argument_error("machine '" + name + "': " + field + " " + why);
        };
        const auto positive = [&](const char* field, double v) {
            if (!(v > 0) || !std::isfinite(v)) bad(field, "must be a finite positive number (is " + std::to_string(v) + ")");
        };
        const auto non_negative = [&](const char* field, double v) {
            if (!(v >= 0) || !std::isfinite(v)) bad(field, "must be finite and >= 0 (is " + std::to_string(v) + ")");
        };
        if (name.empty()) bad("name", "must not be empty");
        if (fabric_width == 0) bad("fabric_width", "must be at least 1");
        if (fabric_height == 0) bad("fabric_height", "must be at least 1");
        if (fabric_width > pe_grid::max_pes / fabric_height)
            bad("fabric_width", "x fabric_height must be at most " + std::to_string(pe_grid::max_pes) + " PEs (is " +
                                    std::to_string(fabric_width) + " x " + std::to_string(fabric_height) + ")");
        positive("clock_hz", clock_hz);
        if (sram_bytes_per_pe == 0) bad("sram_bytes_per_pe", "must be at least 1");
        positive("read_bytes_per_cycle", read_bytes_per_cycle);
        positive("write_bytes_per_cycle", write_bytes_per_cycle);
        positive("fmac_per_cycle_fp16", fmac_per_cycle_fp16);
        positive("fmac_per_cycle_fp32", fmac_per_cycle_fp32);
        non_negative("fmac_per_cycle_fp64", fmac_per_cycle_fp64);
        if (link_bits == 0 || link_bits % 8 != 0) bad("link_bits", "must be a positive multiple of 8 (is " + std::to_string(link_bits) + ")");
        if (link_bits != 32)
            bad("link_bits", "is " + std::to_string(link_bits) +
                                 ": the communication model counts 32-bit wavelets [S2][S18]; other widths are not modelled");
        non_negative("hop_latency_cycles", hop_latency_cycles);
        if (hop_latency_cycles != 1)
            bad("hop_latency_cycles", "is " + std::to_string(hop_latency_cycles) +
                                          ": the section-3 closed forms [S6] charge 1 cycle per hop; other latencies are not modelled");
        non_negative("ramp_latency_cycles", ramp_latency_cycles);
        if (colors == 0) bad("colors", "must be at least 1");
        positive("host_io_bytes_per_second", host_io_bytes_per_second);
        non_negative("host_latency_seconds", host_latency_seconds);
        positive("memoryx_bytes_per_second", memoryx_bytes_per_second);
        if (swarmx_fanout < 2) bad("swarmx_fanout", "must be at least 2 (is " + std::to_string(swarmx_fanout) + ")");
        non_negative("task_start_cycles", task_start_cycles);
    }
};

/// Returns m with another program-visible fabric (e.g. a CS-2 run without the memcpy framework).
[[nodiscard]] inline machine with_fabric(machine m, std::size_t width, std::size_t height) {
    m.fabric_width = width;
    m.fabric_height = height;
    m.validate();
    return m;
}

namespace detail {
/// Fields the three generations share, with their sources. (1.2 Tb/s = 150e9 B/s.)
inline machine wse_common() {
    machine m;
    m.sram_bytes_per_pe = 48 * 1024;    // 48 KB per PE [S2][S22][S23]; KiB: 8 banks x 6 KiB [S31]
    m.fmac_per_cycle_fp16 = 4;          // 4 fp16 FMAC/cycle ("up to eight operations per clock") [S2][S22]
    m.fmac_per_cycle_fp32 = 1;          // ASSUMPTION (unverified, the common assumption, facts §1); consistent with [S16]
    m.fmac_per_cycle_fp64 = 1.0 / 8;    // ASSUMPTION (unverified): no fp64 unit; double-float emulation ~8 fp32 FMACs
    m.link_bits = 32;                   // 32-bit wavelet per cycle per direction [S2][S18]
    m.hop_latency_cycles = 1;           // 1 cycle per hop PE to PE [S2][S18]
    m.ramp_latency_cycles = 2;          // ramp PE <-> router about 2 cycles (measured on CS-2) [S6]
    m.colors = 24;                      // 24 routable colors [S3]
    m.host_io_bytes_per_second = 150e9; // 12 x 100 GbE = 1.2 Tb/s per system [S19][S22]
    m.host_latency_seconds = 10e-6;     // ASSUMPTION (unverified): no published host round-trip latency
    m.memoryx_bytes_per_second = 150e9; // weights delivered at the 1.2 Tb/s I/O rate in the worst case [S19]
    m.swarmx_fanout = 4;                // SwarmX broadcast-reduce nodes are 1:4 (or a pair of 1:2) [S19]
    m.task_start_cycles = 5;            // ASSUMPTION (unverified): no published task/DSD start cost
    return m;
}
} // namespace detail

/// WSE-1 (CS-1).
[[nodiscard]] inline machine wse1() {
    machine m = detail::wse_common();
    m.name = "wse1";
    m.fabric_width = 600;               // at least 600 x 595: the SC20 run's one-PE-per-(x,y) mesh [S1]
    m.fabric_height = 595;              // [S1]
    m.clock_hz = 0.85e9;                // ASSUMPTION (unverified; 0.85 GHz fits "one third of peak", derived, facts §1)
    m.read_bytes_per_cycle = 16;        // 16 B read per cycle [S23]
    m.write_bytes_per_cycle = 8;        // 8 B write per cycle [S23]
    // fp16 4 FMAC/cycle [S22]; colors 24, ramp 2 cycles: WSE-2 values [S3][S6], ASSUMED equal on WSE-1.
    // memoryx: CS-1 predates weight streaming; the 1.2 Tb/s host I/O rate is used (ASSUMPTION).
    return m;
}

/// The two published WSE-2 clocks.
enum class wse2_clock {
    sdk_0_85ghz,      ///< 0.85 GHz: Cerebras' SDK scripts turn cycles into seconds with it [S3]
    hot_chips_1_1ghz, ///< 1.1 GHz: Hot Chips 34 [S4]
};

/// The published WSE-2 program-visible fabrics.
enum class wse2_fabric {
    memcpy_750x994,    ///< with the SDK memcpy framework ("fabric-dims must be 750,994") [S3]
    no_memcpy_755x994, ///< early SDKs without the memcpy framework [S3]
    compiler_757x996,  ///< the whole fabric handed to the compiler [S26][S25]
};

/// WSE-2 (CS-2). Default: the fabric and clock of Cerebras' own SDK examples (750 x 994, 0.85 GHz),
/// the setting the examples' published cycle counts and time conversions use; the alternatives are
/// one argument away.
[[nodiscard]] inline machine wse2(wse2_clock clock = wse2_clock::sdk_0_85ghz,
                                  wse2_fabric fabric = wse2_fabric::memcpy_750x994) {
    machine m = detail::wse_common();
    m.name = clock == wse2_clock::sdk_0_85ghz ? "wse2" : "wse2-1.1ghz";
    switch (fabric) {
    case wse2_fabric::memcpy_750x994: m.fabric_width = 750, m.fabric_height = 994; break;    // [S3]
    case wse2_fabric::no_memcpy_755x994: m.fabric_width = 755, m.fabric_height = 994; break; // [S3]
    case wse2_fabric::compiler_757x996: m.fabric_width = 757, m.fabric_height = 996; break;  // [S26][S25]
    }
    if (fabric != wse2_fabric::memcpy_750x994) m.name += "-" + std::to_string(m.fabric_width) + "x" + std::to_string(m.fabric_height);
    m.clock_hz = clock == wse2_clock::sdk_0_85ghz ? 0.85e9 /* [S3] */ : 1.1e9 /* [S4] */;
    m.read_bytes_per_cycle = 16;  // two 64-bit reads per cycle [S4][S6]
    m.write_bytes_per_cycle = 8;  // one 64-bit write per cycle [S4][S6]
    return m;
}

/// WSE-3 (CS-3).
[[nodiscard]] inline machine wse3() {
    machine m = detail::wse_common();
    m.name = "wse3";
    m.fabric_width = 762;          // 762 x 1172 fabric in code run on a CS-3 [S24]
    m.fabric_height = 1172;        // [S24]
    m.clock_hz = 0.875e9;          // unpublished; third-party CS-3 code uses 0.875 GHz [S24]
    m.read_bytes_per_cycle = 16;   // DERIVED: aggregate memory bandwidth only +5% over WSE-2 [S22] -> WSE-2 ports
    m.write_bytes_per_cycle = 8;   // DERIVED, as above
    m.fmac_per_cycle_fp16 = 8;     // fp16 8-wide SIMD [S22]
    // fp32 1 FMAC/cycle: consistent with [S16] (derived). Colors, ramp: WSE-2 values, "same model" [S18].
    return m;
}

/// "wse1", "wse2", "wse2-1.1ghz", "wse3"; nullopt for anything else.
[[nodiscard]] inline std::optional<machine> machine_by_name(std::string_view name) {
    if (name == "wse1") return wse1();
    if (name == "wse2") return wse2();
    if (name == "wse2-1.1ghz") return wse2(wse2_clock::hot_chips_1_1ghz);
    if (name == "wse3") return wse3();
    return std::nullopt;
}

} // namespace waferblas::model
