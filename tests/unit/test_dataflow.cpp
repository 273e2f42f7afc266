// Lowering onto the PE grid: partitions, tasks, messages and memory the placements imply.
#include <doctest/doctest.h>

#include <algorithm>
#include <complex>
#include <numeric>
#include <set>
#include <span>
#include <thread>
#include <vector>

#include "test_matrices.hpp"

#include <waferblas/waferblas.hpp>

using namespace waferblas;

namespace {

const pe_grid grids[] = {{1, 1}, {1, 5}, {3, 2}, {4, 4}, {16, 16}};

/// An 8x8 matrix with two dense 4x4 diagonal blocks: the off-diagonal blocks are all zero.
csr_matrix<double> block_diagonal() {
    coo_matrix<double> t(8, 8);
    for (int b = 0; b < 2; ++b)
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) t.add(4 * b + i, 4 * b + j, 1.0 + i + j);
    return to_csr(t);
}

} // namespace

TEST_CASE("pe_grid numbers PEs row-major and lays a chain as a boustrophedon of neighbours") {
    const pe_grid g{3, 4};
    CHECK(g.size() == 12);
    CHECK(g.index_of({2, 1}) == 9);
    CHECK(g.coord_of(9) == pe_coord{2, 1});
    for (std::size_t p = 0; p + 1 < g.size(); ++p) CHECK(pe_grid::hops(g.snake_coord(p), g.snake_coord(p + 1)) == 1);
    CHECK_THROWS_AS(pe_grid(0, 4), invalid_argument_error);
    CHECK_THROWS_AS(pe_grid(std::size_t{1} << 20, std::size_t{1} << 20), invalid_argument_error);
}

TEST_CASE("k nonzeros give exactly k AXPY tasks, in every placement and grid") {
    for (const auto& c : testing::generated_cases<double, std::int32_t>())
        for (const auto& g : grids)
            for (placement pl : {placement::row_blocks, placement::checkerboard}) {
                const auto s = plan_spmv(c.A, g, pl).statistics();
                INFO(c.name << " " << to_string(g) << " " << to_string(pl));
                CHECK(s.total_tasks == static_cast<std::size_t>(c.A.nnz()));
                std::size_t sum = 0, sent = 0, received = 0;
                for (const auto& pe : s.pe) sum += pe.tasks, sent += pe.words_sent, received += pe.words_received;
                CHECK(sum == s.total_tasks);
                CHECK(s.total_flops == 2 * s.total_tasks);
                if (pl == placement::row_blocks) CHECK(sent == received); // point-to-point: every word sent arrives once
            }
}

TEST_CASE("complex values count 8 flops per task and 4 words per value, and SpMM multiplies by the width") {
    const auto A = generators::poisson2d<std::complex<double>>(6, 5);
    const auto plan = plan_spmm(A, pe_grid{2, 2}, placement::checkerboard);
    const auto s1 = plan.statistics(1), s8 = plan.statistics(8);
    CHECK(s1.total_flops == 8 * static_cast<std::size_t>(A.nnz()));
    CHECK(s8.total_flops == 8 * s1.total_flops);
    CHECK(s8.comm.multicast_words == 8 * s1.comm.multicast_words);
    CHECK(s8.comm.reduction_words == 8 * s1.comm.reduction_words);
    CHECK(s1.comm.multicast_words % 4 == 0);
}

TEST_CASE("an all-zero block holds no task and sends or receives nothing") {
    const auto s = plan_spmv(block_diagonal(), pe_grid{2, 2}, placement::checkerboard).statistics();
    // PE (1,0) holds an all-zero block: no task, and neither x nor partial sums move for it.
    CHECK(s.pe[2].tasks == 0);
    CHECK(s.pe[2].words_sent == 0);
    CHECK(s.pe[2].words_received == 0);
    // PE (0,1) holds an all-zero block too; it only receives row 0's sums as the owner of y segment 0.
    CHECK(s.pe[1].tasks == 0);
    CHECK(s.pe[1].words_received == 8);
    // Column 1's x segment (4 doubles = 8 words) goes down to PE (1,1), the only non-empty receiver.
    CHECK(s.comm.multicast_words == 8);
    CHECK(s.comm.multicast_deliveries == 8);
    CHECK(s.pe[3].words_received == 8);
    // Row 0's partial sums (4 rows) travel from (0,0) to the owner (0,1); row 1 needs no reduction.
    CHECK(s.comm.reduction_words == 8);
    CHECK(s.pe[0].words_sent == 8);
    CHECK(s.active_pes == 2);
}

