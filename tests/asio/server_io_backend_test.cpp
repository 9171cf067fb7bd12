// The io backends: choosing one (auto falls back where io_uring is refused, io_uring
// refuses to start there), the batched send path on real sockets, and send_ring's
// results for full and closed sockets.
#include <doctest/doctest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "send_ring.hpp"
#include "support/eventually.hpp"
#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"
#include "whisper/asio/io_backend.hpp"

using namespace whisper_test;
namespace net = whisper::net;
using namespace std::chrono_literals;

namespace {

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

// What a container's default seccomp profile does to io_uring: io_uring_setup fails
// with EPERM. Irreversible: only ever called in a forked child.
bool refuse_io_uring_setup() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

// Runs `check` in a child whose io_uring_setup is refused; its exit status: 0 = passed.
template <typename Check>
int in_child_without_io_uring(Check check) {
  const pid_t child = fork();
  if (child == 0) {
    if (!refuse_io_uring_setup()) _exit(90);
    _exit(check());
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

struct recorded_send final : net::batched_sender {
  int result = 1;
  std::size_t attempted = 0;
  void sent(int r, std::size_t a) override {
    result = r;
    attempted = a;
  }
};

struct socket_pair {
  int fds[2] = {-1, -1};
  socket_pair() { REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0); }
  ~socket_pair() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
};

// A ring of `batch_sends` entries, or nullptr (and a message) where io_uring is unavailable.
std::unique_ptr<net::send_ring> ring_of(std::size_t batch_sends) {
  std::string why;
  net::transport_limits limits;
  limits.batch_sends = batch_sends;
  auto ring = net::send_ring::create(limits, why);
  if (!ring) MESSAGE("io_uring unavailable here (" << why << ")");
  return ring;
}

// Queues `bytes` for `fd` on the ring, copied into its arena.
void queue_copy(net::send_ring& ring, int fd, std::string_view bytes, recorded_send& who) {
  net::gather_list out = ring.next_gather();
  REQUIRE(out.room_for(bytes.size()));
  out.copy(bytes);
  ring.add(fd, out, &who);
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

TEST_CASE("io backend names parse and print both ways; unknown names are refused") {
  for (auto backend :
       {net::io_backend::automatic, net::io_backend::io_uring, net::io_backend::epoll}) {
    CHECK(net::parse_io_backend(net::to_string(backend)) == backend);
  }
  CHECK_FALSE(net::parse_io_backend("uring").has_value());
  CHECK_FALSE(net::parse_io_backend("").has_value());
}

TEST_CASE("where io_uring is refused (seccomp), auto runs epoll and io_uring refuses to start") {
  const int status = in_child_without_io_uring([] {
    std::string why;
    if (net::io_uring_available(&why)) return 1;
    if (why.find("seccomp") == std::string::npos) return 2;
    test_server fallback([](net::server_options& o) { o.backend = net::io_backend::automatic; });
    if (fallback.server().backend() != net::io_backend::epoll) return 3;
    ws_test_client client(fallback.port());  // and it serves
    if (client.upgrade("sessionid=good-alice").status != 101) return 4;
    try {
      test_server strict([](net::server_options& o) { o.backend = net::io_backend::io_uring; });
      return 5;
    } catch (const net::backend_error& e) {
      const std::string text = e.what();
      if (text.find("seccomp") == std::string::npos || text.find("epoll") == std::string::npos) {
        return 6;
      }
    }
    return 0;
  });
  CHECK(status == 0);
}

TEST_CASE("on io_uring, a broadcast to a room leaves in few submissions, every member served") {
  std::string why;
  if (!net::io_uring_available(&why)) {
    MESSAGE("io_uring unavailable here (" << why << "): the epoll run covers the transport");
    return;
  }
  test_server server([](net::server_options& o) {
    o.backend = net::io_backend::io_uring;
    o.threads = 1;  // every member on one io thread: one turn's batch
  });
  REQUIRE(server.server().backend() == net::io_backend::io_uring);
  constexpr std::uint64_t members = 40;
  std::vector<std::unique_ptr<ws_test_client>> clients;
  for (std::uint64_t i = 0; i < members; ++i) {
    clients.push_back(std::make_unique<ws_test_client>(server.port()));
    REQUIRE(clients.back()->upgrade("sessionid=good-user" + std::to_string(i)).status == 101);
    clients.back()->send_text(join_command(server.lobby()));
    REQUIRE(clients.back()->read_text_containing("\"join\"").has_value());
  }
  const auto& stats = server.server().stats();
  const auto sends_before = stats.batched_sends.load();
  const auto submissions_before = stats.batch_submissions.load();
  clients[0]->send_text(send_command(server.lobby(), "to everyone"));
  for (auto& client : clients) CHECK(client->read_text_containing("to everyone").has_value());
  // The counters are added once the turn's submission returns, which may be just after
  // the last member read its frame.
  CHECK(eventually([&] { return stats.batched_sends.load() - sends_before >= members; }));
  const auto sends = stats.batched_sends.load() - sends_before;
  const auto submissions = stats.batch_submissions.load() - submissions_before;
  // One turn's fan-out is one submission; a few turns may carry the join notices still.
  CHECK(submissions * 4 <= sends);
}

TEST_CASE("send_ring reports each send: whole, short on a full socket, -EAGAIN, -EBADF") {
  auto ring = ring_of(8);
  if (!ring) return;
  socket_pair open, full, closed;
  // Fill `full` until the kernel takes no more.
  const std::string block(4096, 'x');
  while (send(full.fds[0], block.data(), block.size(), MSG_DONTWAIT) > 0) {
  }
  close(closed.fds[0]);
  const int closed_fd = closed.fds[0];
  closed.fds[0] = -1;

  recorded_send to_open, to_full, to_closed;
  queue_copy(*ring, open.fds[0], "first frame", to_open);
  queue_copy(*ring, full.fds[0], "no room", to_full);
  queue_copy(*ring, closed_fd, "gone", to_closed);
  CHECK(ring->queued() == 3);
  ring->submit();
  CHECK(ring->queued() == 0);
  CHECK(to_open.result == 11);
  CHECK(to_open.attempted == 11);
  CHECK(read_all(open.fds[1]) == "first frame");
  CHECK(to_full.result == -EAGAIN);
  CHECK(to_closed.result == -EBADF);
  CHECK(ring->sends() == 3);
  CHECK(ring->submissions() >= 1);
}

TEST_CASE("send_ring submits by itself when one more write would not fit, in order") {
  auto ring = ring_of(2);
  if (!ring) return;
  socket_pair a, b, c;
  recorded_send ra, rb, rc;
  queue_copy(*ring, a.fds[0], "one", ra);
  queue_copy(*ring, b.fds[0], "two", rb);
  CHECK(ra.result == 1);                     // not yet: the ring has room for two
  queue_copy(*ring, c.fds[0], "three", rc);  // the third needed room: the first two went out first
  CHECK(ra.result == 3);
  CHECK(rb.result == 3);
  CHECK(rc.result == 1);
  ring->submit();
  CHECK(rc.result == 5);
  CHECK(read_all(a.fds[1]) == "one");
  CHECK(read_all(c.fds[1]) == "three");
}
