// The library's version with C linkage, so tools (and dlopen users) can ask the shared
// library which version it is without C++ name mangling.
#include "whisper/version.hpp"

extern "C" const char* whisper_version_string() {
  return whisper::version;
}
