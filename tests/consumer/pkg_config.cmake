# pkg_config.cmake — builds and runs the consumer with nothing but pkg-config and the compiler, the way
# a Makefile-based project would:  c++ -std=c++20 $(pkg-config --cflags waferblas) main.cpp
#
#   cmake -DPKG_CONFIG=<pkg-config> -DPREFIX=<installed prefix> -DPKGCONFIGDIR=<relative dir>
#         -DCXX_COMPILER=<c++> -DSOURCE=<main.cpp> -DBINARY_DIR=<dir> -DEXPECTED_VERSION=<x.y.z> -P pkg_config.cmake
cmake_minimum_required(VERSION 3.21)

set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${PKGCONFIGDIR}")

function(pc out)
  execute_process(COMMAND ${PKG_CONFIG} ${ARGN} waferblas RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} waferblas failed (${rc}): ${e}")
  endif()
  set(${out} "${o}" PARENT_SCOPE)
endfunction()

pc(_ --validate)
pc(version --modversion)
if(NOT version STREQUAL EXPECTED_VERSION)
  message(FATAL_ERROR "pkg-config reports version '${version}', expected '${EXPECTED_VERSION}'")
endif()
pc(cflags --cflags)
pc(libs --libs)
message(STATUS "pkg-config: version ${version}, cflags '${cflags}', libs '${libs}'")

# The include directory must be the installed one, reached through the relocated prefix.
string(REGEX MATCH "-I([^ ]+)" _ "${cflags}")
file(REAL_PATH "${CMAKE_MATCH_1}" incdir)
if(NOT EXISTS "${incdir}/waferblas/waferblas.hpp")
  message(FATAL_ERROR "pkg-config's include directory '${CMAKE_MATCH_1}' has no waferblas/waferblas.hpp")
endif()

file(REMOVE_RECURSE "${BINARY_DIR}")
file(MAKE_DIRECTORY "${BINARY_DIR}")
separate_arguments(cflags UNIX_COMMAND "${cflags}")
separate_arguments(libs UNIX_COMMAND "${libs}")
set(exe "${BINARY_DIR}/waferblas_consumer")
set(compile ${CXX_COMPILER} -std=c++20 -Wall -Wextra -Werror ${cflags} ${SOURCE} -o ${exe} ${libs})
list(JOIN compile " " shown)
message(STATUS "${shown}")
execute_process(COMMAND ${compile} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling with pkg-config's flags failed (${rc})")
endif()
execute_process(COMMAND ${exe} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer failed (${rc})")
endif()
