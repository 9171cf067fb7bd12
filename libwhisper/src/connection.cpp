// Shared, immutable frames: encoded once and handed to every recipient unchanged.
#include "whisper/connection.hpp"

namespace whisper {

payload_ptr make_payload(std::string text) {
  // make_shared: the control block and the string live in one allocation.
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace whisper
