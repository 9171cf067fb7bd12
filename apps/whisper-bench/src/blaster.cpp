#include "blaster.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "clock.hpp"
#include "sockets.hpp"
#include "uring_batch.hpp"

namespace whisper_bench {
namespace {

constexpr char upgrade_reply[] =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
constexpr char probe_text[] =
    R"({"msg_type": 0, "room": 1, "username": "blaster", "message": "t=0000000000000000000;c=4000000000;"})";
constexpr char join_reply[] = R"({"join": "1", "title": "selftest"})";

// A server frame (unmasked, FIN, text) for a payload under 126 bytes.
std::string small_text_frame(std::string_view payload) {
  std::string frame;
  frame += '\x81';
  frame += static_cast<char>(payload.size());
  frame.append(payload);
  return frame;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

}  // namespace

bool pin_current_thread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

std::string blaster::build_batch(std::size_t target_bytes, std::vector<std::size_t>& offsets,
                                 std::size_t max_frames) {
  const std::string frame = small_text_frame(probe_text);
  const std::size_t stamp_in_frame = frame.find("t=") + 2;
  std::string batch;
  offsets.clear();
  while (batch.size() + frame.size() <= target_bytes && offsets.size() < max_frames) {
    offsets.push_back(batch.size() + stamp_in_frame);
    batch += frame;
  }
  return batch;
}

bool blaster::start(int connections, int cpu, int frames_per_write) {
  listen_fd_ = listen_loopback(port_);
  if (listen_fd_ < 0) return false;
  cpu_ = cpu;
  thread_ =
      std::thread([this, connections, frames_per_write] { run(connections, frames_per_write); });
  return true;
}

void blaster::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  for (int fd : clients_) {
    if (fd >= 0) close(fd);
  }
  clients_.clear();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

bool blaster::handshake(int fd) {
  timeval two_seconds{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof two_seconds);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &two_seconds, sizeof two_seconds);
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    request.append(buffer, static_cast<std::size_t>(got));
  }
  if (!send_all(fd, upgrade_reply, sizeof upgrade_reply - 1)) return false;
  if (recv(fd, buffer, sizeof buffer, 0) <= 0) return false;  // the join command
  // As whisper-server after the upgrade: each small frame leaves as its own segment
  // (without it Nagle would merge frames and make the floor look cheaper than it is).
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string reply = small_text_frame(join_reply);
  return send_all(fd, reply.data(), reply.size());
}

void blaster::run(int connections, int frames_per_write) {
  if (cpu_ >= 0) pin_current_thread(cpu_);
  while (static_cast<int>(clients_.size()) < connections && !stopping_.load()) {
    pollfd ready{listen_fd_, POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    if (handshake(fd)) {
      clients_.push_back(fd);
    } else {
      close(fd);
    }
  }
  // Set up here: the ring belongs to the thread that submits to it.
  uring_batch ring(1024);
  if (ring.error() != 0) batched_available_.store(false);
  std::vector<std::size_t> offsets;
  std::string batch =
      build_batch(std::size_t{64} * 1024, offsets,
                  frames_per_write > 0 ? static_cast<std::size_t>(frames_per_write) : SIZE_MAX);
  char stamp[32];
  while (!stopping_.load(std::memory_order_relaxed)) {
    // One timestamp per batch: the receiver then does the full per-frame work of
    // the fanout mode, latency histogram included.
    std::snprintf(stamp, sizeof stamp, "%019llu", static_cast<unsigned long long>(now_ns()));
    for (std::size_t offset : offsets) std::memcpy(&batch[offset], stamp, 19);
    const bool any = batched_.load(std::memory_order_relaxed) && ring.error() == 0
                         ? send_pass_batched(batch, offsets.size(), ring)
                         : send_pass(batch, offsets.size());
    timespec used{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
    cpu_ns_.store(static_cast<std::uint64_t>(used.tv_sec) * 1000000000u +
                      static_cast<std::uint64_t>(used.tv_nsec),
                  std::memory_order_relaxed);
    if (!any) break;
  }
}

// One send() per client: the cost of a server that makes one syscall per recipient.
bool blaster::send_pass(const std::string& batch, std::size_t frames) {
  bool any = false;
  for (int& fd : clients_) {
    if (fd < 0) continue;
    if (send_all(fd, batch.data(), batch.size())) {
      any = true;
      frames_written_.fetch_add(frames, std::memory_order_relaxed);
    } else {
      close(fd);  // a partial batch would leave half a frame: this client is done
      fd = -1;
    }
  }
  return any;
}

// The same writes, queued for every client and submitted with one io_uring_enter per
// ring-full. A client whose socket is full (or took part of the batch) gets the rest
// with a blocking send(), as in send_pass.
bool blaster::send_pass_batched(const std::string& batch, std::size_t frames, uring_batch& ring) {
  bool any = false;
  auto on_sent = [&](std::uint64_t index, int result) {
    int& fd = clients_[index];
    const std::size_t done = result > 0 ? static_cast<std::size_t>(result) : 0;
    if ((result > 0 || result == -EAGAIN) &&
        send_all(fd, batch.data() + done, batch.size() - done)) {
      any = true;
      frames_written_.fetch_add(frames, std::memory_order_relaxed);
    } else {
      close(fd);
      fd = -1;
    }
  };
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i] < 0) continue;
    if (ring.queue_send(clients_[i], batch.data(), batch.size(), i)) continue;
    ring.complete_all(on_sent);
    ring.queue_send(clients_[i], batch.data(), batch.size(), i);
  }
  ring.complete_all(on_sent);
  return any;
}

}  // namespace whisper_bench
