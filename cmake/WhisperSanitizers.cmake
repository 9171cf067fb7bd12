# WHISPER_SANITIZE=address,undefined or thread instruments every target of the build,
# third-party code included, so the reports cover whole call paths.
if(WHISPER_SANITIZE)
  string(REPLACE "," ";" _whisper_sanitizers "${WHISPER_SANITIZE}")
  foreach(_san IN LISTS _whisper_sanitizers)
    if(NOT _san MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "WHISPER_SANITIZE: unknown sanitizer '${_san}' (use address,undefined or thread)")
    endif()
  endforeach()
  add_compile_options(-fsanitize=${WHISPER_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WHISPER_SANITIZE})
endif()
