// waferblas/kernels/out_of_line.hpp — kernels compiled once, apart from their callers.
//
// WAFERBLAS_NOINLINE: the same bits whoever calls. A kernel inlined into its callers is compiled
// once per caller: the direct call that runs a small product on one PE, and the parallel loop of
// every backend (each backend's instantiation of the executor is a caller of its own). With FMA
// available (-march=native), GCC contracts `a * b + c` into one rounding in some of those copies
// and not in others, so the "identical across backends and thread counts" of the deterministic
// option broke: the complex A^H gather gave the sequential backend a different last bit through
// its one-PE call than through the deterministic path (test_backends, GCC 12, -march=native). Every
// kernel the executors call (per PE task, per reduction, per whole serial product) is therefore a
// function of its own; those calls are coarse, so the call costs nothing measurable.
//
// WAFERBLAS_OUT_OF_LINE: also on a 64-byte boundary, so that hot loops do not depend on where the
// linker puts them either: csr_spmv_rows on `arrow` (rows of 2 nonzeros) took 214-242 us when it
// began 32 bytes past a 64-byte boundary and 131-175 us at 0 or 48 past one, in builds differing
// only in unrelated code (standalone loop, 1 thread; docs/performance.md). Used for the row
// kernels: csr_spmv_rows, long_row_axpys and the row-group kernels.
//
// WAFERBLAS_ALWAYS_INLINE: the per-row pieces those kernels are made of. GCC's inliner stops once a
// translation unit has grown by a set fraction, so in a large one (the benchmark binary, with every
// peer's code) csr_spmv_rows came to call row_dot once per row instead of inlining it: SpMV on
// `1138_bus` (1,138 rows) took 3.37 instead of 2.07 us, after a change to unrelated SpMM code.
#pragma once

#ifndef WAFERBLAS_ALWAYS_INLINE
#if defined(__GNUC__) || defined(__clang__)
#define WAFERBLAS_ALWAYS_INLINE [[gnu::always_inline]] inline
#elif defined(_MSC_VER)
#define WAFERBLAS_ALWAYS_INLINE __forceinline
#else
#define WAFERBLAS_ALWAYS_INLINE inline
#endif
#endif

#ifndef WAFERBLAS_NOINLINE
#if defined(__GNUC__) || defined(__clang__)
#define WAFERBLAS_NOINLINE [[gnu::noinline]]
#elif defined(_MSC_VER)
#define WAFERBLAS_NOINLINE __declspec(noinline)
#else
#define WAFERBLAS_NOINLINE
#endif
#endif

#ifndef WAFERBLAS_OUT_OF_LINE
#if defined(__GNUC__) || defined(__clang__)
#define WAFERBLAS_OUT_OF_LINE [[gnu::noinline, gnu::aligned(64)]]
#else
#define WAFERBLAS_OUT_OF_LINE WAFERBLAS_NOINLINE
#endif
#endif
