// Fuzz target for the Matrix Market reader.
//
// The contract: any bytes either read as a valid matrix or throw waferblas::parse_error. Any other
// exception, a crash, a sanitizer report or a hang is a bug. What is accepted must also survive a
// write/read round trip unchanged.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with Clang's -fsanitize=fuzzer as a libFuzzer target,
// and with WAFERBLAS_FUZZ_REPLAY_MAIN as an ordinary program that replays files and directories named
// on its command line — each file whole and cut at every byte — so every compiler runs the same checks
// over the seed corpus:
//
//   fuzz_matrix_market_replay tests/data/matrix_market/valid tests/data/matrix_market/malformed
#include <waferblas/io/matrix_market.hpp>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

namespace io = waferblas::io;

// The result takes memory proportional to its dimensions, so an input may ask for gigabytes with a
// dozen bytes; bounding them keeps the fuzzer on parsing instead of the allocator.
constexpr std::uint64_t max_dimension = std::uint64_t{1} << 16;

template <class T, class I>
std::string write(const waferblas::csr_matrix<T, I>& a) {
    std::ostringstream out;
    io::write_matrix_market(out, a);
    return out.str();
}

template <class T, class I>
void read_and_check(const std::string& text, io::read_options opt) {
    opt.max_dimension = max_dimension;
    waferblas::csr_matrix<T, I> a;
    try {
        std::istringstream in(text);
        a = io::read_matrix_market<T, I>(in, opt);
    } catch (const waferblas::parse_error&) {
        return;  // rejected with a line and a reason: the expected outcome for most inputs
    }
    a.validate();
    // Compare the written text, not the matrices: NaN != NaN, but it prints the same each time.
    const std::string once = write(a);
    std::istringstream in(once);
    if (write(io::read_matrix_market<T, I>(in)) != once) {
        std::fputs("round trip changed the matrix\n", stderr);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    read_and_check<double, std::int32_t>(text, {});
    read_and_check<std::complex<float>, std::int64_t>(
        text, {.symmetry = io::symmetry_handling::keep_stored_triangle, .duplicate_entries = waferblas::duplicates::reject});
    return 0;
}

#ifdef WAFERBLAS_FUZZ_REPLAY_MAIN
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int k = 1; k < argc; ++k) {
        const fs::path arg(argv[k]);
        if (fs::is_directory(arg)) {
            for (const auto& e : fs::recursive_directory_iterator(arg))
                if (e.is_regular_file()) files.push_back(e.path());
        } else if (fs::is_regular_file(arg)) {
            files.push_back(arg);
        } else {
            std::fprintf(stderr, "no such file or directory: %s\n", argv[k]);
            return 1;
        }
    }
    std::sort(files.begin(), files.end());
    std::size_t inputs = 0;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        // Every prefix too: a file cut short anywhere must be rejected cleanly, never misread.
        for (std::size_t n = 0; n <= bytes.size(); ++n, ++inputs)
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), n);
    }
    std::printf("replayed %zu files, %zu inputs\n", files.size(), inputs);
    return files.empty() ? 1 : 0;  // an empty corpus would make the replay test vacuous
}
#endif
