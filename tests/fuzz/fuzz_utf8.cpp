// fuzz_utf8: the server's incremental UTF-8 validator (libwhisper/asio/src/utf8)
// against the reference checker, for whole strings and for the same bytes fed in
// random pieces (a code point split across frames or reads must not change the answer).
//
// Input layout (FuzzedDataProvider): split seed from the end, the text from the front.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "reference_utf8.hpp"
#include "utf8.hpp"

namespace {

using whisper::net::utf8_validator;
using whisper::net::valid_utf8;

// Feeds `text` in pieces whose sizes come from `sizes`; checks that feed() turns false
// exactly at the piece holding the first impossible byte, and stays false afterwards.
void check_pieces(std::string_view text, FuzzedDataProvider& sizes,
                  const whisper_fuzz::utf8_verdict& expected) {
  utf8_validator validator;
  std::size_t fed = 0;
  bool failed = false;
  while (fed < text.size()) {
    const std::size_t piece =
        sizes.remaining_bytes() > 0 ? sizes.ConsumeIntegralInRange<std::size_t>(0, 9) : 7;
    const std::string_view part = text.substr(fed, piece);
    fed += part.size();
    const bool ok = validator.feed(part);
    const bool error_seen = expected.error_at < fed;
    FUZZ_CHECK(ok == !error_seen);
    if (failed) FUZZ_CHECK(!ok);  // once failed, always failed
    failed = !ok;
  }
  FUZZ_CHECK(validator.complete() == expected.valid());
  // reset() makes it as new: an empty stream is complete.
  validator.reset();
  FUZZ_CHECK(validator.complete());
  FUZZ_CHECK(validator.feed("a") && validator.complete());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const std::uint32_t seed_bytes = provider.ConsumeIntegral<std::uint8_t>();
  const std::string split_seed = provider.ConsumeBytesAsString(seed_bytes % 32);
  const std::string text = provider.ConsumeRemainingBytesAsString();

  const whisper_fuzz::utf8_verdict expected = whisper_fuzz::reference_utf8(text);
  FUZZ_CHECK(valid_utf8(text) == expected.valid());

  FuzzedDataProvider sizes(reinterpret_cast<const std::uint8_t*>(split_seed.data()),
                           split_seed.size());
  check_pieces(text, sizes, expected);
  return 0;
}
