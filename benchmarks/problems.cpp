// benchmarks/problems.cpp — the matrix catalogue, the problem and configuration caches, verification
// and the counters every benchmark reports (declared in common.hpp).
#include "common.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <iostream>
#include <limits>
#include <sstream>

namespace wbbench {

options& opts() {
    static options o;
    return o;
}

// ---------------------------------------------------------------------------------------------------
// Catalogue

namespace {

namespace gen = waferblas::generators;

std::vector<matrix_entry> shared_matrices(const std::filesystem::path& dir) {
    std::vector<std::pair<std::uint64_t, matrix_entry>> found;
    std::error_code ec;
    if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return {};
    for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
        if (!f.is_regular_file() || f.path().extension() != ".mtx") continue;
        try {
            const auto h = waferblas::io::read_matrix_market_header(f.path());
            if (h.field == waferblas::io::mm_field::complex) continue; // double-only suite (as the baseline)
            matrix_entry e;
            e.name = f.path().stem().string();
            std::replace(e.name.begin(), e.name.end(), '/', '_');
            e.origin = "shared";
            e.rows = static_cast<std::size_t>(h.rows);
            e.cols = static_cast<std::size_t>(h.cols);
            e.load = [path = f.path()] { return waferblas::io::read_matrix_market<double>(path); };
            found.emplace_back(h.entries, std::move(e));
        } catch (const std::exception& ex) {
            std::cerr << "waferblas_bench: skipping " << f.path().string() << ": " << ex.what() << '\n';
        }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second.name < b.second.name;
    });
    std::vector<matrix_entry> out;
    for (auto& [entries, e] : found) out.push_back(std::move(e));
    return out;
}

bool fits_spmm(const matrix_entry& e) {
    const auto& o = opts();
    if (o.spmm_k.empty()) return false;
    const std::size_t kmax = *std::max_element(o.spmm_k.begin(), o.spmm_k.end());
    return 8.0 * static_cast<double>(kmax) * static_cast<double>(e.rows + e.cols) <= o.spmm_max_bytes;
}

} // namespace