TEST_CASE("empty rows hold no task and send no partial sum") {
    // Rows 1..3 empty; on a 1x4 checkerboard the empty rows must not appear in any reduction.
    const csr_matrix<double> A(5, 4, {0, 4, 4, 4, 4, 8}, {0, 1, 2, 3, 0, 1, 2, 3}, {1, 1, 1, 1, 1, 1, 1, 1});
    const auto s = plan_spmv(A, pe_grid{1, 4}, placement::checkerboard).statistics();
    // Each of the 3 non-owner PEs holds 2 non-empty rows (0 and 4): 2 partial sums of 2 words each.
    CHECK(s.comm.reduction_words == 3 * 2 * 2);
    for (std::size_t c = 0; c < 4; ++c) CHECK(s.pe[c].rows == 2);
}

TEST_CASE("the words multicast equal what the checkerboard placement implies") {
    for (const auto& c : testing::generated_cases<float, std::int64_t>())
        for (const auto& g : grids) {
            const auto plan = plan_spmv(c.A, g, placement::checkerboard);
            const auto& b = plan.program().blocks();
            // Independent count: x[j] travels down PE column c if some nonzero of column j lies in a
            // PE row other than 0 of that column.
            std::size_t want = 0, deliveries = 0;
            for (std::size_t pc = 0; pc < g.cols(); ++pc) {
                std::set<std::int64_t> cols_needed;
                std::set<std::size_t> receivers;
                for (std::int64_t i = 0; i < c.A.rows(); ++i) {
                    const auto pr = static_cast<std::size_t>(std::upper_bound(b.row_split.begin(), b.row_split.end(), i) - b.row_split.begin()) - 1;
                    if (pr == 0) continue;
                    for (auto k = c.A.row_ptr()[static_cast<std::size_t>(i)]; k < c.A.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k) {
                        const auto j = c.A.col_idx()[static_cast<std::size_t>(k)];
                        if (j >= b.col_split[pc] && j < b.col_split[pc + 1]) {
                            cols_needed.insert(j);
                            receivers.insert(pr);
                        }
                    }
                }
                want += cols_needed.size();
                deliveries += cols_needed.size() * receivers.size();
            }
            const auto s = plan.statistics();
            INFO(c.name << " " << to_string(g));
            CHECK(s.comm.multicast_words == want * words_per_value<float>);
            CHECK(s.comm.multicast_deliveries == deliveries * words_per_value<float>);
        }
}

