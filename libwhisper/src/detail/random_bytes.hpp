// Private: bytes from the kernel's CSPRNG (getrandom), shared by tokens and salts.
#pragma once

#include <cstddef>

namespace whisper::detail {

/// Fills `out` with `n` random bytes. Throws std::runtime_error if the kernel refuses.
void fill_random(unsigned char* out, std::size_t n);

}  // namespace whisper::detail
