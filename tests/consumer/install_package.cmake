# install_package.cmake — installs the current build tree into a fresh prefix, then moves it.
#
#   cmake -DBUILD_DIR=<build tree> -DPREFIX=<prefix> [-DCONFIG=<config>] -P install_package.cmake
#
# Installs into <prefix>.staging and renames that to <prefix>: anything in the installed files that
# still pointed at the place it was installed to would now point nowhere, so every consumer test
# that uses <prefix> also proves the package is relocatable.
cmake_minimum_required(VERSION 3.21)

file(REMOVE_RECURSE "${PREFIX}" "${PREFIX}.staging")
unset(ENV{DESTDIR})
set(install ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}.staging)
if(CONFIG)
  list(APPEND install --config ${CONFIG})
endif()
execute_process(COMMAND ${install} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
file(RENAME "${PREFIX}.staging" "${PREFIX}")

# Belt and braces: no installed text file may name the staging directory.
file(GLOB_RECURSE files "${PREFIX}/*.cmake" "${PREFIX}/*.pc")
foreach(f IN LISTS files)
  file(READ "${f}" text)
  string(FIND "${text}" "${PREFIX}.staging" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${f} contains the absolute install path ${PREFIX}.staging")
  endif()
endforeach()
message(STATUS "installed into ${PREFIX}")
