// The public face of the core's %XX decoder (detail/ascii.hpp holds the one copy).
#include "whisper/percent_encoding.hpp"

#include "detail/ascii.hpp"

namespace whisper {

std::string form_decode(std::string_view text) {
  // The form rule never refuses: the optional always holds a value.
  return *detail::percent_decode(text, detail::percent_rule::form);
}

}  // namespace whisper
