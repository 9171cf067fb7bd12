// Your own transport: libwhisper fed from something that is not WebSocket at all —
// newline-delimited JSON over plain TCP, on Asio. The first line a client sends is its
// username (a toy login, checked by an authenticator against the application's users);
// every later line is a command, and every frame comes back as one line.
//
// It shows everything a transport owes the core: one whisper::connection per client
// whose queue() never blocks (a small bounded queue, one writer), on_text() calls
// made one at a time, and on_close() once at the end.
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <asio.hpp>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include <whisper/whisper.hpp>

using asio::ip::tcp;

namespace {

// Frames waiting for the one writer, bounded in bytes: a reader that falls that far
// behind is dropped (queue_result::overflow) instead of growing memory. Byte counts are
// given back when a batch has been written. Thread safety: every member locks.
class line_queue {
 public:
  enum class pushed { first, behind, full, closed };

  explicit line_queue(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  pushed push(whisper::payload_ptr frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return pushed::closed;
    if (bytes_ + frame->size() > max_bytes_) return pushed::full;
    bytes_ += frame->size();
    frames_.push_back(std::move(frame));
    return frames_.size() == 1 ? pushed::first : pushed::behind;
  }
  std::vector<whisper::payload_ptr> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(frames_, {});
  }
  void release(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    bytes_ -= std::min(bytes, bytes_);
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  bool empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_.empty();
  }
  bool closed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

 private:
  std::mutex mutex_;
  std::vector<whisper::payload_ptr> frames_;
  std::size_t bytes_ = 0;
  const std::size_t max_bytes_;
  bool closed_ = false;
};

class line_connection final : public whisper::connection,
                              public std::enable_shared_from_this<line_connection> {
 public:
  line_connection(tcp::socket socket, whisper::chat_hub& hub, const whisper::authenticator& auth)
      : socket_(std::move(socket)), hub_(hub), auth_(auth) {}

  void start() { read_line(); }

  whisper::queue_result queue(whisper::payload_ptr frame) override {
    switch (queue_.push(std::move(frame))) {
      case line_queue::pushed::first:
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->flush(); });
        return whisper::queue_result::queued;
      case line_queue::pushed::behind:
        return whisper::queue_result::queued;
      case line_queue::pushed::full:
        return whisper::queue_result::overflow;
      case line_queue::pushed::closed:
        break;
    }
    return whisper::queue_result::closed;
  }

  void close(int, std::string_view) override {
    queue_.close();
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (!self->writing_) self->shutdown();
    });
  }

 private:
  void read_line() {
    asio::async_read_until(socket_, input_, '\n',
                           [self = shared_from_this()](std::error_code ec, std::size_t n) {
                             if (ec) return self->shutdown();
                             std::string line(asio::buffers_begin(self->input_.data()),
                                              asio::buffers_begin(self->input_.data()) + n - 1);
                             self->input_.consume(n);
                             self->on_line(line);
                             self->read_line();
                           });
  }

  void on_line(const std::string& line) {
    if (consumer_) return consumer_->on_text(line);
    whisper::request h;  // the first line is the login
    h.headers.emplace_back("x-username", line);
    h.remote_address = socket_.remote_endpoint().address().to_string();
    const auto result = auth_(h);
    if (!result) {
      asio::write(socket_, asio::buffer(std::string("refused\n")));
      return shutdown();
    }
    consumer_ = hub_.connect(shared_from_this(), *result.who);
  }

  void flush() {
    if (writing_) return;  // the running write picks the new frames up when it ends
    batch_ = queue_.take();
    if (batch_.empty()) return;
    std::vector<asio::const_buffer> buffers;
    std::size_t bytes = 0;
    for (const auto& frame : batch_) {
      buffers.push_back(asio::buffer(*frame));
      buffers.push_back(asio::buffer("\n", 1));
      bytes += frame->size();
    }
    writing_ = true;
    asio::async_write(socket_, buffers,
                      [self = shared_from_this(), bytes](std::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->queue_.release(bytes);
                        if (ec) return self->shutdown();
                        if (!self->queue_.empty()) return self->flush();
                        if (self->queue_.closed()) self->shutdown();
                      });
  }

  void shutdown() {
    std::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (consumer_) std::exchange(consumer_, nullptr)->on_close();
  }

  tcp::socket socket_;
  whisper::chat_hub& hub_;
  const whisper::authenticator& auth_;
  asio::streambuf input_;
  line_queue queue_{std::size_t{256} * 1024};
  std::vector<whisper::payload_ptr> batch_;  // being written: keeps the frames alive
  bool writing_ = false;
  std::shared_ptr<whisper::consumer> consumer_;
};

