# Installs libwhisper for embedders: headers, static and shared libraries, a CMake
# package (find_package(whisper 0.2 REQUIRED [COMPONENTS redis asio]) -> whisper::whisper,
# whisper::redis, whisper::asio) and a pkg-config file per library (whisper.pc,
# whisper-redis.pc, whisper-asio.pc).
#
# Each component is installed only when this build has its target, with its own headers,
# export set (whisper-<component>-targets.cmake) and .pc file: a package without Redis
# ships no redis_*.hpp that names a library it does not have.
include(CMakePackageConfigHelpers)
set(_whisper_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/whisper)

# --- the core ---
# libwhisper/include/whisper holds the core's headers only; the components' live beside
# their sources (libwhisper/redis/include, libwhisper/asio/include). The excludes keep it
# so should one be put back here by mistake.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/libwhisper/include/whisper
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp"
        PATTERN "redis_*.hpp" EXCLUDE PATTERN "asio" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/libwhisper/generated/whisper/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/whisper)
install(TARGETS whisper whisper_shared EXPORT whisperTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT whisperTargets NAMESPACE whisper:: DESTINATION ${_whisper_cmake_dir})
# The headers cite the wire protocol; this is the text they cite.
install(FILES ${PROJECT_SOURCE_DIR}/docs/protocol.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
configure_file(${PROJECT_SOURCE_DIR}/cmake/whisper.pc.in ${PROJECT_BINARY_DIR}/whisper.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/whisper.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# whisper_install_component(NAME TARGET HEADERS_DIR PC_REQUIRES PC_CFLAGS PC_LIBS_EXTRA):
# the library as whisper::NAME in its own export set, its headers, whisper-NAME.pc.
function(whisper_install_component name target headers pc_requires pc_cflags pc_libs)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME whisper-${name})
  install(DIRECTORY ${headers}/whisper DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          FILES_MATCHING PATTERN "*.hpp")
  install(TARGETS ${target} EXPORT whisper_${name}Targets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT whisper_${name}Targets NAMESPACE whisper::
          FILE whisper-${name}-targets.cmake DESTINATION ${_whisper_cmake_dir})
  set(WHISPER_PC_NAME whisper-${name})
  set(WHISPER_PC_REQUIRES "${pc_requires}")
  set(WHISPER_PC_CFLAGS "${pc_cflags}")
  set(WHISPER_PC_LIBS "${pc_libs}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/whisper-component.pc.in
                 ${PROJECT_BINARY_DIR}/whisper-${name}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/whisper-${name}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()

# What whisperConfig.cmake checks for each component (it only says what was built).
set(WHISPER_HAVE_REDIS OFF)
set(WHISPER_HAVE_ASIO OFF)
set(WHISPER_ASIO_NEEDS_OPENSSL OFF)
set(WHISPER_ASIO_NEEDS_WEBSOCKETPP OFF)

# --- whisper::redis: the Redis channel layer and presence (hiredis, standalone Asio) ---
if(TARGET whisper_redis)
  set(WHISPER_HAVE_REDIS ON)
  # hiredis is a public requirement: the library is static, so its users link hiredis.
  whisper_install_component(redis whisper_redis ${PROJECT_SOURCE_DIR}/libwhisper/redis/include
                            "whisper, hiredis" "-DASIO_STANDALONE -DASIO_DISABLE_STD_ALIGNED_ALLOC"
                            "-pthread")
endif()

# --- whisper::asio: the WebSocket/HTTP transport on standalone Asio (namespace whisper::net) ---
if(TARGET whisper_asio)
  set(WHISPER_HAVE_ASIO ON)
  set(_asio_headers ${PROJECT_SOURCE_DIR}/libwhisper/asio/include)
  # TLS is built in when the transport links OpenSSL; its users then link it too.
  get_target_property(_asio_links whisper_asio LINK_LIBRARIES)
  get_target_property(_asio_iface whisper_asio INTERFACE_LINK_LIBRARIES)
  # spdlog: the transport's log lines (linked privately; a static link needs it).
  set(_asio_pc_requires "whisper, spdlog")
  if("${_asio_links};${_asio_iface}" MATCHES "OpenSSL::")
    set(WHISPER_ASIO_NEEDS_OPENSSL ON)
    set(_asio_pc_requires "whisper, spdlog, openssl")
  endif()
  # io_uring: the static library's batched send path links liburing.
  if("${_asio_links};${_asio_iface}" MATCHES "PkgConfig::URING")
    set(WHISPER_ASIO_NEEDS_URING ON)
    string(APPEND _asio_pc_requires ", liburing")
  endif()
  # websocketpp is the transport's implementation detail: a public header that includes it
  # would make every embedder install libwebsocketpp-dev. Say so here, and have the
  # package ask for it rather than fail deep in a compile.
  file(GLOB_RECURSE _asio_public_headers ${_asio_headers}/*.hpp)
  foreach(_h IN LISTS _asio_public_headers)
    file(STRINGS ${_h} _wspp REGEX "#include [<\"]websocketpp/")
    if(_wspp)
      set(WHISPER_ASIO_NEEDS_WEBSOCKETPP ON)
      message(WARNING "${_h} includes websocketpp: embedders of whisper::asio will need "
                      "libwebsocketpp-dev")
    endif()
  endforeach()
  whisper_install_component(asio whisper_asio ${_asio_headers} "${_asio_pc_requires}"
                            "-DASIO_STANDALONE -DASIO_DISABLE_STD_ALIGNED_ALLOC" "-pthread")
endif()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/whisperConfig.cmake.in
  ${PROJECT_BINARY_DIR}/whisperConfig.cmake
  INSTALL_DESTINATION ${_whisper_cmake_dir})
# 0.x: a minor version may break the API, so 0.2 accepts 0.2.* only.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/whisperConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/whisperConfig.cmake
              ${PROJECT_BINARY_DIR}/whisperConfigVersion.cmake
        DESTINATION ${_whisper_cmake_dir})
