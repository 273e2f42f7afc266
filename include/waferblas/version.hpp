// waferblas/version.hpp — the library version.
#pragma once

#define WAFERBLAS_VERSION_MAJOR 0
#define WAFERBLAS_VERSION_MINOR 1
#define WAFERBLAS_VERSION_PATCH 0

namespace waferblas {
inline constexpr int version_major = WAFERBLAS_VERSION_MAJOR;
inline constexpr int version_minor = WAFERBLAS_VERSION_MINOR;
inline constexpr int version_patch = WAFERBLAS_VERSION_PATCH;
inline constexpr const char* version_string = "0.1.0";
} // namespace waferblas
