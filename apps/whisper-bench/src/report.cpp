#include "report.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace whisper_bench {

std::string json_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char code[8];
      std::snprintf(code, sizeof code, "\\u%04x", c);
      out += code;
    } else {
      out += c;
    }
  }
  return out;
}

void json_object::key(std::string_view name) {
  if (!body_.empty()) body_ += ',';
  body_ += '"';
  body_ += json_escape(name);
  body_ += "\":";
}

json_object& json_object::add(std::string_view name, double value) {
  key(name);
  if (!std::isfinite(value)) {
    body_ += "null";
    return *this;
  }
  // Fixed notation with three decimals, trailing zeros trimmed: exact enough for
  // every figure the bench reports and easy on the eye.
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", value);
  std::string number(text);
  number.erase(number.find_last_not_of('0') + 1);
  if (number.back() == '.') number.pop_back();
  body_ += number;
  return *this;
}

json_object& json_object::add(std::string_view name, std::uint64_t value) {
  key(name);
  body_ += std::to_string(value);
  return *this;
}

json_object& json_object::add(std::string_view name, std::int64_t value) {
  key(name);
  body_ += std::to_string(value);
  return *this;
}

json_object& json_object::add(std::string_view name, std::string_view value) {
  key(name);
  body_ += '"';
  body_ += json_escape(value);
  body_ += '"';
  return *this;
}

json_object& json_object::add(std::string_view name, bool value) {
  key(name);
  body_ += value ? "true" : "false";
  return *this;
}

json_object& json_object::add_object(std::string_view name, const json_object& value) {
  key(name);
  body_ += value.str();
  return *this;
}

namespace {
double to_us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}
}  // namespace

json_object latency_json(const histogram& h) {
  json_object out;
  out.add("count", h.count())
      .add("mean_us", h.mean() / 1000.0)
      .add("p50_us", to_us(h.percentile(50)))
      .add("p90_us", to_us(h.percentile(90)))
      .add("p99_us", to_us(h.percentile(99)))
      .add("p999_us", to_us(h.percentile(99.9)))
      .add("max_us", to_us(h.max()));
  return out;
}

std::string latency_line(const histogram& h) {
  char text[256];
  std::snprintf(text, sizeof text,
                "latency (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (n=%llu)",
                to_us(h.percentile(50)), to_us(h.percentile(90)), to_us(h.percentile(99)),
                to_us(h.percentile(99.9)), to_us(h.max()),
                static_cast<unsigned long long>(h.count()));
  return text;
}

void print_line(const std::string& line) {
  std::string whole = line + "\n";
  std::fwrite(whole.data(), 1, whole.size(), stdout);
  std::fflush(stdout);
}

void print_result(const json_object& result, const std::string& path) {
  print_line(result.str());
  if (!path.empty()) std::ofstream(path) << result.str() << "\n";
}

}  // namespace whisper_bench
