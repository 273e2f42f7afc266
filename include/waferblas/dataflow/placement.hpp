// waferblas/dataflow/placement.hpp — how a sparse operator's data and work are owned by PEs.
//
// row_blocks    The PEs form a chain (laid on the grid as a boustrophedon). PE p owns a contiguous
//               range of nonzeros in row order, balanced by count; a row heavier than the balance
//               tolerance is split across PEs, and the split parts are reduced into the row's
//               owner. x is distributed like y (square operators) or in even blocks, and each PE
//               gathers the x entries its nonzeros touch. The layout a CPU runs fastest.
// checkerboard  PE (r, c) owns block (r, c) of A: row block r and column block c, both balanced
//               by nonzeros. Segment c of x is multicast down PE column c, partial sums of y
//               segment r are reduced along PE row r into PE (r, cols-1). The layout wafer-scale
//               SpMV uses.
#pragma once

namespace waferblas {

enum class placement { row_blocks, checkerboard };

[[nodiscard]] constexpr const char* to_string(placement p) noexcept {
    return p == placement::row_blocks ? "row_blocks" : "checkerboard";
}

} // namespace waferblas
