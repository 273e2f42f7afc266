// waferblas/openmp.hpp — WaferBLAS with OpenMP as the default backend (unless TBB is also chosen).
//
//   #include <waferblas/openmp.hpp>       // compile with -fopenmp, or link waferblas::openmp
//   waferblas::spmv(1.0, A, x, 0.0, y);
#pragma once

#if defined(WAFERBLAS_DEFAULT_BACKEND_CHOSEN) && !(defined(WAFERBLAS_USE_OPENMP) && WAFERBLAS_USE_OPENMP)
#error "include <waferblas/openmp.hpp> before any other WaferBLAS header, or link waferblas::openmp (defines WAFERBLAS_USE_OPENMP)"
#endif
#ifndef WAFERBLAS_USE_OPENMP
#define WAFERBLAS_USE_OPENMP 1
#endif

#include "backend/openmp.hpp"
#include "waferblas.hpp"
