// Which peers may tell the server who the client is: the reverse proxies the operator
// named in `trusted_proxies`. Behind a proxy every TCP peer is the proxy, so the login
// throttle, the per-address connection limit, `metrics = "local"` and the logs would see
// one address for the whole internet. A trusted peer's X-Forwarded-For (or RFC 7239
// Forwarded) names the real client; from anyone else such a header is only a claim the
// client makes about itself, and is ignored.
#pragma once

#include <asio/ip/network_v4.hpp>
#include <asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace whisper::net {

/// A set of addresses and networks ("10.0.0.7", "10.0.0.0/8", "::1", "fd00::/8").
///
/// Thread safety: immutable after construction; a shared object is safe for concurrent
/// reads.
class trusted_proxy_list {
 public:
  /// Trusts nobody: every request's client is its TCP peer.
  trusted_proxy_list() = default;
  /// Throws std::invalid_argument naming the first entry that is not an address or a
  /// network in CIDR notation.
  explicit trusted_proxy_list(const std::vector<std::string>& entries);

  bool empty() const { return v4_.empty() && v6_.empty(); }
  /// Whether `address` (text, IPv4-mapped IPv6 counts as IPv4) is in the set; false for
  /// anything that is not an address.
  bool contains(std::string_view address) const;

  /// The client of a request that `peer` sent with `headers` (names lowercased): `peer`
  /// itself unless it is trusted; then the rightmost hop of X-Forwarded-For (else of
  /// Forwarded's for=) that is not itself a trusted proxy. Hops left of it were written
  /// by the client and are not believed. A malformed or hidden hop ("unknown",
  /// "_secret", a name) ends the walk at the last address that was believed.
  std::string client_address(std::string_view peer,
                             const std::vector<std::pair<std::string, std::string>>& headers) const;

 private:
  std::vector<asio::ip::network_v4> v4_;
  std::vector<asio::ip::network_v6> v6_;
};

}  // namespace whisper::net
