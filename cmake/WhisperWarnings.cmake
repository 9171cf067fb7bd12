# whisper_set_warnings(target): the project's warning set, applied to our own targets
# only (third-party headers are system includes and stay quiet).
function(whisper_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast
                                           -Wcast-align -Woverloaded-virtual)
  if(WHISPER_COVERAGE)
    # Atomic counters: the server's threads update the same counters at once, and
    # plain increments race (gcov then reports negative counts).
    target_compile_options(${target} PRIVATE --coverage -fprofile-update=atomic -O0)
    target_link_options(${target} PRIVATE --coverage)
  endif()
endfunction()
