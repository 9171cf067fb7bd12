#include "server_histogram.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <limits>

namespace whisper_bench {

std::optional<histogram_counts> parse_histogram(std::string_view page, std::string_view name) {
  histogram_counts out;
  const std::string prefix = std::string(name) + "_bucket{le=\"";
  std::size_t at = 0;
  while (at < page.size()) {
    std::size_t end = page.find('\n', at);
    if (end == std::string_view::npos) end = page.size();
    const std::string_view line = page.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, prefix.size()) != prefix) continue;
    const std::size_t quote = line.find('"', prefix.size());
    if (quote == std::string_view::npos) return std::nullopt;
    const std::string bound(line.substr(prefix.size(), quote - prefix.size()));
    const std::size_t space = line.rfind(' ');
    if (space == std::string_view::npos) return std::nullopt;
    const std::string count(line.substr(space + 1));
    out.upper_bounds.push_back(bound == "+Inf" ? std::numeric_limits<double>::infinity()
                                               : std::strtod(bound.c_str(), nullptr));
    out.cumulative.push_back(std::strtoull(count.c_str(), nullptr, 10));
  }
  if (out.upper_bounds.empty()) return std::nullopt;
  return out;
}

std::optional<double> quantile_bound(const histogram_counts& before, const histogram_counts& after,
                                     double quantile) {
  if (before.upper_bounds != after.upper_bounds || after.cumulative.empty()) return std::nullopt;
  const std::uint64_t total = after.cumulative.back() - before.cumulative.back();
  if (total == 0) return std::nullopt;
  const double wanted = quantile * static_cast<double>(total);
  for (std::size_t i = 0; i < after.cumulative.size(); ++i) {
    if (static_cast<double>(after.cumulative[i] - before.cumulative[i]) >= wanted) {
      return after.upper_bounds[i];
    }
  }
  return after.upper_bounds.back();
}

std::optional<histogram_counts> scrape(const std::string& host, int port, std::string_view name) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string page;
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        "GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[16384];
      ssize_t n = 0;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        page.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  if (page.rfind("HTTP/1.1 200", 0) != 0) return std::nullopt;
  return parse_histogram(page, name);
}

}  // namespace whisper_bench