std::vector<matrix_entry> catalogue() {
    const auto& o = opts();
    std::vector<matrix_entry> out = shared_matrices(o.matrices_dir);
    for (auto& e : out) e.spmm = fits_spmm(e);

    // SpMM on a couple of generated matrices: the largest Poisson side up to 64 and the smallest R-MAT.
    int spmm_poisson = 0;
    for (int s : o.poisson)
        if (s <= 64) spmm_poisson = std::max(spmm_poisson, s);
    const int spmm_rmat = o.rmat.empty() ? -1 : *std::min_element(o.rmat.begin(), o.rmat.end());

    std::vector<int> sides = o.poisson;
    std::sort(sides.begin(), sides.end());
    for (int s : sides) {
        matrix_entry e;
        e.name = "poisson3d_" + std::to_string(s);
        e.origin = "generated";
        e.rows = e.cols = static_cast<std::size_t>(s) * static_cast<std::size_t>(s) * static_cast<std::size_t>(s);
        e.load = [s] { return gen::poisson3d<double>(s, s, s); };
        e.spmm = s == spmm_poisson && fits_spmm(e);
        out.push_back(std::move(e));
    }
    std::vector<int> scales = o.rmat;
    std::sort(scales.begin(), scales.end());
    for (int sc : scales) {
        matrix_entry e;
        e.name = "rmat" + std::to_string(sc);
        e.origin = "generated";
        e.rows = e.cols = std::size_t{1} << sc;
        e.load = [sc] { return gen::rmat<double>(sc, 16, 42); };
        e.spmm = sc == spmm_rmat && fits_spmm(e);
        out.push_back(std::move(e));
    }
    constexpr std::int64_t big = std::int64_t{1} << 20;
    if (o.banded) {
        matrix_entry e;
        e.name = "banded_1M_w9"; // 2^20 rows, diagonals -4..4
        e.origin = "generated";
        e.rows = e.cols = static_cast<std::size_t>(big);
        e.load = [] { return gen::banded<double>(big, 4, 4, 7); };
        out.push_back(std::move(e));
    }
    if (o.dense_row) {
        matrix_entry e;
        e.name = "dense_row_1M"; // 2^20 rows: the diagonal plus row 2^19 full (half of all nonzeros)
        e.origin = "generated";
        e.rows = e.cols = static_cast<std::size_t>(big);
        e.load = [] { return gen::dense_row<double>(big, big / 2, 11); };
        out.push_back(std::move(e));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// Problems

double test_value(std::size_t i, std::size_t salt) noexcept {
    std::uint64_t h = (static_cast<std::uint64_t>(i) + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(salt) + 1));
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return 0.5 + static_cast<double>(h >> 11) * 0x1.0p-53;
}

namespace {

/// The longest row of A: the most products any entry of A x or A B sums.
std::size_t longest_row(const waferblas::csr_matrix<double>& A) {
    const auto ptr = A.row_ptr();
    std::size_t longest = 0;
    for (std::size_t i = 0; i + 1 < ptr.size(); ++i) longest = std::max(longest, static_cast<std::size_t>(ptr[i + 1] - ptr[i]));
    return longest;
}

std::unique_ptr<problem>& current_storage() {
    static std::unique_ptr<problem> p;
    return p;
}

} // namespace

expected_result reference_spmv(const waferblas::csr_matrix<double>& A, const std::vector<double>& x) {
    const auto ptr = A.row_ptr();
    const auto idx = A.col_idx();
    const auto val = A.values();
    expected_result y;
    y.value.assign(static_cast<std::size_t>(A.rows()), 0.0);
    y.scale.assign(y.value.size(), 0.0);
    y.tolerance = sum_tolerance(longest_row(A));
    for (std::size_t i = 0; i < y.value.size(); ++i) {
        double s = 0, a = 0;
        for (auto k = static_cast<std::size_t>(ptr[i]); k < static_cast<std::size_t>(ptr[i + 1]); ++k) {
            const double xj = x[static_cast<std::size_t>(idx[k])];
            s += val[k] * xj;
            a += std::abs(val[k] * xj);
        }
        y.value[i] = s;
        y.scale[i] = a;
    }
    return y;
}

const spmm_operands& problem::operands(std::size_t k) {
    for (const auto& s : spmm)
        if (s.k == k) return s;
    spmm_operands s;
    s.k = k;
    s.B.resize(cols() * k);
    for (std::size_t i = 0; i < s.B.size(); ++i) s.B[i] = test_value(i, k);
    s.C_ref.value.assign(rows() * k, 0.0);
    s.C_ref.scale.assign(rows() * k, 0.0);
    s.C_ref.tolerance = y_ref.tolerance; // the same rows
    const auto ptr = A.row_ptr();
    const auto idx = A.col_idx();
    const auto val = A.values();
    for (std::size_t i = 0; i < rows(); ++i) {
        double* c = s.C_ref.value.data() + i * k;
        double* c_scale = s.C_ref.scale.data() + i * k;
        for (auto q = static_cast<std::size_t>(ptr[i]); q < static_cast<std::size_t>(ptr[i + 1]); ++q) {
            const double a = val[q];
            const double* b = s.B.data() + static_cast<std::size_t>(idx[q]) * k;
            for (std::size_t j = 0; j < k; ++j) {
                c[j] += a * b[j];
                c_scale[j] += std::abs(a * b[j]);
            }
        }
    }
    spmm.push_back(std::move(s));
    return spmm.back();
}

problem& current_problem(const matrix_entry& e) {
    auto& cur = current_storage();
    if (cur && cur->name == e.name) return *cur;
    release_config_slot(); // it may hold a peer's copy of the old matrix
    cur.reset();
    auto p = std::make_unique<problem>();
    p->name = e.name;
    p->A = e.load();
    p->x.resize(p->cols());
    for (std::size_t j = 0; j < p->x.size(); ++j) p->x[j] = test_value(j);
    p->y_ref = reference_spmv(p->A, p->x);
    cur = std::move(p);
    return *cur;
}

problem* current_problem_or_fail(benchmark::State& state, const matrix_entry& e) {
    try {
        return &current_problem(e);
    } catch (const std::exception& ex) {
        fail(state, "loading " + e.name + ": " + ex.what());
        return nullptr;
    }
}

const spmm_operands* spmm_operands_or_fail(benchmark::State& state, const matrix_entry& e, std::size_t k) {
    try {
        return &current_problem(e).operands(k);
    } catch (const std::exception& ex) {
        fail(state, "loading " + e.name + ": " + ex.what());
        return nullptr;
    }
}

// ---------------------------------------------------------------------------------------------------
// Configuration slot

detail::slot& detail::config_slot_storage() {
    static slot s;
    return s;
}

void release_config_slot() {
    auto& s = detail::config_slot_storage();
    s.state.reset();
    s.key.clear();
}

// ---------------------------------------------------------------------------------------------------
// Verification and reporting

double sum_tolerance(std::size_t terms) noexcept {
    return std::max(verify_tolerance, 2.0 * static_cast<double>(terms) * std::numeric_limits<double>::epsilon());
}

std::string check_result(std::string_view what, std::span<const double> got, const expected_result& want) {
    if (got.size() != want.value.size())
        return std::string(what) + ": result has " + std::to_string(got.size()) + " entries, expected " + std::to_string(want.value.size());
    // The entry furthest beyond its allowance (error over allowance; NaN counts as infinitely far).
    std::size_t worst = 0;
    double worst_excess = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double error = std::abs(got[i] - want.value[i]);
        const double allowed = want.tolerance * want.scale[i];
        if (error <= allowed) continue;
        const double excess = std::isnan(error) || allowed == 0 ? std::numeric_limits<double>::infinity() : error / allowed;
        if (excess > worst_excess || worst_excess == 0) worst = i, worst_excess = excess;
    }
    if (worst_excess == 0) return {};
    std::ostringstream out;
    out.precision(17);
    out << what << ": entry " << worst << " is " << got[worst] << ", expected " << want.value[worst] << " within "
        << want.tolerance << " x " << want.scale[worst] << " (the sum of its terms' magnitudes)";
    return out.str();
}

