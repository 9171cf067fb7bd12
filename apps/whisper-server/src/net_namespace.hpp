// The app's short name for the transport component: net:: is whisper::net (the public
// headers of whisper::asio, libwhisper/asio/include/whisper/asio/).
#pragma once

namespace whisper::net {}

namespace whisper_server {
namespace net = whisper::net;
}  // namespace whisper_server
