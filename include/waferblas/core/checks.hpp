// waferblas/core/checks.hpp — argument checks shared by every routine, with messages that name the
// routine, the operand and both sizes.
#pragma once

#include <cstddef>
#include <string>

#include "error.hpp"
#include "matrix_view.hpp"
#include "vector_view.hpp"

namespace waferblas::detail {

inline void check_size(const char* routine, const char* what, std::size_t have, std::size_t want) {
    if (have != want)
        throw dimension_error(std::string(routine) + ": " + what + " has " + std::to_string(have) + ", expected " +
                              std::to_string(want));
}

/// Refuses views whose address ranges intersect. That is conservative: strided views that
/// interleave without sharing an element (x = v[0, 2, 4], y = v[1, 3, 5]) are refused too, and the
/// message says so.
template <class A, class B>
void check_no_alias(const char* routine, const char* a_name, const A& a, const char* b_name, const B& b) {
    if (overlaps(a, b))
        throw invalid_argument_error(std::string(routine) + ": " + a_name + " and " + b_name +
                                     " overlap in memory (aliasing is not supported, nor are views whose address ranges "
                                     "interleave)");
}

/// op(A) x = y with op(A) rows x cols.
template <class T>
void check_spmv(const char* routine, std::size_t rows, std::size_t cols, const vector_view<const T>& x,
                const vector_view<T>& y) {
    check_size(routine, "x", x.size(), cols);
    check_size(routine, "y", y.size(), rows);
    check_no_alias(routine, "x", x, "y", y);
}

/// op(A) B = C with op(A) rows x cols.
template <class T>
void check_spmm(const char* routine, std::size_t rows, std::size_t cols, const matrix_view<const T>& B,
                const matrix_view<T>& C) {
    check_size(routine, "B (rows)", B.rows(), cols);
    check_size(routine, "C (rows)", C.rows(), rows);
    check_size(routine, "C (columns)", C.cols(), B.cols());
    check_no_alias(routine, "B", B, "C", C);
}

} // namespace waferblas::detail
