// waferblas/dataflow/pe_grid.hpp — the virtual 2D mesh of processing elements (PEs).
//
//   waferblas::pe_grid grid{4, 8};     // 4 PE rows, 8 PE columns: 32 PEs
//   grid.coord_of(9);                  // {1, 1}: PEs are numbered row-major
//   grid.snake_coord(9);               // {1, 6}: the 9th PE along a boustrophedon path
//
// Only the shape matters here: which data and work land on which PE is the placement's business.
// Coordinates follow the wafer fabric: row = y (north to south), col = x (west to east).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdlib>
#include <string>

#include "../core/error.hpp"

namespace waferblas {

struct pe_coord {
    std::size_t row = 0, col = 0;
    auto operator<=>(const pe_coord&) const = default;
};

class pe_grid {
public:
    /// Largest PE count accepted: comfortably above a whole wafer (about 1e6 PEs) but small enough
    /// that per-PE bookkeeping cannot exhaust memory by accident.
    static constexpr std::size_t max_pes = std::size_t{1} << 26;

    pe_grid(std::size_t rows, std::size_t cols) : rows_(rows), cols_(cols) {
        if (rows == 0 || cols == 0)
            throw invalid_argument_error("pe_grid: " + std::to_string(rows) + "x" + std::to_string(cols) +
                                         " has no processing elements");
        if (rows > max_pes || cols > max_pes / rows)
            throw invalid_argument_error("pe_grid: " + std::to_string(rows) + "x" + std::to_string(cols) +
                                         " exceeds the limit of " + std::to_string(max_pes) + " PEs");
    }

    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
    [[nodiscard]] std::size_t size() const noexcept { return rows_ * cols_; }

    /// Row-major numbering: PE (r, c) is number r * cols + c.
    [[nodiscard]] std::size_t index_of(pe_coord c) const noexcept { return c.row * cols_ + c.col; }
    [[nodiscard]] pe_coord coord_of(std::size_t p) const noexcept { return {p / cols_, p % cols_}; }

    /// Position of the p-th PE of a 1D chain laid out as a boustrophedon (even rows west to east,
    /// odd rows back), so that consecutive PEs of the chain are always fabric neighbours.
    [[nodiscard]] pe_coord snake_coord(std::size_t p) const noexcept {
        const std::size_t r = p / cols_, c = p % cols_;
        return {r, r % 2 == 0 ? c : cols_ - 1 - c};
    }

    /// Fabric distance in hops (Manhattan: packets move one hop per cycle along rows and columns).
    [[nodiscard]] static std::size_t hops(pe_coord a, pe_coord b) noexcept {
        return (a.row > b.row ? a.row - b.row : b.row - a.row) + (a.col > b.col ? a.col - b.col : b.col - a.col);
    }

    bool operator==(const pe_grid&) const = default;

private:
    std::size_t rows_, cols_;
};

[[nodiscard]] inline std::string to_string(const pe_grid& g) {
    return std::to_string(g.rows()) + "x" + std::to_string(g.cols());
}

} // namespace waferblas
