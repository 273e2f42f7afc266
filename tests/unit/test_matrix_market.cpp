// Matrix Market I/O: what is read and how, what is written, and how each malformed input is reported.
// Test names start with "matrix_market:" so that `ctest -R matrix_market` selects them.
#include <waferblas/io/matrix_market.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace io = waferblas::io;
namespace fs = std::filesystem;
using waferblas::csr_matrix;
using waferblas::parse_error;
using cdouble = std::complex<double>;
using cfloat = std::complex<float>;

namespace {

template <class T = double, class I = std::int32_t>
csr_matrix<T, I> read(std::string_view text, const io::read_options& opt = {}) {
    std::istringstream in{std::string(text)};
    return io::read_matrix_market<T, I>(in, opt);
}

template <class T, class I>
std::string write(const csr_matrix<T, I>& a, const io::write_options& opt = {}) {
    std::ostringstream out;
    io::write_matrix_market(out, a, opt);
    return out.str();
}

/// The matrix as rows of values (0-based, zeros filled in), to compare against a literal.
template <class T, class I>
std::vector<std::vector<T>> dense(const csr_matrix<T, I>& a) {
    std::vector<std::vector<T>> d(static_cast<std::size_t>(a.rows()), std::vector<T>(static_cast<std::size_t>(a.cols())));
    for (I i = 0; i < a.rows(); ++i)
        for (auto p = a.row_ptr()[static_cast<std::size_t>(i)]; p < a.row_ptr()[static_cast<std::size_t>(i) + 1]; ++p)
            d[static_cast<std::size_t>(i)][static_cast<std::size_t>(a.col_idx()[static_cast<std::size_t>(p)])] =
                a.values()[static_cast<std::size_t>(p)];
    return d;
}

/// Reading `text` throws parse_error at `line` with a message that contains `reason`.
template <class T = double, class I = std::int32_t>
void check_rejected(std::string_view text, std::size_t line, std::string_view reason, const io::read_options& opt = {}) {
    INFO("input:\n" << text);
    REQUIRE_THROWS_AS(((void)read<T, I>(text, opt)), parse_error);
    try {
        (void)read<T, I>(text, opt);
    } catch (const parse_error& e) {
        CHECK(e.line() == line);
        CHECK_MESSAGE(std::string_view(e.what()).find(reason) != std::string_view::npos, "message: " << std::string(e.what()));
    }
}

constexpr std::string_view real_general = "%%MatrixMarket matrix coordinate real general\n";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The text after `key` up to the end of its line, or empty if `key` does not occur.
std::string field_after(const std::string& text, std::string_view key) {
    const auto at = text.find(key);
    if (at == std::string::npos) return {};
    const auto start = at + key.size();
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string s = text.substr(start, end - start);
    if (!s.empty() && s.back() == '\r') s.pop_back();
    return s;
}

std::vector<fs::path> mtx_files(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".mtx") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

template <class T, class I>
struct types {
    using value = T;
    using index = I;
};

} // namespace

TYPE_TO_STRING_AS("float/int32", types<float, std::int32_t>);
TYPE_TO_STRING_AS("float/int64", types<float, std::int64_t>);
TYPE_TO_STRING_AS("double/int32", types<double, std::int32_t>);
TYPE_TO_STRING_AS("double/int64", types<double, std::int64_t>);
TYPE_TO_STRING_AS("complex_float/int32", types<cfloat, std::int32_t>);
TYPE_TO_STRING_AS("complex_float/int64", types<cfloat, std::int64_t>);
TYPE_TO_STRING_AS("complex_double/int32", types<cdouble, std::int32_t>);
TYPE_TO_STRING_AS("complex_double/int64", types<cdouble, std::int64_t>);

// ---------------------------------------------------------------------------------------------------
// Writing, and reading back what was written