namespace {

// Independent construction: for each PE in row-major order, every row of its row block with a
// nonzero in its column block is one segment holding those nonzeros in column order.
template <class T, class I>
void check_checkerboard_blocks_against_a_naive_split() {
    const pe_grid more_grids[] = {{2, 1}, {1, 2}, {2, 2}, {1, 9}, {2, 12}};
    for (const auto& c : testing::generated_cases<T, I>())
        for (const auto& g : {std::span<const pe_grid>(grids), std::span<const pe_grid>(more_grids)})
            for (const auto& grid : g) {
                const auto& A = c.A;
                const auto b = make_checkerboard_blocks<T, I>(A.cols(), A.row_ptr(), A.col_idx(), A.values(), grid);
                INFO(c.name << " " << to_string(grid));
                std::vector<I> col_prefix(static_cast<std::size_t>(A.cols()) + 1, 0);
                for (auto j : A.col_idx()) ++col_prefix[static_cast<std::size_t>(j) + 1];
                std::partial_sum(col_prefix.begin(), col_prefix.end(), col_prefix.begin());
                if (grid.cols() == 1) CHECK(b.col_split == std::vector<I>{0, A.cols()});
                else CHECK(b.col_split == detail::balanced_split<I>(col_prefix, grid.cols()));
                std::vector<std::size_t> block_seg{0};
                std::vector<I> seg_row, seg_ptr, idx;
                std::vector<T> val;
                for (std::size_t pr = 0; pr < grid.rows(); ++pr)
                    for (std::size_t pc = 0; pc < grid.cols(); ++pc) {
                        for (auto i = b.row_split[pr]; i < b.row_split[pr + 1]; ++i) {
                            bool open = false;
                            for (auto k = A.row_ptr()[static_cast<std::size_t>(i)]; k < A.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k) {
                                const auto j = A.col_idx()[static_cast<std::size_t>(k)];
                                if (j < b.col_split[pc] || j >= b.col_split[pc + 1]) continue;
                                if (!open) seg_row.push_back(i), seg_ptr.push_back(static_cast<I>(idx.size())), open = true;
                                idx.push_back(j);
                                val.push_back(A.values()[static_cast<std::size_t>(k)]);
                            }
                        }
                        block_seg.push_back(seg_row.size());
                    }
                seg_ptr.push_back(static_cast<I>(idx.size()));
                CHECK(b.block_seg == block_seg);
                CHECK(b.seg_row == seg_row);
                CHECK(b.seg_ptr == seg_ptr);
                CHECK(b.idx == idx);
                CHECK(b.val == val);
            }
}

} // namespace

TEST_CASE("checkerboard blocks hold exactly each block's nonzeros, row by row") {
    check_checkerboard_blocks_against_a_naive_split<double, std::int32_t>();
    check_checkerboard_blocks_against_a_naive_split<std::complex<float>, std::int64_t>();
}

TEST_CASE("row_blocks gathers each remote x entry once per PE") {
    for (const auto& c : testing::generated_cases<double, std::int32_t>()) {
        if (c.A.rows() != c.A.cols()) continue; // square: x is owned like y
        const pe_grid g{2, 3};
        const auto plan = plan_spmv(c.A, g, placement::row_blocks);
        const auto& part = plan.program().partition();
        std::size_t want = 0;
        for (std::size_t p = 0; p < g.size(); ++p) {
            std::set<std::int32_t> remote;
            for (auto k = part.nz_begin[p]; k < part.nz_begin[p + 1]; ++k) {
                const auto j = c.A.col_idx()[static_cast<std::size_t>(k)];
                if (j < part.row_begin[p] || j >= part.row_begin[p + 1]) remote.insert(j);
            }
            want += remote.size();
        }
        INFO(c.name);
        CHECK(plan.statistics().comm.point_to_point_words == want * 2);
    }
}

TEST_CASE("row_blocks balances nonzeros and splits a heavy row across PEs") {
    const auto A = generators::dense_row<double>(4000, 17, 1); // a diagonal plus one dense row
    const auto plan = plan_spmv(A, pe_grid{1, 8});
    const auto& part = plan.program().partition();
    CHECK(part.nz_begin.front() == 0);
    CHECK(part.nz_begin.back() == A.nnz());
    CHECK(std::is_sorted(part.nz_begin.begin(), part.nz_begin.end()));
    CHECK(std::is_sorted(part.row_begin.begin(), part.row_begin.end()));
    std::size_t largest = 0;
    for (std::size_t p = 0; p < 8; ++p) largest = std::max(largest, static_cast<std::size_t>(part.nz_begin[p + 1] - part.nz_begin[p]));
    CHECK(static_cast<double>(largest) <= 1.15 * static_cast<double>(A.nnz()) / 8);
    // The dense row holds half the nonzeros, so it must be shared by several PEs.
    std::size_t sharing = 0;
    for (std::size_t p = 0; p < 8; ++p) sharing += part.has_carry(A.row_ptr(), p) ? 1 : 0;
    CHECK(sharing >= 3);
    const auto s = plan_spmv(A, pe_grid{1, 8}).statistics();
    CHECK(s.comm.reduction_words == sharing * 2);
    CHECK(s.imbalance() < 1.15);
}

