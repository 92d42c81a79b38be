# cmake/mutants.cmake -- SPLINTER_MUTANTS: the names of the deliberately
# broken variants of the library, read from their one list, the enum in
# src/mutants.h. src/CMakeLists.txt builds splinter_mutant_<name> for each;
# every CMakeLists.txt that links one takes its names from this list and
# checks them with splinter_require_mutants().
set(_mutants_h "${PROJECT_SOURCE_DIR}/src/mutants.h")
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_mutants_h}")
file(READ "${_mutants_h}" _text)
if(NOT _text MATCHES "// BEGIN MUTANTS[^\n]*\n(.*)\n *// END MUTANTS")
  message(FATAL_ERROR "${_mutants_h}: no BEGIN MUTANTS / END MUTANTS block")
endif()
string(REGEX MATCHALL "(^|\n) *[a-z_]+," _entries "${CMAKE_MATCH_1}")
set(SPLINTER_MUTANTS "")
foreach(_e ${_entries})
  string(REGEX REPLACE "[\n ,]" "" _e "${_e}")
  list(APPEND SPLINTER_MUTANTS "${_e}")
endforeach()
if(NOT SPLINTER_MUTANTS)
  message(FATAL_ERROR "${_mutants_h}: the mutant list is empty")
endif()

# Fails the configuration if a name is not in SPLINTER_MUTANTS.
function(splinter_require_mutants)
  foreach(m ${ARGN})
    if(NOT m IN_LIST SPLINTER_MUTANTS)
      message(FATAL_ERROR "unknown mutant '${m}': src/mutants.h lists ${SPLINTER_MUTANTS}")
    endif()
  endforeach()
endfunction()
