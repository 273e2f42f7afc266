// waferblas/kernels/out_of_line.hpp — kernels compiled once, apart from their callers.
//
// A kernel marked WAFERBLAS_OUT_OF_LINE is one function per instantiation instead of a copy inlined
// into each caller. Two reasons:
// - Speed that does not depend on the caller: csr_spmv_rows (a PE's whole row range per call),
//   long_row_axpys (rare, large) and the row-group kernels keep the loops they were measured with.
//   They also start on a 64-byte boundary, so that their loops do not depend on where the linker
//   puts them either: csr_spmv_rows on `arrow` (rows of 2 nonzeros) took 214-242 us when it began
//   32 bytes past a 64-byte boundary and 131-175 us at 0 or 48 past one, in builds differing only
//   in unrelated code (standalone loop, 1 thread; docs/performance.md).
// - Results that do not depend on the caller: a kernel reached both directly (one PE) and from a
//   backend's parallel loop is otherwise compiled twice, and with FMA (-march=native) GCC may fuse
//   a multiply-add in one copy and not in the other. The A^H gather of complex<double> then gave
//   the sequential backend a different last bit than the same backend through the deterministic
//   path (test_backends, GCC 12, -march=native).
#pragma once

#ifndef WAFERBLAS_OUT_OF_LINE
#if defined(__GNUC__) || defined(__clang__)
#define WAFERBLAS_OUT_OF_LINE [[gnu::noinline, gnu::aligned(64)]]
#elif defined(_MSC_VER)
#define WAFERBLAS_OUT_OF_LINE __declspec(noinline)
#else
#define WAFERBLAS_OUT_OF_LINE
#endif
#endif
