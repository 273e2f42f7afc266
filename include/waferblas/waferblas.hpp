// waferblas/waferblas.hpp — the whole core library (standard library only).
//
//   #include <waferblas/waferblas.hpp>
//
//   auto A = waferblas::generators::poisson3d<double>(32, 32, 32);
//   std::vector<double> x(A.cols(), 1.0), y(A.rows());
//   waferblas::spmv(1.0, A, x, 0.0, y);                              // y = A x
//
//   auto plan = waferblas::plan_spmv(A, waferblas::pe_grid{4, 4}, waferblas::placement::checkerboard);
//   plan.execute(1.0, x, 0.0, y);                                    // same, on a 4x4 PE grid
//   auto stats = plan.statistics();                                  // per-PE tasks, words, bytes
//
// Optional parts have their own headers: <waferblas/eigen.hpp> (Eigen interop), and the backends.
#pragma once

#include "version.hpp"

#include "core/aligned_allocator.hpp"
#include "core/error.hpp"
#include "core/matrix_view.hpp"
#include "core/operation.hpp"
#include "core/scalar.hpp"
#include "core/vector_view.hpp"

#include "sparse/borrowed_matrix.hpp"
#include "sparse/convert.hpp"
#include "sparse/coo_matrix.hpp"
#include "sparse/csc_matrix.hpp"
#include "sparse/csr_matrix.hpp"

#include "generators.hpp"
#include "io/matrix_market.hpp"

#include "dataflow/pe_grid.hpp"
#include "dataflow/placement.hpp"
#include "dataflow/plan.hpp"
#include "dataflow/program.hpp"
#include "dataflow/spmv_layout.hpp"
#include "dataflow/statistics.hpp"

#include "backend/default.hpp"
#include "backend/sequential.hpp"
#include "core/threads.hpp"

#include "blas/level1.hpp"
#include "blas/spmm.hpp"
#include "blas/spmv.hpp"

#include "model.hpp"
