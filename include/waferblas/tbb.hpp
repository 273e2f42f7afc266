// waferblas/tbb.hpp — WaferBLAS with TBB as the default backend.
//
//   #include <waferblas/tbb.hpp>          // instead of (or before) <waferblas/waferblas.hpp>
//   waferblas::spmv(1.0, A, x, 0.0, y);   // runs on TBB with get_num_threads() threads
//
// Linking the CMake target waferblas::tbb defines WAFERBLAS_USE_TBB for the whole program, which is
// the safer way: then <waferblas/waferblas.hpp> alone already defaults to TBB everywhere.
#pragma once

#if defined(WAFERBLAS_DEFAULT_BACKEND_CHOSEN) && !(defined(WAFERBLAS_USE_TBB) && WAFERBLAS_USE_TBB)
#error "include <waferblas/tbb.hpp> before any other WaferBLAS header, or link waferblas::tbb (defines WAFERBLAS_USE_TBB)"
#endif
#ifndef WAFERBLAS_USE_TBB
#define WAFERBLAS_USE_TBB 1
#endif

#include "backend/tbb.hpp"
#include "waferblas.hpp"