namespace {
std::atomic<int>& failures() {
    static std::atomic<int> n{0};
    return n;
}
} // namespace

void fail(benchmark::State& state, const std::string& message) {
    ++failures();
    state.SkipWithError(message.c_str());
}

int failure_count() noexcept { return failures().load(); }

void report_rates(benchmark::State& state, double bytes, double flops) {
    const auto it = static_cast<double>(state.iterations());
    state.counters["GB/s"] = benchmark::Counter(bytes * it / 1e9, benchmark::Counter::kIsRate);
    if (flops > 0) state.counters["GFLOP/s"] = benchmark::Counter(flops * it / 1e9, benchmark::Counter::kIsRate);
}

void report_shape(benchmark::State& state, std::size_t rows, std::size_t cols, std::size_t nnz) {
    state.counters["rows"] = static_cast<double>(rows);
    state.counters["cols"] = static_cast<double>(cols);
    state.counters["nnz"] = static_cast<double>(nnz);
}

double spmv_bytes(std::size_t rows, std::size_t cols, std::size_t nnz) noexcept {
    return 12.0 * static_cast<double>(nnz) + 8.0 * static_cast<double>(rows + cols);
}

double spmm_bytes(std::size_t rows, std::size_t cols, std::size_t nnz, std::size_t k) noexcept {
    return 12.0 * static_cast<double>(nnz) + 8.0 * static_cast<double>(k) * static_cast<double>(rows + cols);
}

benchmark::internal::Benchmark* with_threads(benchmark::internal::Benchmark* b, bool multi) {
    b->ArgName("threads");
    if (multi) {
        for (int t : opts().threads) b->Arg(t);
    } else {
        b->Arg(1);
    }
    // Wall-clock time for every configuration, so 1- and 2-thread times compare directly.
    b->UseRealTime();
    b->Unit(benchmark::kMicrosecond);
    return b;
}

} // namespace wbbench
