# tessera_module(NAME DEPS dep1 dep2 ... [PUBLIC_LIBS lib ...] [PRIVATE_LIBS lib ...])
# Declares the static library tessera_NAME from every .cc under src/NAME/ (recursively).
function(tessera_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  add_library(tessera_${name} STATIC ${sources})
  target_include_directories(tessera_${name}
    PUBLIC "${PROJECT_SOURCE_DIR}/include"
    PRIVATE "${PROJECT_SOURCE_DIR}/src")
  set(deps "")
  foreach(dep IN LISTS ARG_DEPS)
    list(APPEND deps tessera_${dep})
  endforeach()
  target_link_libraries(tessera_${name} PUBLIC ${deps} ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
  target_compile_definitions(tessera_${name} PRIVATE TESSERA_DATA_DIR="${TESSERA_DATA_DIR}")
endfunction()
