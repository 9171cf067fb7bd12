// fuzz_frame_parser: the RFC 6455 frame parser (libwhisper/asio/src/frame_parser)
// fed as a socket would feed it: in random small reads, with a random size limit.
//
// Two modes, chosen by the first input byte:
//  - raw: the rest of the input is the byte stream. The events must not depend on how
//    the stream was split (parsed whole and parsed in pieces: same events), and every
//    event must respect the limits (text is valid UTF-8 and within the limit, control
//    payloads <= 125 bytes, failures carry a close code RFC 6455 allows).
//  - frames: the input describes well-formed client frames (fragmented texts, pings
//    between fragments, a final close), which this file encodes; the parser must give
//    back exactly the messages encoded, or 1009 / 1007 exactly where they are due.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser.hpp"
#include "fuzz_check.hpp"
#include "reference_utf8.hpp"

namespace {

using whisper::net::frame_event;
using whisper::net::frame_parser;
using event_kind = frame_event::type;

bool same(const frame_event& a, const frame_event& b) {
  return a.kind == b.kind && a.code == b.code && a.payload == b.payload;
}

// Invariants every event satisfies whatever the input.
void check_event(const frame_event& e, std::size_t limit) {
  switch (e.kind) {
    case event_kind::text:
      FUZZ_CHECK(e.payload.size() <= limit);
      FUZZ_CHECK(whisper_fuzz::reference_utf8(e.payload).valid());
      break;
    case event_kind::ping:
    case event_kind::pong:
      FUZZ_CHECK(e.payload.size() <= 125);
      break;
    case event_kind::close:
      FUZZ_CHECK(e.code == 1005 || (e.code >= 1000 && e.code <= 4999));
      FUZZ_CHECK(whisper_fuzz::reference_utf8(e.payload).valid());
      break;
    case event_kind::fail:
      FUZZ_CHECK(e.code == 1002 || e.code == 1003 || e.code == 1007 || e.code == 1009);
      break;
  }
}

// Parses `stream` delivered in pieces (sizes from `splits`; whole when it is empty). Each
// piece is copied into a buffer of exactly its size so a read past it is caught by ASan.
std::vector<frame_event> parse(std::string_view stream, std::size_t limit,
                               FuzzedDataProvider* splits) {
  frame_parser parser(limit);
  std::vector<frame_event> events;
  bool finished = false;  // a close or fail event was returned
  std::size_t at = 0;
  while (at < stream.size()) {
    std::size_t piece = stream.size() - at;
    if (splits && splits->remaining_bytes() > 0)
      piece = splits->ConsumeIntegralInRange<std::size_t>(0, 17);
    if (piece > stream.size() - at) piece = stream.size() - at;
    auto buffer = std::make_unique<char[]>(piece == 0 ? 1 : piece);
    std::copy_n(stream.data() + at, piece, buffer.get());
    at += piece;
    std::string_view input(buffer.get(), piece);
    // Each event consumes at least a header's bytes: more events than bytes is a loop.
    while (events.size() <= stream.size()) {
      const std::size_t before = input.size();
      std::optional<frame_event> e = parser.next(input);
      FUZZ_CHECK(input.size() <= before);
      if (!e) {
        // Contract: nullopt means the input is used up (or the parser has finished).
        FUZZ_CHECK(input.empty() || finished);
        break;
      }
      FUZZ_CHECK(!finished);  // nothing comes after a close or a fail
      check_event(*e, limit);
      finished = e->kind == event_kind::close || e->kind == event_kind::fail;
      events.push_back(std::move(*e));
    }
    if (finished) {
      // After a close or a fail the parser takes no more bytes.
      std::string_view rest = stream.substr(at);
      FUZZ_CHECK(!parser.next(rest) && rest.size() == stream.size() - at);
      break;
    }
  }
  return events;
}

void raw_mode(FuzzedDataProvider& provider, std::size_t limit) {
  const std::string split_seed =
      provider.ConsumeBytesAsString(provider.ConsumeIntegral<std::uint8_t>() % 48);
  const std::string stream = provider.ConsumeRemainingBytesAsString();
  const std::vector<frame_event> whole = parse(stream, limit, nullptr);
  FuzzedDataProvider splits(reinterpret_cast<const std::uint8_t*>(split_seed.data()),
                            split_seed.size());
  const std::vector<frame_event> pieces = parse(stream, limit, &splits);
  // The same bytes give the same events however the reads fall.
  FUZZ_CHECK(whole.size() == pieces.size());
  for (std::size_t i = 0; i < whole.size(); ++i) FUZZ_CHECK(same(whole[i], pieces[i]));
}

// One masked client frame with the minimal length encoding.
void encode_frame(std::string& out, bool fin, std::uint8_t op, std::string_view payload,
                  std::uint32_t mask) {
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | op));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
  }
  const std::uint8_t key[4] = {
      static_cast<std::uint8_t>(mask >> 24), static_cast<std::uint8_t>(mask >> 16),
      static_cast<std::uint8_t>(mask >> 8), static_cast<std::uint8_t>(mask)};
  for (std::uint8_t k : key) out.push_back(static_cast<char>(k));
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]));
}

