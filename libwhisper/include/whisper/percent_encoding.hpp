// Decoding %XX-escaped text: the one decoder of the core, for embedders that read forms
// and query strings themselves (the server's login and signup pages do).
#pragma once

#include <string>
#include <string_view>

namespace whisper {

/// Decodes one application/x-www-form-urlencoded name or value (a form field or a query
/// parameter): "%41" is 'A' and '+' is a space. A '%' not followed by two hex digits is
/// kept as it is rather than refusing the whole field, as browsers do.
///
/// Thread safety: a pure function, safe from any thread.
std::string form_decode(std::string_view text);

}  // namespace whisper
