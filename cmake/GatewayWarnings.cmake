# Strict warnings for our own targets only (never for third-party headers, which are
# included as SYSTEM by their imported targets).
function(gateway_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Werror)
  # GCC 12 at -O3 reports -Wrestrict inside libstdc++ for `"literal" + std::string`
  # (GCC bug 105329): a false positive in the standard library, not in our code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
