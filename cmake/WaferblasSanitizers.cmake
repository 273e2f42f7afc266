# WaferblasSanitizers.cmake — sanitizer instrumentation for WaferBLAS's own tests and examples.
#
#   -DWAFERBLAS_SANITIZE="address;undefined"      (the CI's build-asan)
#   waferblas_target_sanitizers(<target>)
#
# The flags go on individual targets, never on the exported interface targets and never into
# CMAKE_CXX_FLAGS, so an installed package and the consumer projects built by the tests stay clean.
# Undefined behaviour is fatal (-fno-sanitize-recover=all): a UBSan report fails the test instead of
# scrolling past in a passing run.
#
# ThreadSanitizer ("thread", the CI's build-tsan) sees only the synchronisation of instrumented code.
# GCC's OpenMP runtime, libgomp, is not instrumented: every parallel region then looks like a race
# between its threads. So in a "thread" build the OpenMP runtime is LLVM's libomp, which implements
# libgomp's ABI (GCC-compiled code runs on it unchanged) and reports its fork, join, barriers and
# tasks to Archer, LLVM's OpenMP tool for TSan (both from Debian's libomp-dev). Archer is linked into
# the programs, so libomp loads it without OMP_TOOL_LIBRARIES; run with
# TSAN_OPTIONS=ignore_noninstrumented_modules=1 (as Archer asks) so that libomp's own, correctly
# synchronised but uninstrumented, memory accesses are not reported. This must be decided before
# find_package(OpenMP), i.e. before this file's includer looks for OpenMP; it sets FindOpenMP's
# cache variables unless the user already did.
include_guard(GLOBAL)

set(WAFERBLAS_SANITIZE "" CACHE STRING
    "Sanitizers for WaferBLAS's own tests and examples, e.g. address;undefined (empty: none)")
set_property(CACHE WAFERBLAS_SANITIZE PROPERTY STRINGS "" "address;undefined" "address" "undefined" "thread")

set(_waferblas_sanitize_compile "")
set(_waferblas_sanitize_link "")
set(_waferblas_sanitize_defines "")

# In a TSan build: LLVM's libomp and Archer as the OpenMP runtime (see the file comment), found in
# the LLVM library directories. Without them, OpenMP is left out of the build rather than tested
# with a runtime whose every parallel region TSan would report.
function(_waferblas_tsan_openmp_runtime)
  if(DEFINED OpenMP_CXX_LIB_NAMES OR CMAKE_DISABLE_FIND_PACKAGE_OpenMP)
    return() # the user chose the OpenMP runtime (or none)
  endif()
  file(GLOB _llvm_dirs LIST_DIRECTORIES true /usr/lib/llvm-*/lib /usr/local/opt/llvm/lib)
  list(SORT _llvm_dirs COMPARE NATURAL ORDER DESCENDING) # newest LLVM first
  find_library(WAFERBLAS_TSAN_LIBOMP NAMES omp PATHS ${_llvm_dirs} NO_DEFAULT_PATH
               DOC "LLVM's OpenMP runtime, used instead of libgomp in ThreadSanitizer builds")
  find_library(WAFERBLAS_TSAN_ARCHER NAMES archer PATHS ${_llvm_dirs} NO_DEFAULT_PATH
               DOC "Archer, LLVM's OpenMP tool for ThreadSanitizer")
  if(WAFERBLAS_TSAN_LIBOMP AND WAFERBLAS_TSAN_ARCHER)
    set(OpenMP_CXX_FLAGS "-fopenmp" CACHE STRING "OpenMP flags (TSan build: LLVM's libomp)")
    set(OpenMP_CXX_LIB_NAMES "omp;archer" CACHE STRING "OpenMP libraries (TSan build: libomp + Archer)")
    set(OpenMP_omp_LIBRARY "${WAFERBLAS_TSAN_LIBOMP}" CACHE FILEPATH "LLVM's OpenMP runtime")
    set(OpenMP_archer_LIBRARY "${WAFERBLAS_TSAN_ARCHER}" CACHE FILEPATH "Archer, the OpenMP tool for TSan")
    message(STATUS "WaferBLAS: TSan build: OpenMP runs on ${WAFERBLAS_TSAN_LIBOMP} with ${WAFERBLAS_TSAN_ARCHER}")
  else()
    message(WARNING "WAFERBLAS_SANITIZE=thread: LLVM's libomp and Archer (Debian: libomp-dev) not found; "
                    "OpenMP is left out of this build, since TSan cannot see libgomp's synchronisation")
    set(CMAKE_DISABLE_FIND_PACKAGE_OpenMP ON CACHE BOOL "TSan build without libomp and Archer")
  endif()