TEST_CASE("a split balancing work counts each row's cost on top of its nonzeros, and keeps every partition invariant") {
    // 10 rows of 100 nonzeros, then 1,000 rows of 1: by nonzeros, two PEs meet after row 9; at 4
    // per row the work is 2,000 + 4 x 1,010 = 6,040, and half of it ends with row 405.
    std::vector<int> ptr{0};
    for (int r = 0; r < 1010; ++r) ptr.push_back(ptr.back() + (r < 10 ? 100 : 1));
    const std::span<const int> row_ptr(ptr);
    const auto by_nnz = partition_rows_by_nnz(row_ptr, 2);
    CHECK(by_nnz.nz_begin[1] == 1000);
    CHECK(by_nnz.row_begin[1] == 10);
    const auto by_work = partition_rows_by_work(row_ptr, 2, 4);
    CHECK(by_work.nz_begin[1] == 1396);
    CHECK(by_work.row_begin[1] == 406);
    CHECK_FALSE(by_work.splits_rows);

    // Invariants on every shape and PE count: boundaries sorted and covering A, each PE's y rows
    // start at the row holding its first nonzero, heavy rows still split (a dense row of half the
    // nonzeros over 8 PEs), and no PE beyond 1/8 of a share plus one row's cost over its share.
    const auto dense = generators::dense_row<double>(4000, 17, 1);
    const auto rmat = generators::rmat<double>(10, 8, 3);
    const csr_matrix<double> empty_rows(6, 6, {0, 0, 0, 3, 3, 3, 3}, {0, 2, 5}, {1, 2, 3});
    const csr_matrix<double> none(0, 0, {0}, {}, {});
    for (const auto* A : {&dense, &rmat, &empty_rows, &none})
        for (const std::size_t parts : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{8}, std::size_t{64}})
            for (const std::size_t cost : {std::size_t{0}, std::size_t{4}}) {
                INFO(A->rows() << " rows, " << parts << " PEs, row cost " << cost);
                const std::span<const int> p(A->row_ptr());
                const auto part = partition_rows_by_work(p, parts, cost);
                REQUIRE(part.parts() == parts);
                CHECK(part.nz_begin.front() == 0);
                CHECK(part.nz_begin.back() == A->nnz());
                CHECK(part.row_begin.back() == A->rows());
                CHECK(std::is_sorted(part.nz_begin.begin(), part.nz_begin.end()));
                CHECK(std::is_sorted(part.row_begin.begin(), part.row_begin.end()));
                for (std::size_t q = 1; q < parts; ++q) {
                    const auto owner = static_cast<std::size_t>(part.row_begin[q]);
                    if (part.nz_begin[q] < A->nnz()) CHECK((p[owner] <= part.nz_begin[q] && part.nz_begin[q] < p[owner + 1]));
                }
                const double share = static_cast<double>(static_cast<std::size_t>(A->nnz()) + cost * static_cast<std::size_t>(A->rows())) /
                                     static_cast<double>(parts);
                if (A == &dense && parts == 8) {
                    CHECK(part.splits_rows);
                    for (std::size_t q = 0; q < parts; ++q) {
                        const auto rows_begun = static_cast<double>(cost) * static_cast<double>(part.row_begin[q + 1] - part.row_begin[q] + 1);
                        CHECK(static_cast<double>(part.nz_begin[q + 1] - part.nz_begin[q]) + rows_begun <= 1.25 * share + 2 * static_cast<double>(cost) + 1);
                    }
                }
            }
}

TEST_CASE("row_blocks keeps row boundaries on regular matrices: no row is split") {
    const auto A = generators::poisson3d<double>(10, 10, 10);
    const auto plan = plan_spmv(A, pe_grid{4, 4});
    for (std::size_t p = 0; p < 16; ++p) CHECK_FALSE(plan.program().partition().has_carry(A.row_ptr(), p));
    CHECK(plan.statistics().comm.reduction_words == 0);
    CHECK(plan.statistics().imbalance() < 1.1);
}

