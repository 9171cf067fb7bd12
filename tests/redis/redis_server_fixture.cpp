#include "redis_server_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <thread>

namespace whisper::test {

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

redis_server::redis_server(int port) : port_(port != 0 ? port : free_loopback_port()) {
  start();
}

redis_server::~redis_server() {
  kill();
}

void redis_server::start() {
  if (pid_ > 0) return;
  const std::string port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test run
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::execl("/usr/bin/redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ping()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill();
      throw std::runtime_error("redis-server did not answer PING on port " + port);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void redis_server::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);  // also ends a paused (SIGSTOPped) server
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void redis_server::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void redis_server::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

bool redis_server::ping() const {
  return command({"PING"}) == "PONG";
}

std::string redis_server::command(const std::vector<std::string>& args) const {
  timeval tv{2, 0};
  std::unique_ptr<redisContext, void (*)(redisContext*)> c(
      redisConnectWithTimeout("127.0.0.1", port_, tv), &redisFree);
  if (!c || c->err != 0) return "ERR:connect";
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.c_str());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c.get(), static_cast<int>(args.size()), argv.data(), lens.data()));
  if (r == nullptr) return "ERR:no reply";
  std::string out;
  if (r->type == REDIS_REPLY_INTEGER) {
    out = std::to_string(r->integer);
  } else if (r->type == REDIS_REPLY_ARRAY) {
    for (std::size_t i = 0; i < r->elements; ++i) {
      const auto* e = r->element[i];
      if (i != 0) out += '\n';
      out += e->type == REDIS_REPLY_INTEGER ? std::to_string(e->integer)
                                            : std::string(e->str ? e->str : "", e->len);
    }
  } else if (r->type == REDIS_REPLY_ERROR) {
    out = "ERR:" + std::string(r->str, r->len);
  } else if (r->str != nullptr) {
    out.assign(r->str, r->len);
  }
  freeReplyObject(r);
  return out;
}

long long redis_server::calls(const std::string& name) const {
  const auto info = command({"INFO", "commandstats"});
  const std::string marker = "cmdstat_" + name + ":calls=";
  const auto at = info.find(marker);
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + marker.size()));
}

long long redis_server::subscribers(const std::string& channel) const {
  const auto reply = command({"PUBSUB", "NUMSUB", channel});
  const auto nl = reply.find('\n');
  return nl == std::string::npos ? -1 : std::stoll(reply.substr(nl + 1));
}

}  // namespace whisper::test
