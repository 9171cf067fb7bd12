// One TCP connection while it speaks HTTP/1.1: reads requests with websocketpp's
// incremental parser (used as a library only), answers them through the app's
// http_handler, and turns into a ws_connection on a valid, authorised upgrade, after
// which this object and its parser are freed.
#pragma once

#include <asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "connection_socket.hpp"
#include "whisper/asio/http.hpp"
#include "worker.hpp"

namespace websocketpp::http::parser {
class request;
}

namespace whisper::net {

/// An HTTP connection living on one worker thread.
///
/// Thread safety: io thread only; the responder it hands to the handler may be called
/// from any thread (it posts back here, and drops the answer if the connection is gone).
class http_connection final : public tracked_connection,
                              public std::enable_shared_from_this<http_connection> {
 public:
  http_connection(worker& owner, connection_socket socket, std::string remote_address,
                  ip_slot address_slot);
  ~http_connection() override;

  void start();
  /// Writes a response to the request being served (io thread; from the responder).
  void respond(const http_response& response);

  // tracked_connection
  void tick(steady_time now) override;
  void shutdown() override;
  void abort() override;

 private:
  void wait_readable();
  void on_readable(const asio::error_code& ec);
  void on_tls_read(const asio::error_code& ec, std::size_t n);
  void feed(std::string_view bytes);
  void track_head_end(std::string_view consumed);
  void maybe_send_continue();
  void dispatch();
  void call_handler(whisper::request&& request);
  void upgrade(whisper::request&& request);
  void refuse(int status, std::string_view text, std::string_view log_reason);
  void refuse_with(http_response response, std::string_view log_reason);
  void write(std::string text);
  void start_write();
  void on_written();
  void finish();

  worker& owner_;
  connection_socket socket_;
  std::string remote_;    // the TCP peer
  std::string client_;    // whom a trusted proxy says it speaks for, else remote_
  ip_slot address_slot_;  // this connection in the per-IP count (moves to the WebSocket)
  std::unique_ptr<websocketpp::http::parser::request> parser_;
  std::size_t request_bytes_ = 0;  // fed to the parser for the current request
  int head_end_match_ = 0;         // chars of "\r\n\r\n" matched so far; 4 once the head is in
  std::string head_;               // the raw head, kept until check_request_head passed it
  bool head_checked_ = false;
  bool continue_sent_ = false;     // "100 Continue" answered to this request's Expect
  bool continue_writing_ = false;  // ...and still being written: the response waits
  std::string leftover_;           // bytes after the current request
  std::string out_;                // the response being written
  steady_time last_activity_{};
  bool serving_ = false;  // a request is with the handler or being answered
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool finished_ = false;
};

}  // namespace whisper::net
