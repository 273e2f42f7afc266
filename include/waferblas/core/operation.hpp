// waferblas/core/operation.hpp — which form of a matrix an operation uses: A, A^T or A^H.
#pragma once

namespace waferblas {

/// The BLAS `trans` argument: use A as is, transposed, or conjugate-transposed.
enum class op { none, transpose, conj_transpose };

[[nodiscard]] constexpr const char* to_string(op o) noexcept {
    switch (o) {
    case op::none: return "none";
    case op::transpose: return "transpose";
    case op::conj_transpose: return "conj_transpose";
    }
    return "?";
}

} // namespace waferblas
