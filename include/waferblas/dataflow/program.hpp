// waferblas/dataflow/program.hpp — a sparse operator lowered onto a PE grid.
//
// The lowered program is the inspector's result: which PE owns which nonzeros (one AXPY task each)
// and which rows and columns, from which the messages follow. It is stored as each PE's local
// sparse block, never as one object per task, so that a CPU backend streams it at memory speed and
// the statistics or a timing model read per-PE work and traffic from it in O(nnz) time. What needs
// a mark per row or column (the distinct x entries a PE gathers, the x entries multicast down a PE
// column, the distinct rows reduced along a PE row) is counted once, by the first reader of
// traffic(), and kept as O(PEs) counts (traffic_counts), so those readers need only O(PEs) memory.
// Counting is left to that first reader because executing the program never needs the counts: on
// a CPU the count pass over every column index would cost a plan another SpMV's time to build.
//
//   auto prog = waferblas::sparse_program<double>::lower(A, waferblas::pe_grid{4, 4},
//                                                        waferblas::placement::checkerboard);
//   prog.refresh_values(A2);   // same pattern, new values: no re-planning
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../core/computed_once.hpp"
#include "../core/error.hpp"
#include "../core/memory.hpp"
#include "../core/operation.hpp"
#include "../core/scalar.hpp"
#include "../kernels/diagonal_chunks.hpp"
#include "../kernels/out_of_line.hpp"
#include "../kernels/row_blocks.hpp"
#include "../sparse/borrowed_matrix.hpp"
#include "../sparse/convert.hpp"
#include "../sparse/csr_matrix.hpp"
#include "checkerboard_blocks.hpp"
#include "diagonal_chunks.hpp"
#include "pe_grid.hpp"
#include "placement.hpp"
#include "row_partition.hpp"
#include "rows_by_length.hpp"
#include "spmv_layout.hpp"

namespace waferblas {

/// Traffic counts of a lowered program that would otherwise need a mark per row or column, counted
/// once, on the first call of sparse_program::traffic(). Counts are of x or y entries, not words:
/// a consumer multiplies them by the right-hand width and the words per value. Only the vectors of
/// the program's placement are filled; the others are empty.
struct traffic_counts {
    // placement::row_blocks, indexed by chain position p (see sparse_program::x_owner):
    std::vector<std::size_t> x_used;      ///< distinct x entries the nonzeros of PE p use
    std::vector<std::size_t> x_gathered;  ///< of those, entries another PE owns (received by p)
    std::vector<std::size_t> x_served;    ///< x entries p owns that it sends to other PEs' gathers
    std::vector<std::size_t> gather_hops; ///< sum over p's gathered entries of the hops from their owner to p
    // placement::checkerboard:
    std::vector<std::size_t> multicast_len; ///< per PE column c: distinct columns of x segment c with a nonzero below PE row 0
    std::vector<std::size_t> reduced_rows;  ///< per PE row r: distinct rows with a segment in a block (r, c), c < cols-1
};

template <scalar T, index I = std::int32_t>
class sparse_program {
public:
    using value_type = T;
    using index_type = I;

    /// Lowers op(A) onto `grid` with placement `pl`. Costs O(nnz log PEs + rows + cols) time (plus
    /// a transpose for op != none), and copies what the placement keeps of A (row_blocks: A's
    /// arrays; checkerboard: the blocks), so the program does not depend on A's lifetime. From an
    /// rvalue A, row_blocks takes A's arrays over instead of copying them. `layout` (row_blocks):
    /// whether rows that form diagonal chunks are stored as such (real T; diagonal_chunks.hpp), or
    /// each PE's rows in order of length (rows_by_length.hpp); a program with chunks or reordered
    /// rows runs SpMV only.
    [[nodiscard]] static sparse_program lower(const csr_matrix<T, I>& A, const pe_grid& grid, placement pl,
                                              op o = op::none, spmv_layout layout = spmv_layout::csr) {
        if (o == op::none) return sparse_program(A, grid, pl, o, layout);
        return sparse_program(apply_op(A, o), grid, pl, o, layout);
    }
    [[nodiscard]] static sparse_program lower(csr_matrix<T, I>&& A, const pe_grid& grid, placement pl, op o = op::none,
                                              spmv_layout layout = spmv_layout::csr) {
        if (o == op::none) return sparse_program(std::move(A), grid, pl, o, layout);
        return sparse_program(apply_op(A, o), grid, pl, o, layout);
    }
    /// Borrows A: the program keeps only the partition and reads A's arrays at every use (see
    /// sparse/borrowed_matrix.hpp), so it costs O(PEs log rows) to lower. Only a program that would
    /// keep A's arrays as they are can borrow them: placement::row_blocks, op::none,
    /// spmv_layout::csr (invalid_argument_error otherwise; the other programs store a rearranged copy).
    [[nodiscard]] static sparse_program lower(borrowed_matrix<T, I> A, const pe_grid& grid, placement pl, op o = op::none,
                                              spmv_layout layout = spmv_layout::csr) {
        if (pl != placement::row_blocks || o != op::none || layout != spmv_layout::csr)
            throw invalid_argument_error(std::string("sparse_program::lower: a borrowed matrix needs placement::row_blocks, op::none and "
                                                     "spmv_layout::csr (asked: ") +
                                         "placement::" + to_string(pl) + ", op::" + to_string(o) + ", spmv_layout::" + to_string(layout) +
                                         "); those plans keep a rearranged copy of A: plan from A itself");
        return sparse_program(A.get(), grid);
    }

