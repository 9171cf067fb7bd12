#include "whisper/asio/trusted_proxies.hpp"

#include <asio/ip/address.hpp>
#include <optional>
#include <stdexcept>

#include "detail/ascii.hpp"
#include "whisper/asio/http.hpp"

namespace whisper::net {
namespace {

// IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 peer) compares as IPv4.
asio::ip::address unmapped(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address;
}

std::optional<asio::ip::address> parse_address(std::string_view text) {
  asio::error_code ec;
  const auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return unmapped(address);
}

// One hop as proxies write it: "192.0.2.1", "2001:db8::1", and with a port
// "192.0.2.1:4711" or "[2001:db8::1]:4711" (Forwarded quotes the last two).
std::optional<asio::ip::address> parse_hop(std::string_view hop) {
  hop = detail::trim(hop);
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"')
    hop = hop.substr(1, hop.size() - 2);
  if (!hop.empty() && hop.front() == '[') {
    const std::size_t close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = hop.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    return parse_address(hop.substr(1, close - 1));
  }
  // Exactly one colon: IPv4 with a port (more colons: an IPv6 literal).
  const std::size_t colon = hop.find(':');
  if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos)
    hop = hop.substr(0, colon);
  return parse_address(hop);
}

// Splits a header list on commas (proxies append ", hop"; repeated headers are joined
// the same way).
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t comma = text.find(',');
    items.push_back(detail::trim(text.substr(0, comma)));
    if (comma == std::string_view::npos) return items;
    text.remove_prefix(comma + 1);
  }
}

// The for= value of one Forwarded element ("for=192.0.2.60;proto=http;by=..."); empty
// when it has none.
std::string_view forwarded_for(std::string_view element) {
  while (!element.empty()) {
    const std::size_t semicolon = element.find(';');
    const std::string_view pair = detail::trim(element.substr(0, semicolon));
    const std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos &&
        detail::iequals(detail::trim(pair.substr(0, equals)), "for"))
      return detail::trim(pair.substr(equals + 1));
    if (semicolon == std::string_view::npos) break;
    element.remove_prefix(semicolon + 1);
  }
  return {};
}

// Every value of one header, in order, joined as one list.
std::string joined_header(const std::vector<std::pair<std::string, std::string>>& headers,
                          std::string_view name) {
  std::string joined;
  for (const auto& [key, value] : headers) {
    if (key != name) continue;
    if (!joined.empty()) joined += ", ";
    joined += value;
  }
  return joined;
}

}  // namespace

trusted_proxy_list::trusted_proxy_list(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    const std::string_view text = detail::trim(entry);
    const std::size_t slash = text.find('/');
    const auto address = parse_address(text.substr(0, slash));
    unsigned long prefix = 0;
    bool prefix_ok = slash == std::string_view::npos;
    if (address && !prefix_ok) {
      const std::string digits(text.substr(slash + 1));
      const unsigned long max = address->is_v4() ? 32 : 128;
      prefix_ok = !digits.empty() && digits.size() <= 3 &&
                  digits.find_first_not_of("0123456789") == std::string::npos &&
                  (prefix = std::stoul(digits)) <= max;
    }
    if (!address || !prefix_ok) {
      throw std::invalid_argument("'" + entry +
                                  "' is not an IP address or a network like 10.0.0.0/8 or "
                                  "fd00::/8");
    }
    if (address->is_v4()) {
      const auto bits = static_cast<unsigned short>(slash == std::string_view::npos ? 32 : prefix);
      v4_.emplace_back(address->to_v4(), bits);
    } else {
      const auto bits = static_cast<unsigned short>(slash == std::string_view::npos ? 128 : prefix);
      v6_.emplace_back(address->to_v6(), bits);
    }
  }
}

bool trusted_proxy_list::contains(std::string_view text) const {
  const auto address = parse_address(text);
  if (!address) return false;
  if (address->is_v4()) {
    for (const auto& network : v4_) {
      if (asio::ip::network_v4(address->to_v4(), network.prefix_length()).network() ==
          network.network())
        return true;
    }
    return false;
  }
  for (const auto& network : v6_) {
    if (asio::ip::network_v6(address->to_v6(), network.prefix_length()).network() ==
        network.network())
      return true;
  }
  return false;
}

std::string trusted_proxy_list::client_address(
    std::string_view peer, const std::vector<std::pair<std::string, std::string>>& headers) const {
  std::string client(peer);
  if (empty() || !contains(peer)) return client;
  std::vector<std::string_view> hops;
  std::string list = joined_header(headers, "x-forwarded-for");
  const bool forwarded = list.empty();
  if (forwarded) list = joined_header(headers, "forwarded");
  if (list.empty()) return client;
  hops = split_commas(list);
  // Right to left: each hop was written by the proxy to its right, which we trust so far.
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = parse_hop(forwarded ? forwarded_for(*hop) : *hop);
    if (!address) return client;
    client = address->to_string();
    if (!contains(client)) return client;
  }
  return client;  // every hop is a trusted proxy: the leftmost is as far as we can see
}

}  // namespace whisper::net
