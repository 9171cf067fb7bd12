// A server histogram read from its Prometheus /metrics page at the start and the end of
// the measured window: whisper-server's whisper_transport_write_turn_seconds (its fan-out
// time, from the first frame queued in a loop turn to the last write of that turn handed
// to the kernel), so a report can put the server's own p99 beside the end-to-end one. A
// server without the histogram (another implementation) yields nothing.
//
// Thread safety: plain functions and values; scrape() blocks (the main thread only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace whisper_bench {

/// Cumulative counts per upper bound (seconds), ascending, +Inf last (as exposed).
struct histogram_counts {
  std::vector<double> upper_bounds;
  std::vector<std::uint64_t> cumulative;
};

/// The buckets of histogram `name` in a /metrics page, or nullopt when absent.
std::optional<histogram_counts> parse_histogram(std::string_view page, std::string_view name);

/// The smallest upper bound under which `quantile` of the observations between `before`
/// and `after` fell (seconds; +Inf as infinity), or nullopt when nothing was observed or
/// the buckets differ.
std::optional<double> quantile_bound(const histogram_counts& before, const histogram_counts& after,
                                     double quantile);

/// GET http://host:port/metrics, the histogram `name` in it; nullopt on any failure
/// (the page is refused, the server has no such histogram, 2 s without an answer).
std::optional<histogram_counts> scrape(const std::string& host, int port, std::string_view name);

}  // namespace whisper_bench
