# splinter-xxhash.cmake: defines the imported target PkgConfig::XXHASH
# (libxxhash, the checksum and key hash of the format) if it can be found.
#
# Used by the build and by the installed splinterConfig.cmake (the static
# library links libxxhash; the shared one carries its own NEEDED entry for
# libxxhash.so.0 -- on x86-64 the library also compiles XXH3's AVX2 and
# AVX-512 code inline from xxhash.h, src/xxh3_kernels.h -- so a program
# linking it needs nothing more). Found through
# pkg-config when libxxhash.pc is there, else by find_path / find_library,
# for systems that ship the library without its .pc file. Nothing fails here:
# the caller decides whether the target is required.
if(TARGET PkgConfig::XXHASH)
  return()
endif()
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(XXHASH QUIET IMPORTED_TARGET libxxhash)
endif()
if(NOT TARGET PkgConfig::XXHASH)
  find_path(SPLINTER_XXHASH_INCLUDE_DIR xxhash.h)
  find_library(SPLINTER_XXHASH_LIBRARY NAMES xxhash)
  mark_as_advanced(SPLINTER_XXHASH_INCLUDE_DIR SPLINTER_XXHASH_LIBRARY)
  if(SPLINTER_XXHASH_INCLUDE_DIR AND SPLINTER_XXHASH_LIBRARY)
    add_library(PkgConfig::XXHASH INTERFACE IMPORTED)
    set_target_properties(PkgConfig::XXHASH PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${SPLINTER_XXHASH_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${SPLINTER_XXHASH_LIBRARY}")
  endif()
endif()
