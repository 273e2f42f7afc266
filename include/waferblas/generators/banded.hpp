// waferblas/generators/banded.hpp — square matrices with a full band of random values, and identity.
//
//   auto B = waferblas::generators::banded<double>(1000, 2, 3, 42);   // A(i, j) != 0 iff -2 <= j - i <= 3
//   auto E = waferblas::generators::identity<std::complex<float>>(8);
//
// Every position of the band is stored with a non-zero random value (components of magnitude in
// [0.5, 1.5), random signs), so for lower, upper < n:
// nnz = n(lower + upper + 1) - lower(lower + 1)/2 - upper(upper + 1)/2. A band wider than the
// matrix is clipped to it (lower >= n-1 and upper >= n-1 give a dense matrix).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../sparse/csr_matrix.hpp"
#include "support.hpp"

namespace waferblas::generators {

/// n x n, entries (i, j) with -lower <= j - i <= upper, random non-zero values; deterministic in seed.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> banded(std::int64_t n, std::int64_t lower, std::int64_t upper, std::uint64_t seed) {
    const I rows = checked_index<I>(n, "banded: n");
    if (lower < 0 || upper < 0)
        throw invalid_argument_error("banded: negative bandwidth (lower " + std::to_string(lower) + ", upper " +
                                     std::to_string(upper) + ")");
    lower = std::min(lower, std::max<std::int64_t>(n - 1, 0));
    upper = std::min(upper, std::max<std::int64_t>(n - 1, 0));

    auto ptr = waferblas::detail::large_vector<I>(static_cast<std::size_t>(n) + 1);
    std::int64_t nnz = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        nnz = detail::checked_add(nnz, std::min(n - 1, i + upper) - std::max<std::int64_t>(0, i - lower) + 1,
                                  "banded: stored entries");
        ptr[static_cast<std::size_t>(i) + 1] = checked_index<I>(nnz, "banded: stored entries");
    }
    auto col = waferblas::detail::large_vector<I>(static_cast<std::size_t>(nnz));
    auto val = waferblas::detail::large_vector<T>(static_cast<std::size_t>(nnz));
    detail::random_stream rng(seed, detail::stream::values);
    std::size_t k = 0;
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = std::max<std::int64_t>(0, i - lower); j <= std::min(n - 1, i + upper); ++j, ++k) {
            col[k] = static_cast<I>(j);
            val[k] = rng.nonzero<T>();
        }
    return csr_matrix<T, I>(unchecked, rows, rows, std::move(ptr), std::move(col), std::move(val));
}

/// The n x n identity (stored diagonal of ones).
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> identity(std::int64_t n) {
    const I rows = checked_index<I>(n, "identity: n");
    std::vector<I> ptr(static_cast<std::size_t>(n) + 1), col(static_cast<std::size_t>(n));
    for (I i = 0; i < rows; ++i) {
        ptr[static_cast<std::size_t>(i) + 1] = i + 1;
        col[static_cast<std::size_t>(i)] = i;
    }
    return csr_matrix<T, I>(unchecked, rows, rows, std::move(ptr), std::move(col), std::vector<T>(static_cast<std::size_t>(n), T(1)));
}

} // namespace waferblas::generators
