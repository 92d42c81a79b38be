# Run by `cmake --install` after everything else (install(SCRIPT) at the end
# of the top-level CMakeLists.txt): removes the debug info from every ELF file
# and static archive this install wrote, so that an install costs what the
# code costs. With SPLINTER_KEEP_DEBUG the debug info of each ELF file is
# first kept in .debug/NAME.debug beside it and linked with .gnu_debuglink.
# Symbol tables stay (backtraces and perf still name functions).
# Inputs (set by install(CODE) just before): SPLINTER_STRIP, SPLINTER_OBJCOPY,
# SPLINTER_KEEP_DEBUG.
if(NOT SPLINTER_STRIP OR NOT SPLINTER_OBJCOPY)
  message(STATUS "splinter: no strip/objcopy: installed binaries keep their debug info")
  return()
endif()
set(_splinter_stripped 0)
foreach(f IN LISTS CMAKE_INSTALL_MANIFEST_FILES)
  if(IS_SYMLINK "${f}" OR NOT EXISTS "${f}" OR IS_DIRECTORY "${f}")
    continue()
  endif()
  file(READ "${f}" magic LIMIT 8 HEX)
  if(magic MATCHES "^7f454c46")  # ELF
    if(SPLINTER_KEEP_DEBUG)
      get_filename_component(dir "${f}" DIRECTORY)
      get_filename_component(name "${f}" NAME)
      file(MAKE_DIRECTORY "${dir}/.debug")
      execute_process(COMMAND "${SPLINTER_OBJCOPY}" --only-keep-debug "${f}" "${dir}/.debug/${name}.debug"
                      COMMAND_ERROR_IS_FATAL ANY)
      execute_process(COMMAND "${SPLINTER_STRIP}" --strip-debug "${f}" COMMAND_ERROR_IS_FATAL ANY)
      execute_process(COMMAND "${SPLINTER_OBJCOPY}" "--add-gnu-debuglink=${dir}/.debug/${name}.debug" "${f}"
                      COMMAND_ERROR_IS_FATAL ANY)
      list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${dir}/.debug/${name}.debug")
    else()
      execute_process(COMMAND "${SPLINTER_STRIP}" --strip-debug "${f}" COMMAND_ERROR_IS_FATAL ANY)
    endif()
    math(EXPR _splinter_stripped "${_splinter_stripped} + 1")
  elseif(magic STREQUAL "213c617263683e0a")  # "!<arch>\n": a static library
    execute_process(COMMAND "${SPLINTER_STRIP}" --strip-debug "${f}" COMMAND_ERROR_IS_FATAL ANY)
    math(EXPR _splinter_stripped "${_splinter_stripped} + 1")
  endif()
endforeach()
if(SPLINTER_KEEP_DEBUG)
  message(STATUS "splinter: debug info of ${_splinter_stripped} installed binaries moved to .debug/ beside them")
else()
  message(STATUS "splinter: ${_splinter_stripped} installed binaries stripped of debug info "
                 "(SPLINTER_INSTALL_DEBUG_INFO=ON keeps it in .debug/)")
endif()
