# WaferblasProjectTargets.cmake — applies the project's build settings to every target a
# subdirectory defines, so a tests/ or examples/ CMakeLists.txt needs no boilerplate per target.
#
#   waferblas_apply_project_settings(DIRECTORY <dir> [WARNINGS] [SANITIZE])
#
# Call it after add_subdirectory(<dir>); it walks <dir> and its subdirectories and applies
# waferblas_target_warnings() / waferblas_target_sanitizers() to each compiled target
# (executables, object/static/shared/module libraries). Interface, imported and custom targets
# are left alone.
include_guard(GLOBAL)

include(${CMAKE_CURRENT_LIST_DIR}/WaferblasWarnings.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/WaferblasSanitizers.cmake)

function(waferblas_apply_project_settings)
  cmake_parse_arguments(ARG "WARNINGS;SANITIZE" "DIRECTORY" "" ${ARGN})
  get_property(targets DIRECTORY "${ARG_DIRECTORY}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(type MATCHES "^(EXECUTABLE|OBJECT_LIBRARY|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY)$")
      if(ARG_WARNINGS)
        waferblas_target_warnings(${t})
      endif()
      if(ARG_SANITIZE)
        waferblas_target_sanitizers(${t})
      endif()
    endif()
  endforeach()
  get_property(subdirs DIRECTORY "${ARG_DIRECTORY}" PROPERTY SUBDIRECTORIES)
  foreach(d IN LISTS subdirs)
    set(pass DIRECTORY "${d}")
    if(ARG_WARNINGS)
      list(APPEND pass WARNINGS)
    endif()
    if(ARG_SANITIZE)
      list(APPEND pass SANITIZE)
    endif()
    waferblas_apply_project_settings(${pass})
  endforeach()
endfunction()