    [[nodiscard]] const pe_grid& grid() const noexcept { return grid_; }
    [[nodiscard]] waferblas::placement placement() const noexcept { return placement_; }
    [[nodiscard]] op operation() const noexcept { return op_; }
    /// Shape of op(A): the operator the program applies.
    [[nodiscard]] I rows() const noexcept { return rows_; }
    [[nodiscard]] I cols() const noexcept { return cols_; }
    [[nodiscard]] std::size_t nnz() const noexcept { return nnz_; }
    /// Whether the program reads a borrowed matrix in place (lower(borrowed_matrix, ...)).
    [[nodiscard]] bool borrows_matrix() const noexcept { return borrowed_ != nullptr; }

    /// placement::row_blocks: op(A) in CSR (a copy, its values put back in CSR order when the
    /// program keeps them in diagonal chunks, its rows when it keeps them in order of length) and
    /// its split over the PE chain.
    [[nodiscard]] csr_matrix<T, I> matrix() const {
        require(placement::row_blocks);
        if (!row_order_.empty()) {
            auto ptr = original_row_ptr<I>(A_.row_ptr(), row_order_); // reordered: never borrowed
            auto idx = detail::large_vector<I>(nnz_);
            auto val = detail::large_vector<T>(nnz_);
            copy_rows_reordered<false, I, I>(ptr, A_.row_ptr(), row_order_, A_.col_idx(), idx);
            copy_rows_reordered<false, T, I>(ptr, A_.row_ptr(), row_order_, A_.values(), val);
            return csr_matrix<T, I>(unchecked, detail::values_noted, A_.all_values_one(), rows_, cols_, std::move(ptr), std::move(idx),
                                    std::move(val));
        }
        if (chunks_.empty()) return kept();
        auto values = detail::large_vector<T>(nnz_);
        values_to_csr_order<T, I>(chunks_, A_.row_ptr(), A_.values(), values);
        return csr_matrix<T, I>(unchecked, rows_, cols_, detail::large_copy(A_.row_ptr()), detail::large_copy(A_.col_idx()), std::move(values));
    }
    [[nodiscard]] const row_partition<I>& partition() const { require(placement::row_blocks); return part_; }
    /// placement::row_blocks: the rows stored as diagonal chunks (empty when none).
    [[nodiscard]] const diagonal_chunks<I>& chunks() const { require(placement::row_blocks); return chunks_; }
    /// placement::row_blocks with spmv_layout::rows_by_length: entry q is the row of op(A) that the
    /// program stores at row q; empty when rows are stored in place.
    [[nodiscard]] std::span<const I> stored_row_order() const { require(placement::row_blocks); return row_order_; }
    /// The arrays the row_blocks kernels run on; values in chunk order where chunks_ says so, rows in
    /// stored_row_order() where it is not empty.
    [[nodiscard]] kernels::row_blocks_view<T, I> row_blocks() const {
        require(placement::row_blocks);
        const csr_matrix<T, I>& A = kept();
        return {A.row_ptr(), A.col_idx(), A.values(), &part_, A.all_values_one(), chunks_.empty() ? nullptr : &chunks_,
                row_order_.empty() ? nullptr : row_order_.data()};
    }
    /// placement::row_blocks: chain position of the PE that owns x[j] — the owner of row j for
    /// square operators (x distributed like y), else even blocks of columns. O(log PEs).
    [[nodiscard]] std::size_t x_owner(std::size_t j) const {
        require(placement::row_blocks);
        return x_owner_unchecked(j);
    }
    /// placement::checkerboard: the per-PE blocks.
    [[nodiscard]] const checkerboard_blocks<T, I>& blocks() const { require(placement::checkerboard); return blocks_; }

