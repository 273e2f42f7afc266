// waferblas/io/matrix_market.hpp — Matrix Market (.mtx) reading and writing.
//
//   #include <waferblas/io/matrix_market.hpp>
//   namespace io = waferblas::io;
//
//   auto A = io::read_matrix_market<double>("bcsstk01.mtx");          // csr_matrix<double>, full matrix
//   auto Z = io::read_matrix_market<std::complex<double>, std::int64_t>("young1c.mtx");
//   io::write_matrix_market("copy.mtx", A);                          // reads back == A, bit for bit
//
//   try { auto B = io::read_matrix_market<double>("broken.mtx"); }
//   catch (const waferblas::parse_error& e) { std::cerr << e.what() << '\n'; }   // "line 7: ..."
//
// Every format/field/symmetry combination of the format is read; any malformed input throws
// waferblas::parse_error with the 1-based line and the reason — nothing is silently misread. Where
// the format leaves a choice open, WaferBLAS decides:
//   - Numbers are read with std::from_chars. "nan", "inf" and "infinity" (any case, signed) are
//     accepted values and are written as nan/inf; a leading '+' is accepted. A value too large for
//     the scalar type is an error; one too small underflows to a signed zero.
//   - Comment (%) and blank lines are accepted anywhere after the banner, also between entries.
//   - Symmetric, skew-symmetric and Hermitian entries may sit in either triangle (the format asks for
//     the lower one); giving both (i, j) and (j, i) is an error, as it would count the pair twice.
//     The mirror of a skew-symmetric entry is negated, of a Hermitian one conjugated. A skew-symmetric
//     file must not store its diagonal; a Hermitian diagonal must be real.
//   - A Hermitian file of real or integer field is read as symmetric.
//   - Coordinate files keep explicit zeros (they are structure); array files keep only nonzeros.
//   - A complex file read into a real type is an error; a real one read into a complex type has
//     imaginary parts 0; pattern entries are 1.
// For untrusted files set read_options::max_dimension: a few bytes can declare a matrix whose row
// pointer alone needs gigabytes.
#pragma once

#include "matrix_market_header.hpp"
#include "matrix_market_read.hpp"
#include "matrix_market_write.hpp"
