#include "server_spread.hpp"

namespace whisper_bench {

std::size_t server_for_connection(std::uint32_t connection, std::size_t rooms,
                                  std::size_t servers) {
  if (servers <= 1 || rooms == 0) return 0;
  const std::size_t room = connection % rooms;
  const std::size_t member = connection / rooms;
  return (room + member) % servers;
}

}  // namespace whisper_bench
