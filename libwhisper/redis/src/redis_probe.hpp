// Start-up helpers shared by the Redis layer and presence: a one-time blocking check
// that Redis answers (so a misconfigured server stops with one clear sentence), and a
// bounded "run this on the strand and wait" for stop().
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "asio_hiredis_adapter.hpp"
#include "whisper/redis_url.hpp"

namespace whisper::redis_detail {

/// Connects, authenticates, selects the database and PINGs, blocking for at most about
/// `timeout` per step. Returns "" on success, otherwise why not (never the password).
std::string probe_redis(const redis_url& url, std::chrono::milliseconds timeout);

/// The sentence start() throws: "cannot reach Redis at <url>: <why> — start redis-server
/// or set redis_url".
std::string unreachable_message(const redis_url& url, const std::string& why);

/// Runs `fn` on the strand: inline if this thread is already on it or nobody runs the
/// io_context, otherwise posted and waited for (at most `limit`). Returns false if it
/// timed out (then `fn` still runs later, if the io_context runs again).
bool run_on_strand(asio::io_context& io, strand_type strand, std::function<void()> fn,
                   std::chrono::milliseconds limit);

}  // namespace whisper::redis_detail
