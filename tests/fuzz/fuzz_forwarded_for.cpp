// fuzz_forwarded_for: trusted_proxies — the parsing of configured entries and of the
// X-Forwarded-For / Forwarded headers a request carries — with properties that must hold
// for any input, not only "does not crash":
//  - an entry is either refused (std::invalid_argument) or accepted, and an accepted
//    plain address is contained in its own list;
//  - from a peer that is not trusted the client is the peer, whatever the headers say;
//  - from a trusted peer the client is the peer or an address in canonical text form,
//    the same for the same request.
#include <fuzzer/FuzzedDataProvider.h>

#include <asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_check.hpp"
#include "whisper/asio/trusted_proxies.hpp"

namespace {

using whisper::net::trusted_proxy_list;

void check_entry(const std::string& entry) {
  try {
    const trusted_proxy_list list({entry});
    FUZZ_CHECK(!list.empty());
    asio::error_code ec;
    asio::ip::make_address(entry, ec);
    if (!ec) FUZZ_CHECK(list.contains(entry));
  } catch (const std::invalid_argument&) {
    // refused with a message: fine
  }
}

bool canonical_address(const std::string& text) {
  asio::error_code ec;
  const auto address = asio::ip::make_address(text, ec);
  return !ec && address.to_string() == text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  static const char* const peers[] = {"127.0.0.1", "10.1.2.3",  "::1",
                                      "fd00::5",   "192.0.2.1", "::ffff:10.0.0.9"};
  const std::string peer = input.PickValueInArray(peers);
  const unsigned kinds = input.ConsumeIntegralInRange<unsigned>(1, 3);
  check_entry(input.ConsumeRandomLengthString(64));
  const std::string value = input.ConsumeRemainingBytesAsString();

  std::vector<std::pair<std::string, std::string>> headers;
  if (kinds & 1U) headers.emplace_back("x-forwarded-for", value);
  if (kinds & 2U) headers.emplace_back("forwarded", value);

  const trusted_proxy_list proxies({"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"});
  const std::string client = proxies.client_address(peer, headers);
  if (!proxies.contains(peer)) {
    FUZZ_CHECK(client == peer);
  } else {
    FUZZ_CHECK(client == peer || canonical_address(client));
    FUZZ_CHECK(proxies.client_address(peer, headers) == client);
  }
  FUZZ_CHECK(trusted_proxy_list().client_address(peer, headers) == peer);
  return 0;
}
