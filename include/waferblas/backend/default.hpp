// waferblas/backend/default.hpp — the backend the free functions use when a call names none.
//
// TBB when WAFERBLAS_USE_TBB is defined (by <waferblas/tbb.hpp> or by linking waferblas::tbb),
// else OpenMP when WAFERBLAS_USE_OPENMP is, else sequential. The choice is made once per program
// by a macro, never by include order, so every translation unit agrees on it.
#pragma once

// Marks that the default is fixed: <waferblas/tbb.hpp> and <waferblas/openmp.hpp> check it.
#define WAFERBLAS_DEFAULT_BACKEND_CHOSEN 1

#include "sequential.hpp"

#if defined(WAFERBLAS_USE_TBB) && WAFERBLAS_USE_TBB
#include "tbb.hpp"
namespace waferblas::backend {
using default_backend = tbb;
}
#elif defined(WAFERBLAS_USE_OPENMP) && WAFERBLAS_USE_OPENMP
#include "openmp.hpp"
namespace waferblas::backend {
using default_backend = openmp;
}
#else
namespace waferblas::backend {
using default_backend = sequential;
}
#endif