TEST_CASE_TEMPLATE("matrix_market: write then read returns exactly the same matrix", P, types<float, std::int32_t>,
                   types<float, std::int64_t>, types<double, std::int32_t>, types<double, std::int64_t>,
                   types<cfloat, std::int32_t>, types<cfloat, std::int64_t>, types<cdouble, std::int32_t>,
                   types<cdouble, std::int64_t>) {
    using T = typename P::value;
    using I = typename P::index;
    using R = waferblas::real_t<T>;
    using lim = std::numeric_limits<R>;
    // Values whose shortest decimal form is long or extreme: they only survive with full precision.
    const std::vector<R> awkward = {R(1) / R(3), -R(2) / R(7), R(0.1), lim::max(), lim::lowest(), lim::min(),
                                    lim::denorm_min(), lim::epsilon(), R(1) + lim::epsilon(), R(0)};
    waferblas::coo_matrix<T, I> t(4, 5);
    for (std::size_t k = 0; k < awkward.size(); ++k) {
        const auto i = static_cast<I>(k % 4), j = static_cast<I>((k * 3) % 5);
        if constexpr (waferblas::is_complex_v<T>) t.add(i, j, T(awkward[k], awkward[(k + 3) % awkward.size()]));
        else t.add(i, j, awkward[k]);
    }
    const auto a = waferblas::to_csr(t);
    REQUIRE(a.nnz() == 10);

    const auto b = read<T, I>(write(a));
    CHECK(b == a);
}

TEST_CASE("matrix_market: the writer emits coordinate general with 1-based indices, row by row") {
    const csr_matrix<double> a(2, 3, {0, 2, 3}, {0, 2, 1}, {1.5, -2.0, 0.1});
    CHECK(write(a) == "%%MatrixMarket matrix coordinate real general\n"
                      "2 3 3\n"
                      "1 1 1.5\n"
                      "1 3 -2\n"
                      "2 2 0.1\n");
}

TEST_CASE("matrix_market: complex values are written as real and imaginary parts") {
    const csr_matrix<cdouble> a(1, 2, {0, 1}, {1}, {cdouble(0.5, -3)});
    CHECK(write(a) == "%%MatrixMarket matrix coordinate complex general\n1 2 1\n1 2 0.5 -3\n");
}

TEST_CASE("matrix_market: pattern output keeps the structure, which reads back as ones") {
    const csr_matrix<double> a(2, 2, {0, 1, 2}, {1, 0}, {7.0, -8.0});
    const std::string text = write(a, {.pattern = true});
    CHECK(text == "%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n");
    CHECK(dense(read(text)) == std::vector<std::vector<double>>{{0, 1}, {1, 0}});
}

TEST_CASE("matrix_market: array output is column-major with zeros and reads back as the same nonzeros") {
    const csr_matrix<double> a(2, 3, {0, 2, 3}, {0, 2, 1}, {1.0, 2.0, 3.0});
    const std::string text = write(a, {.format = io::mm_format::array});
    CHECK(text == "%%MatrixMarket matrix array real general\n2 3\n1\n0\n0\n3\n2\n0\n");
    CHECK(read(text) == a);
}

TEST_CASE("matrix_market: a comment is written as % lines after the banner") {
    const csr_matrix<double> a(1, 1);
    CHECK(write(a, {.comment = "made by a test\n\nsecond line"}) ==
          "%%MatrixMarket matrix coordinate real general\n% made by a test\n%\n% second line\n1 1 0\n");
}

TEST_CASE("matrix_market: the pattern field cannot be written in array format") {
    const csr_matrix<double> a(1, 1);
    CHECK_THROWS_AS(write(a, {.format = io::mm_format::array, .pattern = true}), waferblas::invalid_argument_error);
}

TEST_CASE("matrix_market: files are written and read by path") {
    const fs::path file = fs::temp_directory_path() / "waferblas_test_matrix_market_roundtrip.mtx";
    const csr_matrix<double, std::int64_t> a(3, 3, {0, 1, 1, 3}, {2, 0, 1}, {1e-3, 2.5, -4.0});
    io::write_matrix_market(file, a);
    CHECK(io::read_matrix_market<double, std::int64_t>(file) == a);
    CHECK(io::read_matrix_market_header(file).entries == 3);
    fs::remove(file);
}

TEST_CASE("matrix_market: a stream that fails while writing is reported") {
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    CHECK_THROWS_AS(io::write_matrix_market(out, csr_matrix<double>(1, 1)), waferblas::error);
}

TEST_CASE("matrix_market: a file that cannot be opened is an invalid_argument_error, not a parse error") {
    const fs::path missing = fs::temp_directory_path() / "waferblas_no_such_dir" / "missing.mtx";
    CHECK_THROWS_AS((void)io::read_matrix_market<double>(missing), waferblas::invalid_argument_error);
    CHECK_THROWS_AS(io::write_matrix_market(missing, csr_matrix<double>(1, 1)), waferblas::invalid_argument_error);
}

// ---------------------------------------------------------------------------------------------------
// Fields

