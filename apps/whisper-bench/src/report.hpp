// The bench's output: human-readable lines as it goes, and as the LAST line one JSON
// object with every figure, for scripts/bench.sh to collect.
//
// Thread safety: json_object: distinct objects safe, shared unsafe. The print
// functions write whole lines with one call and may be used from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "histogram.hpp"

namespace whisper_bench {

class json_object {
 public:
  json_object& add(std::string_view key, double value);
  json_object& add(std::string_view key, std::uint64_t value);
  json_object& add(std::string_view key, std::int64_t value);
  json_object& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
  json_object& add(std::string_view key, std::string_view value);
  json_object& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  json_object& add(std::string_view key, bool value);
  json_object& add_object(std::string_view key, const json_object& value);
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(std::string_view name);
  std::string body_;
};

std::string json_escape(std::string_view text);

// Latency figures in microseconds: count, mean, p50, p90, p99, p99.9, max.
json_object latency_json(const histogram& histogram);
std::string latency_line(const histogram& histogram);

void print_line(const std::string& line);
// Prints the JSON object as the last line and, if `path` is not empty, writes it there.
void print_result(const json_object& result, const std::string& path);

}  // namespace whisper_bench