    /// The per-PE (row_blocks) or per PE row and column (checkerboard) traffic counts; O(PEs)
    /// memory. The first call counts them: O(nnz + gathers log PEs) time, O(rows + cols) temporary
    /// marks; later calls (from any thread) return the same counts. The pattern fixes them, so
    /// refresh_values keeps them, and so do copies of the program.
    [[nodiscard]] const traffic_counts& traffic() const {
        require_lowered();
        return traffic_.get([this](traffic_counts& t) {
            if (placement_ == placement::checkerboard) count_multicasts_and_reductions(t);
            else if (grid_.size() < std::numeric_limits<std::uint32_t>::max()) count_gathers<std::uint32_t>(t);
            else count_gathers<std::size_t>(t);
        });
    }

    /// Replaces the values with those of A, which must have the pattern the program was lowered
    /// from (checked: invalid_argument_error otherwise). O(nnz); the analysis is kept.
    /// A program that borrows its matrix reads the values in place: refresh_values of that matrix
    /// has nothing to do, and of another one throws (plan again to read it).
    void refresh_values(const csr_matrix<T, I>& A) {
        require_lowered();
        if (borrowed_ != nullptr) {
            if (&A != &kept())
                throw invalid_argument_error("refresh_values: the program borrows its matrix and reads its values in place; "
                                             "change them in that matrix, or plan again to read another one");
            return;
        }
        csr_matrix<T, I> transposed;
        if (op_ != op::none) transposed = apply_op(A, op_);
        const csr_matrix<T, I>& opA = op_ == op::none ? A : transposed;
        if (opA.rows() != rows_ || opA.cols() != cols_ || static_cast<std::size_t>(opA.nnz()) != nnz_)
            throw invalid_argument_error("refresh_values: matrix is " + shape_text(A.rows(), A.cols(), static_cast<std::size_t>(A.nnz())) +
                                         "; the program was lowered from a different shape or count");
        const auto same_pattern = [&](std::span<const I> ptr, std::span<const I> idx) {
            return std::equal(ptr.begin(), ptr.end(), opA.row_ptr().begin()) &&
                   std::equal(idx.begin(), idx.end(), opA.col_idx().begin());
        };
        if (placement_ == placement::row_blocks) {
            const bool same = row_order_.empty()
                                  ? same_pattern(A_.row_ptr(), A_.col_idx())
                                  : same_rows_reordered<I>(opA.row_ptr(), opA.col_idx(), A_.row_ptr(), A_.col_idx(), row_order_);
            if (!same) throw invalid_argument_error("refresh_values: the sparsity pattern differs from the lowered one");
            if (!row_order_.empty()) copy_rows_reordered<true, T, I>(opA.row_ptr(), A_.row_ptr(), row_order_, opA.values(), A_.values());
            else if (chunks_.empty()) std::copy(opA.values().begin(), opA.values().end(), A_.values().begin());
            else store_in_chunk_order<T, I>(chunks_, opA.row_ptr(), opA.values(), A_.values());
            A_ = csr_matrix<T, I>(unchecked, std::move(A_).release()); // finds all_values_one again
        } else {
            if (!std::equal(pattern_row_ptr_.begin(), pattern_row_ptr_.end(), opA.row_ptr().begin()))
                throw invalid_argument_error("refresh_values: the sparsity pattern differs from the lowered one");
            // Blocks are stored in row-major PE order, so each row's segments come in column order:
            // one cursor per row walks that row's CSR nonzeros once (checkerboard_blocks.hpp).
            std::vector<I> cursor(pattern_row_ptr_.begin(), pattern_row_ptr_.end() - 1);
            const auto col_idx = opA.col_idx();
            const auto values = opA.values();
            for (std::size_t s = 0; s + 1 < blocks_.seg_ptr.size(); ++s) {
                I& src = cursor[static_cast<std::size_t>(blocks_.seg_row[s])];
                for (auto k = static_cast<std::size_t>(blocks_.seg_ptr[s]); k < static_cast<std::size_t>(blocks_.seg_ptr[s + 1]); ++k, ++src) {
                    if (col_idx[static_cast<std::size_t>(src)] != blocks_.idx[k])
                        throw invalid_argument_error("refresh_values: the sparsity pattern differs from the lowered one");
                    blocks_.val[k] = values[static_cast<std::size_t>(src)];
                }
            }
        }
    }

private:
    /// M: csr_matrix (moved from) or const csr_matrix& (copied only where row_blocks keeps it).
    template <class M>
    sparse_program(M&& opA, const pe_grid& grid, waferblas::placement pl, op o, spmv_layout layout)
        : grid_(grid), placement_(pl), op_(o), rows_(opA.rows()), cols_(opA.cols()), nnz_(static_cast<std::size_t>(opA.nnz())),
          part_(pl == placement::row_blocks ? partition_rows_by_nnz<I>(opA.row_ptr(), grid.size()) : row_partition<I>{}),
          A_(pl == placement::row_blocks ? kept_matrix(std::forward<M>(opA), layout) : csr_matrix<T, I>{}) {
        if (pl == placement::checkerboard) {
            blocks_ = make_checkerboard_blocks<T, I>(opA.cols(), opA.row_ptr(), opA.col_idx(), opA.values(), grid);
            pattern_row_ptr_ = detail::large_copy(opA.row_ptr());
        }
    }

