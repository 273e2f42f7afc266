// waferblas/core/error.hpp — the exception hierarchy.
//
// Every error WaferBLAS raises derives from waferblas::error (itself a std::runtime_error), so
// one catch clause handles the library; the subclasses say which kind of mistake it was.
//
//   try { waferblas::spmv(1.0, A, x, 0.0, y); }
//   catch (const waferblas::dimension_error& e) { std::cerr << e.what() << '\n'; }
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace waferblas {

/// Base of every exception thrown by WaferBLAS.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Operand shapes do not agree (A is 3x4 but x has 5 entries, ...).
class dimension_error : public error {
public:
    using error::error;
};

/// A sparse structure is invalid: an index out of range, unsorted, duplicated, or a bad row pointer.
class invalid_matrix_error : public error {
public:
    using error::error;
};

/// A size or index does not fit the chosen index type (e.g. more than 2^31-1 nonzeros with int32).
class overflow_error : public error {
public:
    using error::error;
};

/// A malformed argument that is not a shape or structure problem (a zero-sized grid, a bad stride, ...).
class invalid_argument_error : public error {
public:
    using error::error;
};

/// A plan or problem does not fit the resources it was asked to fit (e.g. a PE's memory).
class capacity_error : public error {
public:
    using error::error;
};

/// Malformed input text. line() is 1-based; 0 means the error is not tied to one line
/// (for example, the file ended before all entries were read: then line() is the last line read + 1).
class parse_error : public error {
public:
    parse_error(std::size_t line, const std::string& reason)
        : error("line " + std::to_string(line) + ": " + reason), line_(line), reason_(reason) {}

    [[nodiscard]] std::size_t line() const noexcept { return line_; }
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    std::size_t line_;
    std::string reason_;
};

} // namespace waferblas
