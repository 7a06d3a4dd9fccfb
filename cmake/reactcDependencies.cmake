# The libraries libreactc is linked with, as imported targets. One file for
# two users: reactc's own build (CMakeLists.txt) links the library with the
# targets it defines, and the installed package (reactcConfig.cmake) defines
# the same targets again before reactc::reactc_static, whose link interface
# names them. So a program linking the static library gets exactly the list
# the library was built with (the RC_WITH_* options decide it) and needs no
# find_package of its own.
#
# reactc_find_dependencies(<targets-var> <missing-var> <pkg-config module>...)
#   defines PkgConfig::reactc_<module> for each module, reactc::libev (libev
#   ships no .pc file) and Threads::Threads; sets <targets-var> to what the
#   static library links (those targets and libm) and <missing-var> to the
#   dependencies not found (empty when all were).
#
# A function, not a macro: pkg-config's and find_library's results stay in
# its scope instead of landing among a consumer's variables, and the
# reactc_ prefix keeps its imported targets apart from a consumer's own
# pkg_check_modules(JANSSON ...). Nothing here is REQUIRED: the build stops
# on a missing dependency itself, the package only marks its static
# component as not found (reactcConfig.cmake).
include_guard(GLOBAL)

function(reactc_find_dependencies targets_var missing_var)
  set(targets)
  set(missing)
  find_package(PkgConfig QUIET)
  foreach(module IN LISTS ARGN)
    if(NOT TARGET PkgConfig::reactc_${module})
      if(PKG_CONFIG_FOUND)
        pkg_check_modules(reactc_${module} QUIET IMPORTED_TARGET ${module})
      endif()
      if(NOT TARGET PkgConfig::reactc_${module})
        list(APPEND missing "${module} (pkg-config)")
        continue()
      endif()
    endif()
    list(APPEND targets PkgConfig::reactc_${module})
  endforeach()

  if(NOT TARGET reactc::libev)
    find_library(reactc_libev_LIBRARY ev)
    find_path(reactc_libev_INCLUDE_DIR ev.h)
    if(reactc_libev_LIBRARY AND reactc_libev_INCLUDE_DIR)
      add_library(reactc::libev UNKNOWN IMPORTED)
      set_target_properties(reactc::libev PROPERTIES
        IMPORTED_LOCATION "${reactc_libev_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${reactc_libev_INCLUDE_DIR}")
    endif()
  endif()
  if(TARGET reactc::libev)
    list(APPEND targets reactc::libev)
  else()
    list(APPEND missing "libev (libev.so and ev.h)")
  endif()

  find_package(Threads QUIET)
  if(TARGET Threads::Threads)
    list(APPEND targets Threads::Threads)
  else()
    list(APPEND missing "threads")
  endif()
  list(APPEND targets m)

  set(${targets_var} "${targets}" PARENT_SCOPE)
  set(${missing_var} "${missing}" PARENT_SCOPE)
endfunction()