    /// Borrows A (row_blocks, op::none, CSR layout): the partition and where A's arrays lie.
    sparse_program(const csr_matrix<T, I>& A, const pe_grid& grid)
        : grid_(grid), placement_(placement::row_blocks), op_(op::none), rows_(A.rows()), cols_(A.cols()),
          nnz_(static_cast<std::size_t>(A.nnz())), part_(partition_rows_by_nnz<I>(A.row_ptr(), grid.size())), borrowed_(&A),
          borrowed_generation_(A.storage().generation) {}

    /// The CSR matrix the row_blocks kernels read: the program's own, or the borrowed one, checked
    /// to hold still the arrays the program was lowered from (after an assignment to it or a move
    /// from it, reading it with this partition could run past its ends).
    [[nodiscard]] const csr_matrix<T, I>& kept() const {
        if (borrowed_ == nullptr) return A_;
        if (borrowed_->storage().generation != borrowed_generation_) [[unlikely]]
            throw_borrowed_changed();
        return *borrowed_;
    }

    // The checks' throws out of line: every execution passes through kept() and require(), and with
    // the messages inline they cost a plan's call on `lp_afiro` 33 instructions of 1,200 (callgrind).
    [[noreturn]] WAFERBLAS_NOINLINE void throw_borrowed_changed() const {
        const csr_matrix<T, I>& A = *borrowed_;
        const bool same_shape = A.rows() == rows_ && A.cols() == cols_ && static_cast<std::size_t>(A.nnz()) == nnz_;
        throw invalid_argument_error("sparse_program: the borrowed matrix, " + shape_text(rows_, cols_, nnz_) +
                                     " when lowered, was assigned to or moved from since (" +
                                     (same_shape ? std::string("its arrays were replaced")
                                                 : "now " + shape_text(A.rows(), A.cols(), static_cast<std::size_t>(A.nnz()))) +
                                     "); plan again from the matrix that holds the arrays now");
    }

    /// "RxC with N nonzeros", for the messages that set a matrix against the lowered one.
    [[nodiscard]] static std::string shape_text(I rows, I cols, std::size_t nnz) {
        return std::to_string(rows) + "x" + std::to_string(cols) + " with " + std::to_string(nnz) + " nonzeros";
    }