void accept_loop(tcp::acceptor& acceptor, whisper::chat_hub& hub,
                 const whisper::authenticator& auth) {
  acceptor.async_accept([&](std::error_code ec, tcp::socket socket) {
    if (ec) return;
    std::make_shared<line_connection>(std::move(socket), hub, auth)->start();
    accept_loop(acceptor, hub, auth);
  });
}

// A blocking test client with a read timeout, so the self-test can never hang.
struct line_client {
  asio::io_context io;
  tcp::socket socket{io};
  asio::streambuf input;
  explicit line_client(unsigned short port) {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{5, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void say(const std::string& line) { asio::write(socket, asio::buffer(line + "\n")); }
  bool wait_for(std::string_view needle) {  // reads lines until one contains needle
    for (int i = 0; i < 50; ++i) {
      std::error_code ec;
      const auto n = asio::read_until(socket, input, '\n', ec);
      if (ec) return false;
      std::string line(asio::buffers_begin(input.data()), asio::buffers_begin(input.data()) + n);
      input.consume(n);
      std::cout << "  got " << line;
      if (line.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bool self_test = argc > 1 && std::strcmp(argv[1], "--self-test") == 0;
  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::memory_user_store users;
  whisper::chat_hub hub(layer, rooms, presence);
  rooms.create("General", false);
  users.create({0, "alice", "Alice", false, true}, "");
  users.create({0, "bob", "Bob", false, true}, "");

  const whisper::authenticator auth = [&](const whisper::request& h) {
    auto u = users.find_by_username(h.header("x-username").value_or(""));
    if (!u || !u->is_active) return whisper::auth_result::refuse("unknown user");
    return whisper::auth_result::accept(*u);
  };

  asio::io_context io;
  const asio::ip::port_type listen_port = self_test ? 0 : 9000;  // 0: any free port
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), listen_port});
  const auto port = acceptor.local_endpoint().port();
  accept_loop(acceptor, hub, auth);
  std::cout << "line transport on 127.0.0.1:" << port << " (first line: username)\n";
  if (!self_test) {
    io.run();
    return 0;
  }

  std::thread server([&] { io.run(); });
  bool ok = false;
  {
    line_client alice(port), bob(port), mallory(port);
    mallory.say("mallory");
    const bool refused = mallory.wait_for("refused");
    alice.say("alice");
    bob.say("bob");
    alice.say(R"({"command":"join","room":1})");
    bob.say(R"({"command":"join","room":"1"})");
    ok = refused && alice.wait_for(R"({"join":"1")") && bob.wait_for(R"({"join":"1")");
    alice.say(R"({"command":"send","room":1,"message":"over plain TCP"})");
    ok = ok && bob.wait_for(R"("username":"alice","message":"over plain TCP")");
  }
  asio::post(io, [&] { acceptor.close(); });
  // Clients are gone; give the server a moment to see the EOFs, then stop it.
  asio::steady_timer grace(io, std::chrono::milliseconds(200));
  grace.async_wait([&](std::error_code) { io.stop(); });
  server.join();
  std::cout << (ok ? "self-test passed" : "self-test FAILED") << '\n';
  return ok ? 0 : 1;
}
