#include "ops/systemd_notify.hpp"

#ifdef WHISPER_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace whisper_server {
namespace {

void notify(const char* state) {
#ifdef WHISPER_HAVE_SYSTEMD
  // 0 keeps NOTIFY_SOCKET for child processes (there are none); errors are not ours to
  // act on: without a listening manager the service simply is not Type=notify.
  (void)sd_notify(0, state);
#else
  (void)state;
#endif
}

}  // namespace

systemd_readiness::systemd_readiness() {
  notify("READY=1");
}

systemd_readiness::~systemd_readiness() {
  notify("STOPPING=1");
}

}  // namespace whisper_server