    /// row_blocks: the matrix the program keeps, its values in the order of the chunks it sets in
    /// chunks_, or its rows in the order it sets in row_order_ (part_ must be set). Each array is
    /// written once; with chunks, in the same pass that finds them. A's all_values_one() carries
    /// over, as in a copy: no scan of the values again.
    template <class M>
    csr_matrix<T, I> kept_matrix(M&& opA, spmv_layout layout) {
        if (layout != spmv_layout::csr && layout != spmv_layout::diagonal_chunks && layout != spmv_layout::rows_by_length)
            throw invalid_argument_error("sparse_program::lower: spmv_layout " + std::to_string(static_cast<int>(layout)) +
                                         " is none of csr, diagonal_chunks, rows_by_length");
        if (layout == spmv_layout::rows_by_length) {
            row_order_ = rows_in_length_order<I>(opA.row_ptr(), part_, sizeof(T));
            if (!row_order_.empty()) return rows_reordered(opA);
            // Lengths that repeat already, or rows in order: the CSR plan's matrix, kept as below.
        }
        const bool chunked = std::is_floating_point_v<T> && layout == spmv_layout::diagonal_chunks;
        if constexpr (std::is_lvalue_reference_v<M>) {
            std::vector<I> col;
            std::vector<T> val;
            if (chunked) chunks_ = lower_diagonal_chunks<T, I>(opA.row_ptr(), opA.col_idx(), opA.values(), part_, col, val);
            else col = detail::large_copy(opA.col_idx()), val = detail::large_copy(opA.values());
            return csr_matrix<T, I>(unchecked, detail::values_noted, opA.all_values_one(), opA.rows(), opA.cols(),
                                    detail::large_copy(opA.row_ptr()), std::move(col), std::move(val));
        } else {
            if (!chunked) return std::move(opA);
            auto arrays = std::move(opA).release(); // keeps values_all_one
            chunks_ = lower_diagonal_chunks<T, I>(arrays.ptr, arrays.idx, std::span<T>(arrays.val), part_);
            return csr_matrix<T, I>(unchecked, detail::values_noted, arrays.values_all_one, arrays.outer, arrays.inner, std::move(arrays.ptr),
                                    std::move(arrays.idx), std::move(arrays.val));
        }
    }

    /// The matrix whose stored row q is row row_order_[q] of opA (a new copy, also from an rvalue:
    /// the rows move, so no array can be kept).
    csr_matrix<T, I> rows_reordered(const csr_matrix<T, I>& opA) const {
        auto ptr = reordered_row_ptr<I>(opA.row_ptr(), row_order_);
        auto idx = detail::large_reserved<I>(nnz_);
        auto val = detail::large_reserved<T>(nnz_);
        append_rows_in_order<T, I>(opA.row_ptr(), opA.col_idx(), opA.values(), row_order_, idx, val);
        return csr_matrix<T, I>(unchecked, detail::values_noted, opA.all_values_one(), opA.rows(), opA.cols(), std::move(ptr), std::move(idx),
                                std::move(val));
    }

    [[nodiscard]] std::size_t x_owner_unchecked(std::size_t j) const noexcept {
        const auto P = part_.parts();
        if (rows_ == cols_)
            return static_cast<std::size_t>(std::upper_bound(part_.row_begin.begin(), part_.row_begin.end() - 1, static_cast<I>(j)) -
                                            part_.row_begin.begin()) - 1;
        return detail::proportional(j, P, static_cast<std::size_t>(cols_));
    }

    /// row_blocks: each PE gathers, once, every x entry its nonzeros use. O(nnz + gathers log PEs)
    /// time, O(cols) temporary marks (the last chain PE that counted each column; Mark is the
    /// narrowest type that holds every PE number, since the marks are most of this pass's memory).
    template <class Mark>
    void count_gathers(traffic_counts& t) const {
        const std::size_t P = grid_.size();
        t.x_used.assign(P, 0), t.x_gathered.assign(P, 0), t.x_served.assign(P, 0), t.gather_hops.assign(P, 0);
        const auto col_idx = kept().col_idx();
        const bool square = rows_ == cols_;
        auto seen = detail::large_vector<Mark>(static_cast<std::size_t>(cols_), static_cast<Mark>(P));
        for (std::size_t p = 0; p < P; ++p) {
            const pe_coord pc = grid_.snake_coord(p);
            const auto kb = static_cast<std::size_t>(part_.nz_begin[p]), ke = static_cast<std::size_t>(part_.nz_begin[p + 1]);
            // Square operators: x[j] is local exactly when row j is p's (most entries, in a banded matrix).
            const auto own_b = static_cast<std::size_t>(part_.row_begin[p]), own_e = static_cast<std::size_t>(part_.row_begin[p + 1]);
            const auto mark = static_cast<Mark>(p);
            for (std::size_t k = kb; k < ke; ++k) {
                const auto j = static_cast<std::size_t>(col_idx[k]);
                if (seen[j] == mark) continue;
                seen[j] = mark;
                ++t.x_used[p];
                if (square && own_b <= j && j < own_e) continue;
                const std::size_t owner = x_owner_unchecked(j);
                if (owner == p) continue;
                ++t.x_gathered[p];
                ++t.x_served[owner];
                t.gather_hops[p] += pe_grid::hops(grid_.snake_coord(owner), pc);
            }
        }
    }