// Records the failure the parser owes and tells the caller to stop encoding.
bool expect_failure(std::vector<frame_event>& expected, int code) {
  expected.push_back({event_kind::fail, {}, code});
  return false;
}

// Encodes one text message in fragments (with pings between them) and appends the
// events the parser owes for it. Returns false once the parser is due to fail.
bool encode_message(FuzzedDataProvider& p, std::size_t limit, std::string& stream,
                    std::vector<frame_event>& expected) {
  const std::string text = p.ConsumeRandomLengthString(600);
  const whisper_fuzz::utf8_verdict verdict = whisper_fuzz::reference_utf8(text);
  const std::size_t fragments = p.ConsumeIntegralInRange<std::size_t>(1, 4);
  std::size_t sent = 0;
  for (std::size_t f = 0; f < fragments; ++f) {
    const bool last = f + 1 == fragments;
    const std::size_t n =
        last ? text.size() - sent : p.ConsumeIntegralInRange<std::size_t>(0, text.size() - sent);
    encode_frame(stream, last, f == 0 ? 0x1 : 0x0, std::string_view(text).substr(sent, n),
                 p.ConsumeIntegral<std::uint32_t>());
    // The limit is checked from the header, before any of the payload.
    if (sent + n > limit) return expect_failure(expected, 1009);
    sent += n;
    if (verdict.error_at < sent) return expect_failure(expected, 1007);
    if (!last && p.ConsumeBool()) {
      const std::string ping = p.ConsumeRandomLengthString(125);
      encode_frame(stream, true, 0x9, ping, p.ConsumeIntegral<std::uint32_t>());
      expected.push_back({event_kind::ping, ping, 0});
    }
  }
  if (verdict.truncated) return expect_failure(expected, 1007);
  expected.push_back({event_kind::text, text, 0});
  return true;
}

void frames_mode(FuzzedDataProvider& p, std::size_t limit) {
  std::string stream;
  std::vector<frame_event> expected;
  const std::size_t messages = p.ConsumeIntegralInRange<std::size_t>(0, 6);
  bool alive = true;
  for (std::size_t m = 0; m < messages && alive; ++m)
    alive = encode_message(p, limit, stream, expected);
  if (alive) {
    encode_frame(stream, true, 0x8, std::string("\x03\xE8", 2) + "bye",
                 p.ConsumeIntegral<std::uint32_t>());
    expected.push_back({event_kind::close, "bye", 1000});
  }
  const std::vector<frame_event> got = parse(stream, limit, &p);
  FUZZ_CHECK(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    FUZZ_CHECK(got[i].kind == expected[i].kind && got[i].code == expected[i].code);
    // A failure's payload is a reason for the log; everything else must match exactly.
    if (got[i].kind != event_kind::fail) FUZZ_CHECK(got[i].payload == expected[i].payload);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const bool frames = provider.ConsumeBool();
  // Mostly small limits, so that 1009 is reached often; sometimes the default 64 KiB.
  const std::size_t limit = provider.ConsumeBool()
                                ? std::size_t{64} * 1024
                                : provider.ConsumeIntegralInRange<std::size_t>(0, 700);
  if (frames) {
    frames_mode(provider, limit);
  } else {
    raw_mode(provider, limit);
  }
  return 0;
}
