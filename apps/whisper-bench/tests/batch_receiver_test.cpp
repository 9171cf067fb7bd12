#include "batch_receiver.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

using namespace whisper_bench;

namespace {

// A connected pair of non-blocking stream sockets; the bench reads from `ours`.
struct socket_pair {
  int ours = -1;
  int theirs = -1;
  socket_pair() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    ours = fds[0];
    theirs = fds[1];
  }
  ~socket_pair() {
    if (ours >= 0) close(ours);
    if (theirs >= 0) close(theirs);
  }
};

std::string pattern(std::size_t size, char seed) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>(seed + i % 53);
  return text;
}

}  // namespace

TEST_CASE(
    "the batched receiver hands every byte of every socket on, in order, across short reads") {
  batch_receiver receiver(96, 8, 16);  // three sockets share 96 bytes: 32 each per batch
  REQUIRE(receiver.error() == 0);
  std::array<socket_pair, 3> pairs;
  const std::array<std::string, 3> sent{pattern(5000, 'a'), pattern(77, 'A'), pattern(1, '0')};
  std::array<std::string, 3> received;
  std::vector<recv_request> requests;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    REQUIRE(write(pairs[i].theirs, sent[i].data(), sent[i].size()) ==
            static_cast<ssize_t>(sent[i].size()));
    requests.push_back({pairs[i].ours, i});
  }
  int eagain = 0;
  for (int round = 0; round < 1000 && received != sent; ++round) {
    receiver.receive(requests, [&](std::uint64_t key, const char* data, int result) {
      REQUIRE(key < received.size());
      if (result == -EAGAIN) ++eagain;
      REQUIRE((result > 0 || result == -EAGAIN));
      CHECK(result <= 32);
      if (result > 0) received[key].append(data, static_cast<std::size_t>(result));
    });
  }
  CHECK(received[0] == sent[0]);
  CHECK(received[1] == sent[1]);
  CHECK(received[2] == sent[2]);
  CHECK(eagain > 0);  // the drained sockets answered at once instead of waiting
}

TEST_CASE("more readable sockets than one batch holds are all received, in several entries") {
  batch_receiver receiver(64, 16, 8);  // at most 4 sockets per kernel entry
  REQUIRE(receiver.error() == 0);
  std::array<socket_pair, 10> pairs;
  std::vector<recv_request> requests;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const char byte = static_cast<char>('a' + i);
    REQUIRE(write(pairs[i].theirs, &byte, 1) == 1);
    requests.push_back({pairs[i].ours, 100 + i});
  }
  std::string seen(pairs.size(), '.');
  receiver.receive(requests, [&](std::uint64_t key, const char* data, int result) {
    REQUIRE(result == 1);
    seen[key - 100] = data[0];
  });
  CHECK(seen == "abcdefghij");
}

TEST_CASE("a socket whose peer closed is reported with zero bytes, an empty one with EAGAIN") {
  batch_receiver receiver;
  REQUIRE(receiver.error() == 0);
  socket_pair closed;
  socket_pair empty;
  close(closed.theirs);
  closed.theirs = -1;
  std::vector<int> results(2, 1);
  receiver.receive({{closed.ours, 0}, {empty.ours, 1}},
                   [&](std::uint64_t key, const char*, int result) { results[key] = result; });
  CHECK(results[0] == 0);
  CHECK(results[1] == -EAGAIN);
}

TEST_CASE("batched sends reach every socket and report the bytes taken") {
  batch_receiver receiver;
  REQUIRE(receiver.error() == 0);
  std::array<socket_pair, 3> pairs;
  const std::string frame = "hello, room";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    REQUIRE(receiver.ring().queue_send(pairs[i].ours, frame.data(), frame.size(), i));
  }
  std::vector<int> results(pairs.size(), -1);
  receiver.ring().complete_all([&](std::uint64_t key, int result) { results[key] = result; });
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    CHECK(results[i] == static_cast<int>(frame.size()));
    char buffer[64];
    CHECK(read(pairs[i].theirs, buffer, sizeof buffer) == static_cast<ssize_t>(frame.size()));
  }
}

TEST_CASE("io_uring is used when asked and available") {
  const io_choice choice = choose_io(io_mode::uring, 0);
  CHECK(choice.mode == io_mode::uring);
  CHECK(choice.message.empty());
}

TEST_CASE(
    "when the ring cannot be set up (e.g. seccomp) the bench falls back to epoll and says why") {
  const io_choice choice = choose_io(io_mode::uring, -EPERM);
  CHECK(choice.mode == io_mode::epoll);
  CHECK(choice.message.find("io_uring") != std::string::npos);
  CHECK(choice.message.find("epoll") != std::string::npos);
  CHECK(choice.message.find(std::strerror(EPERM)) != std::string::npos);
}

TEST_CASE("epoll asked for is epoll, with nothing to say") {
  const io_choice choice = choose_io(io_mode::epoll, -EPERM);
  CHECK(choice.mode == io_mode::epoll);
  CHECK(choice.message.empty());
}
