#include "presence_hash.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>

namespace whisper::redis_detail {
namespace {

bool parse_int(std::string_view text, long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string user_field(user_id id) {
  return "u:" + std::to_string(id);
}

std::string count_field(user_id id, const std::string& process_id) {
  return "c:" + std::to_string(id) + ":" + process_id;
}

std::string user_value(const user& u, double last_update) {
  boost::json::object o;
  o["username"] = u.username;
  o["name"] = u.name;
  o["last_update"] = last_update;
  return boost::json::serialize(o);
}

std::string alive_key(const std::string& prefix, std::string_view process_id) {
  return prefix + ":alive:" + std::string(process_id);
}

std::vector<std::string> counting_processes(const hash_fields& fields) {
  std::set<std::string> found;
  for (const auto& [field, value] : fields) {
    if (field.rfind("c:", 0) != 0) continue;
    const auto colon = field.find(':', 2);
    if (colon != std::string::npos && colon + 1 < field.size())
      found.insert(field.substr(colon + 1));
  }
  return {found.begin(), found.end()};
}

std::vector<presence_entry> read_presence_hash(const hash_fields& fields, double now,
                                               double timeout_seconds,
                                               const std::set<std::string>& live) {
  std::map<user_id, presence_entry> entries;
  std::map<user_id, long long> connections;
  for (const auto& [field, value] : fields) {
    std::string_view f = field;
    long long id = 0;
    if (f.substr(0, 2) == "c:") {
      const auto colon = f.find(':', 2);
      long long count = 0;
      if (colon != std::string_view::npos && parse_int(f.substr(2, colon - 2), id) &&
          parse_int(value, count) && live.count(std::string(f.substr(colon + 1))) != 0) {
        connections[id] += count;
      }
    } else if (f.substr(0, 2) == "u:" && parse_int(f.substr(2), id)) {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(value, ec);
      const auto* o = parsed.if_object();
      if (ec || o == nullptr) continue;
      presence_entry e;
      e.id = id;
      if (auto* v = o->if_contains("username"); v && v->is_string()) e.username = v->as_string();
      if (auto* v = o->if_contains("name"); v && v->is_string()) e.name = v->as_string();
      if (auto* v = o->if_contains("last_update"); v && v->is_number()) {
        e.last_update = v->to_number<double>();
      }
      entries[id] = std::move(e);
    }
  }
  std::vector<presence_entry> out;
  for (auto& [id, e] : entries) {
    if (e.last_update + timeout_seconds < now) continue;
    e.left = connections[id] <= 0;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace whisper::redis_detail