TEST_CASE("matrix_market: the header says what the file holds") {
    std::istringstream in("%%MatrixMarket matrix coordinate complex hermitian\n% comment\n4 4 6\n");
    const auto h = io::read_matrix_market_header(in);
    CHECK(h.format == io::mm_format::coordinate);
    CHECK(h.field == io::mm_field::complex);
    CHECK(h.symmetry == io::mm_symmetry::hermitian);
    CHECK(h.rows == 4);
    CHECK(h.cols == 4);
    CHECK(h.entries == 6);
    CHECK(h.size_line == 3);
}

TEST_CASE("matrix_market: an integer field is read into any scalar type") {
    const std::string_view text = "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 -3\n2 2 7\n";
    CHECK(dense(read<float>(text)) == std::vector<std::vector<float>>{{-3, 0}, {0, 7}});
    CHECK(dense(read<cdouble>(text)) == std::vector<std::vector<cdouble>>{{-3, 0}, {0, 7}});
}

TEST_CASE("matrix_market: a complex field is read into a complex type") {
    const auto a = read<cfloat>("%%MatrixMarket matrix coordinate complex general\n1 2 2\n1 1 1.5 -2\n1 2 0 0.25\n");
    CHECK(dense(a) == std::vector<std::vector<cfloat>>{{cfloat(1.5f, -2), cfloat(0, 0.25f)}});
}

TEST_CASE("matrix_market: a complex file read into a real type is rejected on the banner") {
    check_rejected<double>("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 2\n", 1,
                           "complex file read into real type double");
    check_rejected<float>("%%MatrixMarket matrix array complex general\n1 1\n1 2\n", 1,
                          "complex file read into real type float");
}

TEST_CASE("matrix_market: a real file read into a complex type has zero imaginary parts") {
    const auto a = read<cdouble>("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2.5\n");
    CHECK(a.values()[0] == cdouble(2.5, 0));
}

TEST_CASE("matrix_market: pattern entries have the value one") {
    const auto a = read<cfloat>("%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n");
    CHECK(dense(a) == std::vector<std::vector<cfloat>>{{0, 1}, {1, 0}});
}

// ---------------------------------------------------------------------------------------------------
// Symmetry

TEST_CASE("matrix_market: a symmetric file is mirrored to the full matrix") {
    const auto a = read("%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 2\n2 1 -1\n3 2 -4\n3 3 5\n");
    CHECK(a.nnz() == 6);
    CHECK(dense(a) == std::vector<std::vector<double>>{{2, -1, 0}, {-1, 0, -4}, {0, -4, 5}});
}

TEST_CASE("matrix_market: symmetric entries stored in the upper triangle are mirrored the same way") {
    const auto lower = read("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n2 1 -1\n3 2 -4\n3 1 9\n");
    const auto upper = read("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 2 -1\n2 3 -4\n1 3 9\n");
    CHECK(upper == lower);
}

TEST_CASE("matrix_market: keep_stored_triangle returns the entries where the file stores them") {
    const io::read_options keep{.symmetry = io::symmetry_handling::keep_stored_triangle};
    const auto a = read("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 -1\n1 3 4\n", keep);
    CHECK(dense(a) == std::vector<std::vector<double>>{{0, 0, 4}, {-1, 0, 0}, {0, 0, 0}});
}

