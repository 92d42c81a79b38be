# cmake -DEXPECT=N -P expect_exit.cmake PROGRAM ARGS...: runs PROGRAM and
# passes only when it exits with status N (a negative control: the harness
# must report a violation, exit 1 -- not pass, crash, or fail to set up).
# With -DMATCH=REGEX the first VIOLATION line must also match REGEX: the
# control then proves that this check, not another, caught the bug.
set(cmd)
set(take OFF)
foreach(i RANGE ${CMAKE_ARGC})
  if(take AND DEFINED CMAKE_ARGV${i})
    list(APPEND cmd "${CMAKE_ARGV${i}}")
  endif()
  if("${CMAKE_ARGV${i}}" MATCHES "expect_exit.cmake$")
    set(take ON)
  endif()
endforeach()
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "VIOLATION[^\n]*" first "${err}")
message(STATUS "exit ${rc}; ${first}")
if(NOT rc STREQUAL "${EXPECT}")
  message(FATAL_ERROR "expected exit ${EXPECT} (violation found), got ${rc}\n${out}\n${err}")
endif()
if(DEFINED MATCH AND NOT first MATCHES "${MATCH}")
  message(FATAL_ERROR "the violation was not the one expected (${MATCH}): ${first}")
endif()
