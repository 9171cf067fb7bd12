#include "batch_receiver.hpp"

namespace whisper_bench {

batch_receiver::batch_receiver(std::size_t area_bytes, std::size_t min_slice, unsigned ring_entries)
    : area_(area_bytes),
      min_slice_(min_slice > 0 ? min_slice : 1),
      ring_entries_(ring_entries > 0 ? ring_entries : 1),
      ring_(static_cast<unsigned>(ring_entries_)) {}

}  // namespace whisper_bench