TEST_CASE("statistics count the bytes a PE holds and summarise readably") {
    const auto s = plan_spmv(block_diagonal(), pe_grid{2, 2}, placement::checkerboard).statistics();
    // PE (0,0): 16 nonzeros x (8 + 4) + 4 segments x 8 + x segment owned 4 x 8 + partial sums 4 x 8.
    CHECK(s.pe[0].bytes_held == 16 * 12 + 4 * 8 + 4 * 8 + 4 * 8);
    CHECK(s.max_bytes_held() >= s.pe[0].bytes_held);
    const auto text = s.summary();
    CHECK(text.find("grid 2x2") != std::string::npos);
    CHECK(text.find("tasks 32") != std::string::npos);
}

TEST_CASE("lowering a transposed operator plans A^T") {
    const auto A = generators::random_sparse<double>(30, 50, 0.1, 4);
    const auto plan = plan_spmv(A, pe_grid{2, 2}, placement::checkerboard, op::transpose);
    CHECK(plan.rows() == 50);
    CHECK(plan.cols() == 30);
    CHECK(plan.operation() == op::transpose);
    CHECK_THROWS_AS((void)plan.program().partition(), invalid_argument_error);
}

TEST_CASE("the program keeps the inspector's traffic counts, and statistics built on them match a naive recount") {
    auto cases = testing::generated_cases<double, std::int32_t>();
    cases.push_back({"dense row 600", generators::dense_row<double>(600, 17, 1)});
    cases.push_back({"rmat 8", generators::rmat<double>(8, 6, 2)});
    constexpr std::size_t width = 3, wpv = words_per_value<double>;
    for (const auto& c : cases)
        for (const auto& g : grids)
            for (op o : {op::none, op::transpose}) {
                INFO(c.name << " " << to_string(g) << " " << to_string(o));
                const std::size_t P = g.size();
                // row_blocks: recount each chain PE's distinct x entries with a fresh O(cols) mark.
                {
                    auto plan = plan_spmm(c.A, g, placement::row_blocks, o);
                    const auto& prog = plan.program();
                    const auto& A = prog.matrix();
                    const auto& part = prog.partition();
                    const auto& t = prog.traffic();
                    const auto cols = static_cast<std::size_t>(A.cols());
                    REQUIRE(t.x_used.size() == P);
                    REQUIRE(t.x_gathered.size() == P);
                    REQUIRE(t.x_served.size() == P);
                    REQUIRE(t.gather_hops.size() == P);
                    CHECK(t.multicast_len.empty());
                    CHECK(t.reduced_rows.empty());
                    const auto owner_of = [&](std::size_t j) {
                        if (A.rows() != A.cols()) return j * P / cols;
                        for (std::size_t q = 0; q < P; ++q)
                            if (static_cast<std::size_t>(part.row_begin[q]) <= j && j < static_cast<std::size_t>(part.row_begin[q + 1])) return q;
                        return P;
                    };
                    std::vector<std::size_t> used(P, 0), gathered(P, 0), served(P, 0), hops(P, 0);
                    std::vector<std::size_t> sent(P, 0), received(P, 0);
                    std::size_t p2p = 0, word_hops = 0;
                    for (std::size_t p = 0; p < P; ++p) {
                        std::vector<char> mark(cols, 0);
                        for (auto k = static_cast<std::size_t>(part.nz_begin[p]); k < static_cast<std::size_t>(part.nz_begin[p + 1]); ++k) {
                            const auto j = static_cast<std::size_t>(A.col_idx()[k]);
                            if (mark[j]) continue;
                            mark[j] = 1;
                            ++used[p];
                            const std::size_t owner = owner_of(j);
                            REQUIRE(owner < P);
                            CHECK(prog.x_owner(j) == owner);
                            if (owner == p) continue;
                            const std::size_t h = pe_grid::hops(g.snake_coord(owner), g.snake_coord(p));
                            ++gathered[p], ++served[owner], hops[p] += h;
                            sent[owner] += width * wpv, received[p] += width * wpv;
                            p2p += width * wpv, word_hops += width * wpv * h;
                        }
                        if (part.has_carry(A.row_ptr(), p)) {
                            std::size_t owner = p + 1;
                            while (part.row_begin[owner + 1] == part.row_begin[owner]) ++owner;
                            sent[p] += width * wpv, received[owner] += width * wpv;
                            word_hops += width * wpv * pe_grid::hops(g.snake_coord(owner), g.snake_coord(p));
                        }
                    }
                    CHECK(t.x_used == used);
                    CHECK(t.x_gathered == gathered);
                    CHECK(t.x_served == served);
                    CHECK(t.gather_hops == hops);
                    const auto s = plan.statistics(width);
                    CHECK(s.comm.point_to_point_words == p2p);
                    CHECK(s.comm.word_hops == word_hops);
                    for (std::size_t p = 0; p < P; ++p) {
                        const auto& pe = s.pe[g.index_of(g.snake_coord(p))];
                        CHECK(pe.words_sent == sent[p]);
                        CHECK(pe.words_received == received[p]);
                        const auto row_span = static_cast<std::size_t>(part.row_begin[p + 1] - part.row_begin[p]);
                        CHECK(pe.bytes_held == pe.tasks * (sizeof(double) + sizeof(std::int32_t)) + (row_span + 1) * sizeof(std::int32_t) +
                                                   (used[p] + pe.rows) * width * sizeof(double));
                    }
                    // The counts depend on the pattern only: new values keep them.
                    const auto before = t;
                    auto A2 = c.A;
                    for (auto& v : A2.values()) v += 1.0;
                    plan.refresh_values(A2);
                    CHECK(plan.program().traffic().x_used == before.x_used);
                    CHECK(plan.program().traffic().gather_hops == before.gather_hops);
                    CHECK(plan.statistics(width).comm.word_hops == s.comm.word_hops);
                }
                // checkerboard: recount the columns multicast down each PE column and the rows reduced
                // along each PE row with fresh O(cols) and O(rows) marks, from op(A) itself.
                {
                    const auto plan = plan_spmm(c.A, g, placement::checkerboard, o);
                    const auto& prog = plan.program();
                    const auto& b = prog.blocks();
                    const auto& t = prog.traffic();
                    const auto opA = o == op::none ? c.A : transpose(c.A);
                    const std::size_t R = g.rows(), C = g.cols();
                    REQUIRE(t.multicast_len.size() == C);
                    REQUIRE(t.reduced_rows.size() == R);
                    CHECK(t.x_used.empty());
                    const auto block_of = [](const std::vector<std::int32_t>& split, std::int32_t v) {
                        return static_cast<std::size_t>(std::upper_bound(split.begin(), split.end(), v) - split.begin()) - 1;
                    };
                    std::size_t multicast = 0, deliveries = 0;
                    for (std::size_t pc = 0; pc < C; ++pc) {
                        std::vector<char> mark(static_cast<std::size_t>(opA.cols()), 0);
                        std::vector<char> receiver(R, 0);
                        std::size_t len = 0;
                        for (std::int32_t i = 0; i < opA.rows(); ++i) {
                            const std::size_t pr = block_of(b.row_split, i);
                            if (pr == 0) continue;
                            for (auto k = opA.row_ptr()[static_cast<std::size_t>(i)]; k < opA.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k) {
                                const auto j = opA.col_idx()[static_cast<std::size_t>(k)];
                                if (block_of(b.col_split, j) != pc) continue;
                                receiver[pr] = 1;
                                if (!mark[static_cast<std::size_t>(j)]) mark[static_cast<std::size_t>(j)] = 1, ++len;
                            }
                        }
                        CHECK(t.multicast_len[pc] == len);
                        const auto receivers = static_cast<std::size_t>(std::count(receiver.begin(), receiver.end(), 1));
                        if (receivers > 0) multicast += len * width * wpv, deliveries += receivers * len * width * wpv;
                    }
                    for (std::size_t pr = 0; pr < R; ++pr) {
                        std::size_t reduced = 0;
                        for (auto i = b.row_split[pr]; i < b.row_split[pr + 1]; ++i) {
                            bool partial = false;
                            for (auto k = opA.row_ptr()[static_cast<std::size_t>(i)]; k < opA.row_ptr()[static_cast<std::size_t>(i) + 1]; ++k)
                                partial = partial || block_of(b.col_split, opA.col_idx()[static_cast<std::size_t>(k)]) + 1 < C;
                            reduced += partial ? 1 : 0;
                        }
                        CHECK(t.reduced_rows[pr] == reduced);
                    }
                    const auto s = plan.statistics(width);
                    CHECK(s.comm.multicast_words == multicast);
                    CHECK(s.comm.multicast_deliveries == deliveries);
                }
            }
}

