// waferblas/generators.hpp — deterministic test and benchmark matrices, all returned as csr_matrix.
//
//   #include <waferblas/generators.hpp>
//   namespace gen = waferblas::generators;
//   auto A = gen::poisson3d<double>(32, 32, 32);                  // 7-point Laplacian
//   auto G = gen::rmat<float, std::int64_t>(16, 16, 42);           // power-law graph
//   auto R = gen::with_empty_rows_and_cols(gen::random_sparse<double>(500, 400, 0.01, 1), 0.1, 0.1, 2);
//
// Every generator takes sizes as std::int64_t and checks them against the index type I
// (overflow_error if a dimension or the entry count does not fit, invalid_argument_error for
// negative or otherwise bad arguments). Random families are deterministic in their seed on every
// standard library (random_sparse up to the rounding of std::log, see there) and never store a
// zero, so nnz is exactly the structural count.
#pragma once

#include "generators/banded.hpp"
#include "generators/dense_row.hpp"
#include "generators/empty_rows_and_cols.hpp"
#include "generators/poisson.hpp"
#include "generators/random_sparse.hpp"
#include "generators/rmat.hpp"
