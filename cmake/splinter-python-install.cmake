# Run by `cmake --install` (bindings/python/CMakeLists.txt): writes
# splinter/_installed.py into the installed package, with the path of
# libsplinter.so.N relative to the package, so that the package finds the
# library of its own install wherever the prefix is (or is moved to).
# Inputs (install(CODE) just before): SPLINTER_PY_DIR, SPLINTER_LIB_DIR,
# SPLINTER_LIB_NAME, SPLINTER_STAGE.
foreach(v SPLINTER_PY_DIR SPLINTER_LIB_DIR)
  if(NOT IS_ABSOLUTE "${${v}}")
    set(${v} "${CMAKE_INSTALL_PREFIX}/${${v}}")
  endif()
endforeach()
file(RELATIVE_PATH _splinter_rel "${SPLINTER_PY_DIR}/splinter" "${SPLINTER_LIB_DIR}/${SPLINTER_LIB_NAME}")
file(WRITE "${SPLINTER_STAGE}/_installed.py"
  "# Written by cmake --install: where this install's libsplinter is, relative to this package.\n"
  "LIBRARY = \"${_splinter_rel}\"\n")
file(INSTALL DESTINATION "${SPLINTER_PY_DIR}/splinter" TYPE FILE FILES "${SPLINTER_STAGE}/_installed.py")