    /// checkerboard: the x entries multicast down each PE column and the distinct rows reduced
    /// along each PE row. O(nnz) time, O(rows + cols) temporary marks.
    void count_multicasts_and_reductions(traffic_counts& t) const {
        const std::size_t R = grid_.rows(), C = grid_.cols(), P = grid_.size();
        const auto& b = blocks_;
        t.multicast_len.assign(C, 0), t.reduced_rows.assign(R, 0);
        std::vector<unsigned char> needed(static_cast<std::size_t>(cols_), 0);
        for (std::size_t p = C; p < P; ++p)
            for (auto k = static_cast<std::size_t>(b.seg_ptr[b.block_seg[p]]); k < static_cast<std::size_t>(b.seg_ptr[b.block_seg[p + 1]]); ++k)
                needed[static_cast<std::size_t>(b.idx[k])] = 1;
        for (std::size_t c = 0; c < C; ++c)
            for (auto j = static_cast<std::size_t>(b.col_split[c]); j < static_cast<std::size_t>(b.col_split[c + 1]); ++j)
                if (needed[j]) ++t.multicast_len[c];
        // Row blocks are disjoint, so one set of row marks serves every PE row.
        std::vector<unsigned char> reduced(static_cast<std::size_t>(rows_), 0);
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t c = 0; c + 1 < C; ++c)
                for (std::size_t s = b.block_seg[r * C + c]; s < b.block_seg[r * C + c + 1]; ++s) {
                    const auto row = static_cast<std::size_t>(b.seg_row[s]);
                    if (!reduced[row]) reduced[row] = 1, ++t.reduced_rows[r];
                }
    }

    static csr_matrix<T, I> apply_op(const csr_matrix<T, I>& A, op o) {
        switch (o) {
        case op::transpose: return transpose(A);
        case op::conj_transpose: return conj_transpose(A);
        case op::none: break;
        }
        return A;
    }

    /// Every reader of the lowered arrays comes through here: a moved-from program gave its arrays
    /// and partition away, and a kernel would read past them.
    void require_lowered() const {
        if (traffic_.moved_from()) [[unlikely]]
            throw_moved_from();
    }
    void require(waferblas::placement want) const {
        require_lowered();
        if (placement_ != want) [[unlikely]]
            throw_wrong_placement(want);
    }
    [[noreturn]] WAFERBLAS_NOINLINE static void throw_moved_from() {
        throw invalid_argument_error("sparse_program: the program was moved from; assign a program to it before use");
    }
    [[noreturn]] WAFERBLAS_NOINLINE void throw_wrong_placement(waferblas::placement want) const {
        throw invalid_argument_error(std::string("sparse_program: asked for the ") + to_string(want) + " layout of a program placed as " +
                                     to_string(placement_));
    }

    pe_grid grid_;
    waferblas::placement placement_;
    op op_;
    I rows_, cols_;
    std::size_t nnz_;
    row_partition<I> part_;            // row_blocks (set before A_, which the chunks need)
    diagonal_chunks<I> chunks_;        // row_blocks: rows stored as diagonal chunks (A_'s values in their order)
    std::vector<I> row_order_;         // row_blocks: A_'s row q is row row_order_[q] of op(A) (empty: in place)
    csr_matrix<T, I> A_;               // row_blocks, unless borrowed
    const csr_matrix<T, I>* borrowed_ = nullptr; // row_blocks: the caller's matrix, read in place (then A_ is empty)
    std::uint64_t borrowed_generation_ = 0;      // the borrowed matrix's arrays when lowered (compressed::generation)
    checkerboard_blocks<T, I> blocks_; // checkerboard
    std::vector<I> pattern_row_ptr_;   // checkerboard: to check refresh_values
    // both: counted by the first traffic() call; kept by copies, which have the same pattern.
    detail::computed_once<traffic_counts> traffic_;
};

} // namespace waferblas
