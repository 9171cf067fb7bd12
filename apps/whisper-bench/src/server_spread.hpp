// Which server a connection talks to when the bench is given several (servers that
// share rooms through a Redis channel layer). The point of a cross-process run is that
// deliveries cross Redis, so every room must have members on every server, and the
// senders must be spread too, or one process would do all the publishing.
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>

namespace whisper_bench {

// Connection i joins room i % rooms and is that room's (i / rooms)-th member. Members of
// a room take the servers in turn, starting at a server that depends on the room:
// every room with at least `servers` members spans all of them, and the first `rooms`
// connections (the senders, one per room when senders == rooms) land on different
// servers. With one room this is i % servers; with one server, always 0.
std::size_t server_for_connection(std::uint32_t connection, std::size_t rooms, std::size_t servers);

}  // namespace whisper_bench