endfunction()

if(WAFERBLAS_SANITIZE)
  if(MSVC)
    message(FATAL_ERROR "WAFERBLAS_SANITIZE: only GCC and Clang are supported")
  endif()
  set(_known address undefined leak thread memory)
  foreach(s IN LISTS WAFERBLAS_SANITIZE)
    if(NOT s IN_LIST _known)
      message(FATAL_ERROR "WAFERBLAS_SANITIZE: unknown sanitizer '${s}' (known: ${_known})")
    endif()
  endforeach()
  if("thread" IN_LIST WAFERBLAS_SANITIZE AND ("address" IN_LIST WAFERBLAS_SANITIZE OR "leak" IN_LIST WAFERBLAS_SANITIZE))
    message(FATAL_ERROR "WAFERBLAS_SANITIZE: 'thread' cannot be combined with 'address' or 'leak'")
  endif()

  list(JOIN WAFERBLAS_SANITIZE "," _list)
  set(_waferblas_sanitize_compile -fsanitize=${_list} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  set(_waferblas_sanitize_link -fsanitize=${_list})

  # Fail at configure time, with a readable message, if the toolchain lacks the runtime.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "${_waferblas_sanitize_compile}")
  list(JOIN CMAKE_REQUIRED_FLAGS " " CMAKE_REQUIRED_FLAGS)
  set(CMAKE_REQUIRED_LINK_OPTIONS ${_waferblas_sanitize_link})
  string(REPLACE "," "_" _id "${_list}")
  check_cxx_source_compiles("int main() { return 0; }" WAFERBLAS_SANITIZE_WORKS_${_id})
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT WAFERBLAS_SANITIZE_WORKS_${_id})
    message(FATAL_ERROR "WAFERBLAS_SANITIZE=${WAFERBLAS_SANITIZE}: ${CMAKE_CXX_COMPILER} cannot build "
                        "and link with -fsanitize=${_list} (sanitizer runtime missing?)")
  endif()
  # GCC's <emmintrin.h> implements _mm_load_sd as a plain `double` dereference, so UBSan reports
  # Eigen's SSE broadcast of a std::complex<float> (4-byte aligned) as a misaligned load although
  # the intrinsic has no alignment requirement. Eigen is only a test oracle and interop partner
  # here: in GCC UBSan builds it runs its scalar code, and the alignment check stays on for ours.
  set(_waferblas_sanitize_defines "")
  if("undefined" IN_LIST WAFERBLAS_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(_waferblas_sanitize_defines EIGEN_DONT_VECTORIZE)
  endif()
  if("thread" IN_LIST WAFERBLAS_SANITIZE)
    _waferblas_tsan_openmp_runtime()
  endif()
  message(STATUS "WaferBLAS: tests and examples built with -fsanitize=${_list}")
endif()

function(waferblas_target_sanitizers target)
  if(_waferblas_sanitize_compile)
    target_compile_options(${target} PRIVATE ${_waferblas_sanitize_compile})
    target_link_options(${target} PRIVATE ${_waferblas_sanitize_link})
    target_compile_definitions(${target} PRIVATE ${_waferblas_sanitize_defines})
  endif()
endfunction()