TEST_CASE("matrix_market: the mirror of a skew-symmetric entry is negated") {
    const auto a = read("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 3\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{0, -3}, {3, 0}});
    // An entry stored in the upper triangle keeps its value there; its mirror below is negated.
    const auto b = read("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 3\n1 3 4\n");
    CHECK(dense(b) == std::vector<std::vector<double>>{{0, -3, 4}, {3, 0, 0}, {-4, 0, 0}});
}

TEST_CASE("matrix_market: the mirror of a hermitian entry is conjugated") {
    const auto a = read<cdouble>("%%MatrixMarket matrix coordinate complex hermitian\n2 2 3\n1 1 4 0\n2 1 1 2\n2 2 5 0\n");
    CHECK(dense(a) == std::vector<std::vector<cdouble>>{{4, cdouble(1, -2)}, {cdouble(1, 2), 5}});
    const auto upper = read<cdouble>("%%MatrixMarket matrix coordinate complex hermitian\n2 2 1\n1 2 1 -2\n");
    CHECK(dense(upper) == std::vector<std::vector<cdouble>>{{0, cdouble(1, -2)}, {cdouble(1, 2), 0}});
}

TEST_CASE("matrix_market: a real hermitian file is read as symmetric") {
    const auto a = read("%%MatrixMarket matrix coordinate real hermitian\n2 2 1\n2 1 3\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{0, 3}, {3, 0}});
}

TEST_CASE("matrix_market: a symmetric pattern is mirrored with ones") {
    const auto a = read("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n1 1\n2 1\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{1, 1}, {1, 0}});
}

// ---------------------------------------------------------------------------------------------------
// Array format

TEST_CASE("matrix_market: an array is column-major and only its nonzeros are stored") {
    const auto a = read("%%MatrixMarket matrix array real general\n2 3\n1\n0\n2\n3\n0\n4\n");
    CHECK(a.nnz() == 4);
    CHECK(dense(a) == std::vector<std::vector<double>>{{1, 2, 0}, {0, 3, 4}});
}

TEST_CASE("matrix_market: a symmetric array stores the lower triangle with the diagonal") {
    const auto a = read("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{1, 2, 3}, {2, 4, 5}, {3, 5, 6}});
    const auto kept = read("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n",
                           {.symmetry = io::symmetry_handling::keep_stored_triangle});
    CHECK(dense(kept) == std::vector<std::vector<double>>{{1, 0}, {2, 3}});
}

TEST_CASE("matrix_market: a skew-symmetric array stores the strict lower triangle") {
    const auto a = read("%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n2\n3\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{0, -1, -2}, {1, 0, -3}, {2, 3, 0}});
}

TEST_CASE("matrix_market: a hermitian array has a real diagonal and a conjugated upper triangle") {
    const auto a = read<cdouble>("%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 3\n4 0\n");
    CHECK(dense(a) == std::vector<std::vector<cdouble>>{{1, cdouble(2, -3)}, {cdouble(2, 3), 4}});
}

// ---------------------------------------------------------------------------------------------------
// Lexical freedom the format allows, and the choices it leaves open

TEST_CASE("matrix_market: banner words are case-insensitive") {
    const auto a = read("%%matrixmarket MATRIX Coordinate REAL SYMMETRIC\n1 1 1\n1 1 2\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{2}});
}

TEST_CASE("matrix_market: comments and blank lines may follow the banner and sit between entries") {
    const auto a = read("%%MatrixMarket matrix coordinate real general\n% c\n\n  \t\n"
                        "2 2 2\n% c\n1 1 1\n\n% c\n2 2 2\n% end\n\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{1, 0}, {0, 2}});
}

TEST_CASE("matrix_market: CRLF line endings, tabs and a missing final newline are accepted") {
    const auto a = read("%%MatrixMarket matrix coordinate real general\r\n2 2 2\r\n1\t1  1\r\n2 2 2");
    CHECK(dense(a) == std::vector<std::vector<double>>{{1, 0}, {0, 2}});
}

TEST_CASE("matrix_market: nan and inf are values") {
    const auto a = read("%%MatrixMarket matrix coordinate real general\n1 3 3\n1 1 nan\n1 2 -inf\n1 3 Infinity\n");
    CHECK(std::isnan(a.values()[0]));
    CHECK(a.values()[1] == -std::numeric_limits<double>::infinity());
    CHECK(a.values()[2] == std::numeric_limits<double>::infinity());
    CHECK(write(a) == "%%MatrixMarket matrix coordinate real general\n1 3 3\n1 1 nan\n1 2 -inf\n1 3 inf\n");
}

TEST_CASE("matrix_market: a leading plus sign is accepted") {
    const auto a = read("%%MatrixMarket matrix coordinate real general\n+2 2 1\n+2 +1 +1.5e+2\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{0, 0}, {150, 0}});
}

TEST_CASE("matrix_market: a value too small for the type underflows to a signed zero") {
    const auto a = read<float>("%%MatrixMarket matrix coordinate real general\n1 2 2\n1 1 1e-50\n1 2 -1e-50\n");
    CHECK(a.values()[0] == 0.0f);
    CHECK_FALSE(std::signbit(a.values()[0]));
    CHECK(std::signbit(a.values()[1]));
}

TEST_CASE("matrix_market: a value too large for the type is rejected") {
    const std::string text = std::string(real_general) + "1 1 1\n1 1 1e39\n";
    CHECK(read<double>(text).values()[0] == 1e39);
    check_rejected<float>(text, 3, "value '1e39' is out of range for float");
}

TEST_CASE("matrix_market: explicit zeros in a coordinate file are kept as structure") {
    const auto a = read("%%MatrixMarket matrix coordinate real general\n2 2 1\n2 1 0\n");
    CHECK(a.nnz() == 1);
}

TEST_CASE("matrix_market: repeated entries are summed by default") {
    const auto a = read("%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 1\n2 2 5\n1 1 2\n1 1 3\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{6, 0}, {0, 5}});
    // A pattern entry given twice is two ones: 2, and no longer a matrix of ones (as scipy reads it).
    const auto p = read("%%MatrixMarket matrix coordinate pattern general\n2 2 3\n1 2\n2 1\n1 2\n");
    CHECK(dense(p) == std::vector<std::vector<double>>{{0, 2}, {1, 0}});
    CHECK_FALSE(p.all_values_one());
}

TEST_CASE("matrix_market: duplicates::reject names the repeated entry and the line it was first given on") {
    check_rejected("%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 5\n1 1 2\n", 5,
                   "duplicate entry (1, 1), first given on line 3", {.duplicate_entries = waferblas::duplicates::reject});
}

TEST_CASE("matrix_market: with several repeats the first one in the file is reported") {
    const io::read_options reject{.duplicate_entries = waferblas::duplicates::reject};
    check_rejected("%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 1\n1 1 5\n2 2 2\n2 2 3\n", 4,
                   "duplicate entry (1, 1), first given on line 3", reject);
    // (2, 2) sorts after (1, 1), but its repeat comes first in the file.
    check_rejected("%%MatrixMarket matrix coordinate real general\n2 2 4\n2 2 1\n2 2 5\n1 1 2\n1 1 3\n", 4,
                   "duplicate entry (2, 2), first given on line 3", reject);
}

TEST_CASE("matrix_market: a symmetric entry given in both triangles is rejected even when summing") {
    check_rejected("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n2 1 1\n3 3 1\n1 2 1\n", 5,
                   "entry (1, 2) mirrors entry (2, 1) on line 3");
}

TEST_CASE("matrix_market: repeats within one triangle of a symmetric file are summed") {
    const auto a = read("%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1\n2 1 2\n");
    CHECK(dense(a) == std::vector<std::vector<double>>{{0, 3}, {3, 0}});
}

TEST_CASE("matrix_market: 64-bit indices admit sizes beyond 2^31-1") {
    const std::string text = std::string(real_general) + "1 3000000000 1\n1 2999999999 5\n";
    check_rejected<double, std::int32_t>(text, 2, "number of columns '3000000000' does not fit the 32-bit index type");
    std::istringstream in(text);
    const auto t = io::read_matrix_market_coo<double, std::int64_t>(in);
    CHECK(t.cols() == 3'000'000'000);
    CHECK(t.col_idx()[0] == 2'999'999'998);
    CHECK(t.values()[0] == 5.0);
}

TEST_CASE("matrix_market: max_dimension bounds the sizes an untrusted file may declare") {
    const std::string text = std::string(real_general) + "100 5 0\n";
    check_rejected(text, 2, "number of rows 100 exceeds read_options::max_dimension = 64", {.max_dimension = 64});
    CHECK(read(text, {.max_dimension = 100}).rows() == 100);
}

// ---------------------------------------------------------------------------------------------------
// Malformed input: each throws parse_error with the line and the reason

TEST_CASE("matrix_market: malformed: empty input") {
    check_rejected("", 1, "missing Matrix Market banner (the input is empty)");
}

TEST_CASE("matrix_market: malformed: no banner on the first line") {
    check_rejected("% a comment\n%%MatrixMarket matrix coordinate real general\n1 1 0\n", 1, "missing Matrix Market banner");
    check_rejected("\n%%MatrixMarket matrix coordinate real general\n1 1 0\n", 1, "missing Matrix Market banner");
    check_rejected("%%MatrixMarkt matrix coordinate real general\n1 1 0\n", 1, "missing Matrix Market banner");
}

TEST_CASE("matrix_market: malformed: incomplete banner") {
    check_rejected("%%MatrixMarket matrix coordinate real\n1 1 0\n", 1, "banner is missing the symmetry");
    check_rejected("%%MatrixMarket\n1 1 0\n", 1, "banner is missing the object");
}

TEST_CASE("matrix_market: malformed: unknown object, format, field or symmetry") {
    check_rejected("%%MatrixMarket vector coordinate real general\n1 1 0\n", 1, "unsupported object 'vector'");
    check_rejected("%%MatrixMarket matrix sparse real general\n1 1 0\n", 1, "unknown format 'sparse'");
    check_rejected("%%MatrixMarket matrix coordinate double general\n1 1 0\n", 1, "unknown field 'double'");
    check_rejected("%%MatrixMarket matrix coordinate real lower\n1 1 0\n", 1, "unknown symmetry 'lower'");
    check_rejected("%%MatrixMarket matrix coordinate real general yes\n1 1 0\n", 1, "unexpected 'yes' after the symmetry");
}

TEST_CASE("matrix_market: malformed: pattern with array, skew-symmetric or hermitian") {
    check_rejected("%%MatrixMarket matrix array pattern general\n1 1\n", 1,
                   "pattern field is not allowed with the array format");
    check_rejected("%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 0\n", 1,
                   "pattern field cannot be skew-symmetric");
    check_rejected("%%MatrixMarket matrix coordinate pattern hermitian\n2 2 0\n", 1, "pattern field cannot be hermitian");
}

TEST_CASE("matrix_market: malformed: missing size line") {
    check_rejected(real_general, 2, "missing size line");
    check_rejected(std::string(real_general) + "% only\n\n% comments\n", 5, "missing size line");
}

TEST_CASE("matrix_market: malformed: negative sizes") {
    check_rejected(std::string(real_general) + "-1 2 0\n", 2, "number of rows is negative (-1)");
    check_rejected(std::string(real_general) + "1 -2 0\n", 2, "number of columns is negative (-2)");
    check_rejected(std::string(real_general) + "1 2 -1\n", 2, "number of entries is negative (-1)");
}

TEST_CASE("matrix_market: malformed: non-numeric sizes") {
    check_rejected(std::string(real_general) + "2 two 0\n", 2, "number of columns 'two' on the size line is not an integer");
    check_rejected(std::string(real_general) + "2.0 2 0\n", 2, "number of rows '2.0' on the size line is not an integer");
}

TEST_CASE("matrix_market: malformed: too few or too many numbers on the size line") {
    check_rejected(std::string(real_general) + "2 2\n", 2, "size line is missing the number of entries");
    check_rejected(std::string(real_general) + "2 2 0 0\n", 2, "unexpected '0' after the size line");
    check_rejected("%%MatrixMarket matrix array real general\n2 2 4\n", 2, "unexpected '4' after the size line");
}

TEST_CASE("matrix_market: malformed: sizes that overflow the index type") {
    check_rejected<double, std::int32_t>(std::string(real_general) + "2147483648 1 0\n", 2,
                                         "number of rows '2147483648' does not fit the 32-bit index type");
    const std::string cols = std::string(real_general) + "1 2147483648 0\n";
    check_rejected<double, std::int32_t>(cols, 2, "number of columns '2147483648' does not fit the 32-bit index type");
    CHECK(read<double, std::int64_t>(cols).cols() == 2147483648);
    check_rejected<double, std::int64_t>(std::string(real_general) + "9223372036854775808 1 0\n", 2,
                                         "does not fit the 64-bit index type");
    check_rejected<double, std::int32_t>(std::string(real_general) + "100000 100000 2147483648\n", 2,
                                         "number of entries '2147483648' does not fit the 32-bit index type");
}

TEST_CASE("matrix_market: malformed: more entries declared than the matrix can hold") {
    check_rejected(std::string(real_general) + "2 3 7\n", 2, "declares 7 entries, but a 2x3 general matrix stores at most 6 distinct entries");
    check_rejected("%%MatrixMarket matrix coordinate real symmetric\n3 3 7\n", 2, "3x3 symmetric matrix stores at most 6");
    check_rejected("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 4\n", 2,
                   "3x3 skew-symmetric matrix stores at most 3");
    // A file claiming 10^12 entries fails on the size line, before anything is allocated for them.
    check_rejected<double, std::int64_t>(std::string(real_general) + "1000 1000 1000000000000\n", 2, "stores at most 1000000");
}

TEST_CASE("matrix_market: malformed: a symmetric matrix that is not square") {
    check_rejected("%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n", 2, "a symmetric matrix must be square");
    check_rejected("%%MatrixMarket matrix array real hermitian\n3 2\n", 2, "a hermitian matrix must be square");
}

TEST_CASE("matrix_market: malformed: an index out of range") {
    const std::string head = std::string(real_general) + "2 3 1\n";
    check_rejected(head + "0 1 1\n", 3, "row index '0' is out of range [1, 2] (Matrix Market indices are 1-based)");
    check_rejected(head + "3 1 1\n", 3, "row index '3' is out of range [1, 2]");
    check_rejected(head + "1 4 1\n", 3, "column index '4' is out of range [1, 3]");
    check_rejected(head + "1 -1 1\n", 3, "column index '-1' is out of range");
    check_rejected(head + "1 99999999999999999999 1\n", 3, "column index '99999999999999999999' is out of range");
}

TEST_CASE("matrix_market: malformed: a non-numeric token") {
    const std::string head = std::string(real_general) + "2 2 1\n";
    check_rejected(head + "x 1 1\n", 3, "row index 'x' is not an integer");
    check_rejected(head + "1 1.0 1\n", 3, "column index '1.0' is not an integer");
    check_rejected(head + "1 1 one\n", 3, "value 'one' is not a number");
    check_rejected(head + "1 1 1e\n", 3, "value '1e' is not a number");
    check_rejected(head + "1 1 0x10\n", 3, "value '0x10' is not a number");
    check_rejected(head + "1 1 1,5\n", 3, "value '1,5' is not a number");
    check_rejected("%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 2.5\n", 3, "value '2.5' is not an integer");
    check_rejected<cdouble>("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 2 i\n", 3,
                            "imaginary part 'i' is not a number");
}

TEST_CASE("matrix_market: malformed: a missing index or value") {
    const std::string head = std::string(real_general) + "2 2 1\n";
    check_rejected(head + "1\n", 3, "missing column index");
    check_rejected(head + "1 1\n", 3, "missing value");
    check_rejected<cdouble>("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 2\n", 3, "missing imaginary part");
    check_rejected<cdouble>("%%MatrixMarket matrix array complex general\n1 1\n2\n", 3, "missing imaginary part");
}

TEST_CASE("matrix_market: malformed: extra tokens after an entry") {
    check_rejected(std::string(real_general) + "2 2 1\n1 1 1 junk\n", 3,
                   "unexpected 'junk' after the entry; expected 'row column value'");
    check_rejected("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n", 3, "unexpected '1' after the entry");
    check_rejected("%%MatrixMarket matrix array real general\n2 1\n1 2\n", 3, "unexpected '2' after the value");
}

TEST_CASE("matrix_market: malformed: fewer entries than declared") {
    const std::string head = std::string(real_general) + "2 2 3\n1 1 1\n2 2 2\n";
    check_rejected(head, 5, "file ends after 2 of 3 entries declared on line 2");
    check_rejected(head + "% trailing comment\n\n", 7, "file ends after 2 of 3 entries");
    check_rejected(std::string(real_general) + "2 2 3\n1 1 1\n2 2 2", 5, "file ends after 2 of 3 entries");
}

TEST_CASE("matrix_market: malformed: more entries than declared") {
    check_rejected(std::string(real_general) + "2 2 1\n1 1 1\n2 2 2\n", 4, "more entries than the 1 declared on line 2");
    check_rejected(std::string(real_general) + "2 2 1\n1 1 1\n% ok\n\ngarbage\n", 6, "more entries than the 1 declared");
    check_rejected("%%MatrixMarket matrix array real general\n1 1\n1\n2\n", 4, "more entries than the 1 declared");
}

TEST_CASE("matrix_market: malformed: a diagonal entry in a skew-symmetric file") {
    check_rejected("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 1\n2 2 0\n", 4,
                   "diagonal entry (2, 2) in a skew-symmetric matrix");
}

TEST_CASE("matrix_market: malformed: a hermitian diagonal entry that is not real") {
    check_rejected<cdouble>("%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n2 1 1 1\n1 1 3 0.5\n", 4,
                            "diagonal entry (1, 1) of a hermitian matrix has a nonzero imaginary part");
    check_rejected<cdouble>("%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 3\n4 1\n", 5,
                            "diagonal entry (2, 2) of a hermitian matrix");
}

// ---------------------------------------------------------------------------------------------------
// The seed corpus in tests/data/matrix_market (also the fuzzer's starting point)

TEST_CASE("matrix_market: every malformed seed file is rejected at the line and for the reason it states") {
    // Each file names its error in a comment: "% expect-error: line <n>: <part of the message>".
    const auto files = mtx_files(fs::path(WAFERBLAS_TEST_DATA_DIR) / "matrix_market" / "malformed");
    REQUIRE(files.size() >= 40);
    for (const auto& file : files) {
        INFO(file.filename().string());
        const std::string expect = field_after(slurp(file), "expect-error: line ");
        REQUIRE_MESSAGE(!expect.empty(), "the file does not state its expected error");
        const auto colon = expect.find(": ");
        REQUIRE(colon != std::string::npos);
        const std::size_t line = std::stoul(expect.substr(0, colon));
        const std::string reason = expect.substr(colon + 2);
        // Read as complex so a complex file gets past the banner to its real error; real types must fail too.
        REQUIRE_THROWS_AS((void)io::read_matrix_market<double>(file), parse_error);
        REQUIRE_THROWS_AS((void)io::read_matrix_market<cdouble>(file), parse_error);
        try {
            (void)io::read_matrix_market<cdouble>(file);
        } catch (const parse_error& e) {
            CHECK(e.line() == line);
            CHECK_MESSAGE(std::string_view(e.what()).find(reason) != std::string_view::npos,
                          "message: " << std::string(e.what()));
        }
    }
}

TEST_CASE("matrix_market: every valid seed file parses to the size it states and survives a round trip") {
    // Each file states "% expect-matrix: <rows> <cols> <nonzeros of the full matrix>".
    const auto files = mtx_files(fs::path(WAFERBLAS_TEST_DATA_DIR) / "matrix_market" / "valid");
    REQUIRE(files.size() >= 15);
    for (const auto& file : files) {
        INFO(file.filename().string());
        std::istringstream expect(field_after(slurp(file), "expect-matrix: "));
        long long rows = -1, cols = -1, nnz = -1;
        REQUIRE((expect >> rows >> cols >> nnz));
        const auto a = io::read_matrix_market<cdouble, std::int64_t>(file);
        CHECK(a.rows() == rows);
        CHECK(a.cols() == cols);
        CHECK(a.nnz() == nnz);
        if (io::read_matrix_market_header(file).field != io::mm_field::complex) {
            const auto b = io::read_matrix_market<double>(file);
            CHECK(b.nnz() == nnz);
            if (std::none_of(b.values().begin(), b.values().end(), [](double v) { return std::isnan(v); }))
                CHECK(read<double>(write(b)) == b);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// The shared benchmark matrices, when present

TEST_CASE("matrix_market: the shared matrices have the sizes their manifest lists") {
    const char* env = std::getenv("WAFERBLAS_MATRICES");
    const fs::path dir = env != nullptr && *env != '\0' ? fs::path(env) : fs::path(WAFERBLAS_SHARED_MATRICES_DEFAULT);
    if (!fs::is_directory(dir)) {
        MESSAGE("skipped: no matrix directory at " << dir.string() << " (set WAFERBLAS_MATRICES)");
        return;
    }
    struct expected { long long rows, cols, nnz, nnz_stored; };
    std::map<std::string, expected> manifest;
    if (std::ifstream in(dir / "MANIFEST.tsv"); in) {
        std::string line;
        std::getline(in, line);  // header: file rows cols nnz nnz_stored ...
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string name;
            expected e{};
            if (fields >> name >> e.rows >> e.cols >> e.nnz >> e.nnz_stored) manifest[name] = e;
        }
    } else {
        MESSAGE("no MANIFEST.tsv in " << dir.string() << ": only checking that the files parse");
    }
    const auto files = mtx_files(dir);
    if (files.empty()) MESSAGE("no .mtx files in " << dir.string());
    for (const auto& file : files) {
        const std::string name = file.filename().string();
        INFO(name);
        const auto h = io::read_matrix_market_header(file);
        // young1c is complex: it must be read as complex<double>; every other field reads as double.
        const long long nnz = h.field == io::mm_field::complex ? io::read_matrix_market<cdouble>(file).nnz()
                                                               : io::read_matrix_market<double>(file).nnz();
        const auto it = manifest.find(name);
        if (it == manifest.end()) {
            MESSAGE(name << " is not in the manifest; read " << h.rows << "x" << h.cols << " with " << nnz << " nonzeros");
            continue;
        }
        CHECK(static_cast<long long>(h.rows) == it->second.rows);
        CHECK(static_cast<long long>(h.cols) == it->second.cols);
        CHECK(nnz == it->second.nnz);
        if (h.symmetry != io::mm_symmetry::general && h.field != io::mm_field::complex) {
            const io::read_options keep{.symmetry = io::symmetry_handling::keep_stored_triangle};
            CHECK(io::read_matrix_market_coo<double>(file, keep).nnz() == it->second.nnz_stored);
        }
    }
}
