# WaferblasWarnings.cmake — the warning set for WaferBLAS's own programs (tests, examples, tools,
# benchmarks). Never attached to the exported targets: what a consumer's build warns about is the
# consumer's choice.
#
#   waferblas_target_warnings(<target>)
#
# WAFERBLAS_WARNINGS_AS_ERRORS (option, OFF) turns them into errors; CI presets switch it on.
include_guard(GLOBAL)

option(WAFERBLAS_WARNINGS_AS_ERRORS "Treat warnings in WaferBLAS's own tests/examples/tools as errors" OFF)

if(MSVC)
  set(_waferblas_warning_flags /W4 /permissive-)
  set(_waferblas_werror_flag /WX)
else()
  set(_waferblas_warning_flags -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
  set(_waferblas_werror_flag -Werror)
  # GCC 12 at -O2/-O3 reports bogus -Wrestrict overlaps inside libstdc++'s std::string (GCC bugs
  # 105329 and 105651: "accessing 9223372036854775810 or more bytes"), in code that only builds or
  # appends strings. Not fixable in our code; off for that compiler only.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    list(APPEND _waferblas_warning_flags -Wno-restrict)
  endif()
endif()

function(waferblas_target_warnings target)
  set(flags ${_waferblas_warning_flags})
  if(WAFERBLAS_WARNINGS_AS_ERRORS)
    list(APPEND flags ${_waferblas_werror_flag})
  endif()
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${flags}>")
endfunction()
