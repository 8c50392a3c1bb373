# Strict warnings for our own targets only (never for third-party headers, which are
# included as SYSTEM by their imported targets).
function(gateway_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Werror)
endfunction()