TEST_CASE("traffic counts are taken once, on first use, whichever thread asks, and copies keep them") {
    const auto A = generators::rmat<double>(10, 8, 5);
    for (placement pl : {placement::row_blocks, placement::checkerboard}) {
        INFO(to_string(pl));
        const auto reference = sparse_program<double>::lower(A, pe_grid{3, 4}, pl).traffic();
        const auto prog = sparse_program<double>::lower(A, pe_grid{3, 4}, pl);
        std::vector<const traffic_counts*> seen(4, nullptr);
        {
            std::vector<std::thread> threads;
            for (auto& s : seen) threads.emplace_back([&prog, &s] { s = &prog.traffic(); });
            for (auto& t : threads) t.join();
        }
        for (const auto* s : seen) CHECK(s == &prog.traffic());
        const auto& t = prog.traffic();
        CHECK(t.x_used == reference.x_used);
        CHECK(t.x_gathered == reference.x_gathered);
        CHECK(t.gather_hops == reference.gather_hops);
        CHECK(t.multicast_len == reference.multicast_len);
        CHECK(t.reduced_rows == reference.reduced_rows);
        const auto same_counts = [&](const traffic_counts& c) {
            return c.x_used == reference.x_used && c.x_gathered == reference.x_gathered && c.x_served == reference.x_served &&
                   c.gather_hops == reference.gather_hops && c.multicast_len == reference.multicast_len &&
                   c.reduced_rows == reference.reduced_rows;
        };
        // A copy of a counted program takes the counts; one of an uncounted program counts its own.
        const auto copy = prog;
        CHECK(same_counts(copy.traffic()));
        const auto uncounted = sparse_program<double>::lower(A, pe_grid{3, 4}, pl);
        const auto copy_of_uncounted = uncounted;
        CHECK(same_counts(copy_of_uncounted.traffic()));
        CHECK(same_counts(uncounted.traffic()));
        // Assignment replaces counts taken of another pattern and grid.
        auto assigned = sparse_program<double>::lower(generators::banded<double>(50, 2, 2, 7), pe_grid{2, 2}, pl);
        (void)assigned.traffic();
        assigned = prog;
        CHECK(same_counts(assigned.traffic()));
        auto assigned_uncounted = sparse_program<double>::lower(generators::banded<double>(50, 2, 2, 7), pe_grid{2, 2}, pl);
        (void)assigned_uncounted.traffic();
        assigned_uncounted = uncounted;
        CHECK(same_counts(assigned_uncounted.traffic()));
        // Moves: of a counted program and of an uncounted one; the moved-from program refuses.
        for (const bool counted : {true, false}) {
            auto moved_from = sparse_program<double>::lower(A, pe_grid{3, 4}, pl);
            if (counted) (void)moved_from.traffic();
            const auto moved_to = std::move(moved_from);
            CHECK(same_counts(moved_to.traffic()));
            CHECK_THROWS_AS((void)moved_from.traffic(), invalid_argument_error); // NOLINT(bugprone-use-after-move): the documented error
            const auto copy_of_moved_from = moved_from; // NOLINT(bugprone-use-after-move): its arrays are gone too
            CHECK_THROWS_AS((void)copy_of_moved_from.traffic(), invalid_argument_error);
            auto move_assigned = sparse_program<double>::lower(generators::banded<double>(50, 2, 2, 7), pe_grid{2, 2}, pl);
            (void)move_assigned.traffic();
            auto source = sparse_program<double>::lower(A, pe_grid{3, 4}, pl);
            if (counted) (void)source.traffic();
            move_assigned = std::move(source);
            CHECK(same_counts(move_assigned.traffic()));
            CHECK_THROWS_AS((void)source.traffic(), invalid_argument_error); // NOLINT(bugprone-use-after-move): the documented error
        }
    }
}

