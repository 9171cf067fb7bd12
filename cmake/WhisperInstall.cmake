# Installs libwhisper for embedders: headers, static and shared libraries, a CMake
# package (find_package(whisper 0.1 REQUIRED) -> whisper::whisper) and whisper.pc.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/libwhisper/include/whisper
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/libwhisper/generated/whisper/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/whisper)

set(_whisper_targets whisper whisper_shared)
if(TARGET whisper_redis)
  # Embedders link whisper::redis, as inside this build.
  set_target_properties(whisper_redis PROPERTIES EXPORT_NAME redis)
  list(APPEND _whisper_targets whisper_redis)
endif()
install(TARGETS ${_whisper_targets} EXPORT whisperTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT whisperTargets NAMESPACE whisper::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/whisper)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/whisperConfig.cmake.in
  ${PROJECT_BINARY_DIR}/whisperConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/whisper)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/whisperConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/whisperConfig.cmake
              ${PROJECT_BINARY_DIR}/whisperConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/whisper)

configure_file(${PROJECT_SOURCE_DIR}/cmake/whisper.pc.in ${PROJECT_BINARY_DIR}/whisper.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/whisper.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
