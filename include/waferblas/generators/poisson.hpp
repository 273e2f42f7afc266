// waferblas/generators/poisson.hpp — finite-difference Laplacians on regular grids.
//
//   auto A = waferblas::generators::poisson2d<double>(64, 64);           // 4096 x 4096, 5-point
//   auto B = waferblas::generators::poisson3d<float, std::int64_t>(32, 32, 32);  // 7-point
//
// Unknown (x, y, z) is row x + nx*(y + ny*z) (x fastest). The diagonal is 4 (2-D) or 6 (3-D) and
// each grid neighbour is -1, Dirichlet boundary: the matrix is symmetric positive definite with
// nnz = 5n - 2(nx + ny) in 2-D and 7n - 2(nx*ny + ny*nz + nx*nz) in 3-D (n unknowns, all sides > 0).
// Complex T gets the same real stencil. A side of 0 gives the empty 0x0 matrix.
#pragma once

#include <cstdint>
#include <vector>

#include "../sparse/csr_matrix.hpp"
#include "support.hpp"

namespace waferblas::generators {

namespace detail {

template <scalar T, index I>
csr_matrix<T, I> laplacian(std::int64_t nx, std::int64_t ny, std::int64_t nz, T diag, const char* name) {
    const std::string fn(name);
    (void)checked_index<I>(nx, (fn + ": nx").c_str());
    (void)checked_index<I>(ny, (fn + ": ny").c_str());
    (void)checked_index<I>(nz, (fn + ": nz").c_str());
    const std::int64_t plane = checked_mul(nx, ny, (fn + ": nx*ny").c_str());
    const std::int64_t n = checked_mul(plane, nz, (fn + ": nx*ny*nz").c_str());
    const I rows = checked_index<I>(n, (fn + ": unknowns").c_str());
    if (n == 0) return csr_matrix<T, I>(rows, rows);

    // Every grid line along an axis lacks one coupling at each end: 7n minus 2 per line. With
    // nz = 1 the z-lines number n and the count reduces to the 5-point 5n - 2(nx + ny).
    const std::int64_t lines = plane + ny * nz + nx * nz; // each term <= n: no overflow
    const std::int64_t nnz = checked_mul(7, n, (fn + ": stored entries").c_str()) - 2 * lines;
    (void)checked_index<I>(nnz, (fn + ": stored entries").c_str());

    auto ptr = waferblas::detail::large_vector<I>(static_cast<std::size_t>(n) + 1);
    auto col = waferblas::detail::large_reserved<I>(static_cast<std::size_t>(nnz));
    auto val = waferblas::detail::large_reserved<T>(static_cast<std::size_t>(nnz));
    auto put = [&](std::int64_t j, T v) {
        col.push_back(static_cast<I>(j));
        val.push_back(v);
    };
    const T off(-1);
    std::int64_t i = 0;
    for (std::int64_t z = 0; z < nz; ++z)
        for (std::int64_t y = 0; y < ny; ++y)
            for (std::int64_t x = 0; x < nx; ++x, ++i) {
                // Increasing column order: -plane < -nx < -1 < 0 < 1 < nx < plane.
                if (z > 0) put(i - plane, off);
                if (y > 0) put(i - nx, off);
                if (x > 0) put(i - 1, off);
                put(i, diag);
                if (x + 1 < nx) put(i + 1, off);
                if (y + 1 < ny) put(i + nx, off);
                if (z + 1 < nz) put(i + plane, off);
                ptr[static_cast<std::size_t>(i) + 1] = static_cast<I>(col.size());
            }
    return csr_matrix<T, I>(unchecked, rows, rows, std::move(ptr), std::move(col), std::move(val));
}

} // namespace detail

/// 5-point Laplacian on an nx x ny grid: (nx*ny) x (nx*ny), diagonal 4, neighbours -1.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> poisson2d(std::int64_t nx, std::int64_t ny) {
    return detail::laplacian<T, I>(nx, ny, 1, T(4), "poisson2d");
}

/// 7-point Laplacian on an nx x ny x nz grid: diagonal 6, neighbours -1.
template <scalar T, index I = std::int32_t>
[[nodiscard]] csr_matrix<T, I> poisson3d(std::int64_t nx, std::int64_t ny, std::int64_t nz) {
    return detail::laplacian<T, I>(nx, ny, nz, T(6), "poisson3d");
}

} // namespace waferblas::generators