TEST_CASE("large plan arrays hold what ordinary vectors would, below and above the huge-page advice size") {
    for (std::size_t n : {std::size_t{0}, std::size_t{3}, detail::huge_page_advice_bytes / sizeof(double) + 777}) {
        INFO(n);
        const auto v = detail::large_vector<double>(n, 2.5);
        CHECK(v.size() == n);
        CHECK(std::all_of(v.begin(), v.end(), [](double e) { return e == 2.5; }));
        std::vector<std::int32_t> src(n);
        for (std::size_t i = 0; i < n; ++i) src[i] = static_cast<std::int32_t>(i * 7);
        CHECK(detail::large_copy(std::span<const std::int32_t>(src)) == src);
    }
    // The advice tolerates any address and length, including unaligned ones and a length of zero.
    std::vector<char> buffer(detail::huge_page_advice_bytes + 5000);
    detail::advise_huge_pages(buffer.data() + 3, buffer.size() - 3);
    detail::advise_huge_pages(buffer.data(), 0);
    CHECK(buffer[17] == 0);
}

TEST_CASE("spmv_layout::rows_by_length orders rows only from 4 MiB of values and column indices on") {
    CHECK(detail::rows_by_length_min_bytes == std::size_t{4} << 20);
    // 48,000 rows of 0 to 15 nonzeros in no order: 360,000 nonzeros, 4.3 MB as double and 32-bit
    // indices (ordered), 2.9 MB as float (left in place).
    constexpr std::int32_t n = 48000, step = n / 16;
    std::vector<std::int32_t> ptr{0}, idx;
    for (std::int32_t r = 0; r < n; ++r) {
        const std::int32_t len = static_cast<std::int32_t>((static_cast<std::int64_t>(r) * 7919) % 16);
        for (std::int32_t k = 0; k < len; ++k) idx.push_back(k * step + r % step);
        ptr.push_back(static_cast<std::int32_t>(idx.size()));
    }
    REQUIRE(idx.size() == 360000);
    std::vector<double> val(idx.size());
    for (std::size_t k = 0; k < val.size(); ++k) val[k] = 0.5 + static_cast<double>(k % 9);
    const csr_matrix<double> A(n, n, ptr, idx, val);
    const csr_matrix<float> F(n, n, ptr, idx, std::vector<float>(val.begin(), val.end()));
    const auto sorted = plan_spmv(A, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::rows_by_length);
    CHECK(sorted.program().stored_row_order().size() == static_cast<std::size_t>(n));
    CHECK(plan_spmv(F, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::rows_by_length).program().stored_row_order().empty());
    const auto small = generators::rmat<double>(12, 8, 3); // irregular, but 0.4 MB
    CHECK(plan_spmv(small, pe_grid{1, 2}, placement::row_blocks, op::none, spmv_layout::rows_by_length).program().stored_row_order().empty());
    std::vector<double> x(static_cast<std::size_t>(n)), y1(x.size()), y2(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1.0 + static_cast<double>(i % 5) / 4;
    sorted.execute(backend::sequential{}, 1.0, x, 0.0, y1);
    plan_spmv(A, pe_grid{1, 2}).execute(backend::sequential{}, 1.0, x, 0.0, y2);
    CHECK(y1 == y2);
}
