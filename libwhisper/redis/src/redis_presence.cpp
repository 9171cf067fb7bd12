// Redis-backed presence: this process keeps its own connection counts and writes them,
// as absolute values, to the room's hash; list() reads the whole hash. See the header.
#include "whisper/redis_presence.hpp"

#include <hiredis/hiredis.h>

#include <asio/bind_executor.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

#include "presence_hash.hpp"
#include "redis_link.hpp"
#include "redis_probe.hpp"
#include "wire_envelope.hpp"

namespace whisper {

using namespace redis_detail;

namespace {

double epoch_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

hash_fields read_fields(const redisReply* r) {
  hash_fields fields;
  for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
    const auto* f = r->element[i];
    const auto* v = r->element[i + 1];
    if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) continue;
    fields.emplace_back(std::string(f->str, f->len), std::string(v->str, v->len));
  }
  return fields;
}

// This process's share of one user's presence in one room.
struct local_entry {
  user who;
  int connections = 0;
  double last_update = 0;
};

}  // namespace

struct redis_presence::state : std::enable_shared_from_this<state> {
  state(asio::io_context& context, redis_options opts, std::chrono::seconds ttl)
      : io(context),
        strand(asio::make_strand(context)),
        options(std::move(opts)),
        timeout(std::max<std::chrono::seconds>(ttl, std::chrono::seconds(1))),
        process_id(make_process_id()) {}

  asio::io_context& io;
  strand_type strand;
  redis_options options;
  std::chrono::seconds timeout;
  const std::string process_id;
  redis_url url;

  std::mutex mutex;  // guards rooms
  std::map<room_id, std::map<user_id, local_entry>> rooms;

  std::shared_ptr<redis_link> link;            // strand only
  asio::steady_timer heartbeat_timer{strand};  // strand only
  // A live process refreshes its alive key every heartbeat_every; a dead one's counts
  // stop counting once the key expires (alive_for).
  static constexpr std::chrono::seconds heartbeat_every{5};
  static constexpr std::chrono::seconds alive_for{15};
  // Rooms cleared while Redis was unreachable (strand only; bounded, the hashes expire
  // on their own anyway).
  std::vector<room_id> pending_clears;
  static constexpr std::size_t max_pending_clears = 1024;

  std::string key(room_id room) const {
    return options.prefix + ":presence:" + std::to_string(room);
  }
  void update(room_id room, const user& u, int delta);
  void refresh(room_id room, user_id id);
  void write(room_id room, user_id id);
  void rewrite_all();
  void forget(room_id room);
  void on_up();
  void heartbeat();
  void answer_list(const hash_fields& fields,
                   const std::function<void(std::vector<presence_entry>)>& done);
  std::vector<presence_entry> local_list(room_id room);
};

void redis_presence::state::update(room_id room, const user& u, int delta) {
  {
    std::lock_guard lock(mutex);
    auto& e = rooms[room][u.id];
    e.who = u;
    e.connections = std::max(0, e.connections + delta);
    e.last_update = epoch_seconds();
  }
  asio::post(strand, [s = shared_from_this(), room, id = u.id] { s->write(room, id); });
}

// A member sent a message: moves last_update when it is a refresh interval old, and only
// then posts the write (fire and forget), so a busy sender costs a lookup per message
// and one write per second.
void redis_presence::state::refresh(room_id room, user_id id) {
  const double now = epoch_seconds();
  constexpr double interval = std::chrono::duration<double>(presence_refresh_interval).count();
  {
    std::lock_guard lock(mutex);
    auto r = rooms.find(room);
    if (r == rooms.end()) return;
    auto e = r->second.find(id);
    if (e == r->second.end() || e->second.connections == 0) return;
    if (now - e->second.last_update < interval) return;
    e->second.last_update = now;
  }
  asio::post(strand, [s = shared_from_this(), room, id] { s->write(room, id); });
}

// Writes this process's current view of one user (not the change that caused it), so a
// write that is lost or repeated cannot skew the count.
void redis_presence::state::write(room_id room, user_id id) {
  redis_client* client = link ? link->client() : nullptr;
  if (client == nullptr) return;  // rewrite_all() catches up on reconnect
  local_entry e;
  {
    std::lock_guard lock(mutex);
    auto r = rooms.find(room);
    if (r == rooms.end() || r->second.count(id) == 0) return;
    e = r->second[id];
  }
  const auto k = key(room);
  client->command({"HSET", k, user_field(id), user_value(e.who, e.last_update)}, nullptr);
  if (e.connections > 0) {
    client->command({"HSET", k, count_field(id, process_id), std::to_string(e.connections)},
                    nullptr);
  } else {
    client->command({"HDEL", k, count_field(id, process_id)}, nullptr);
  }
  client->command({"EXPIRE", k, std::to_string(timeout.count())}, nullptr);
}

void redis_presence::state::rewrite_all() {
  std::vector<std::pair<room_id, user_id>> all;
  {
    std::lock_guard lock(mutex);
    for (const auto& [room, users] : rooms) {
      for (const auto& [id, e] : users) all.emplace_back(room, id);
    }
  }
  for (const auto& [room, id] : all) write(room, id);
}

void redis_presence::state::forget(room_id room) {
  if (auto* client = link ? link->client() : nullptr) {
    client->command({"DEL", key(room)}, nullptr);
  } else if (pending_clears.size() < max_pending_clears) {
    pending_clears.push_back(room);
  }
}

// (Re)connected: apply the clears that waited, then rewrite this process's whole share
// (a restarted Redis, or one that missed updates, is caught up).
void redis_presence::state::on_up() {
  heartbeat();
  auto clears = std::move(pending_clears);
  pending_clears.clear();
  for (room_id room : clears) forget(room);
  rewrite_all();
}

// Marks this process alive now and again every heartbeat_every, until stop().
void redis_presence::state::heartbeat() {
  if (!link) return;
  if (auto* client = link->client()) {
    client->command({"SET", alive_key(options.prefix, process_id), "1", "PX",
                     std::to_string(std::chrono::milliseconds(alive_for).count())},
                    nullptr);
  }
  heartbeat_timer.expires_after(heartbeat_every);
  heartbeat_timer.async_wait(
      asio::bind_executor(strand, [weak = weak_from_this()](asio::error_code ec) {
        auto self = weak.lock();
        if (!ec && self) self->heartbeat();
      }));
}

// Only connections counted by processes that are still alive count: asks Redis which
// of the processes named in the hash are, then answers.
void redis_presence::state::answer_list(
    const hash_fields& fields, const std::function<void(std::vector<presence_entry>)>& done) {
  const auto timeout_s = static_cast<double>(timeout.count());
  auto processes = counting_processes(fields);
  redis_client* client = link ? link->client() : nullptr;
  if (processes.empty() || client == nullptr) {
    return done(read_presence_hash(fields, epoch_seconds(), timeout_s, {}));
  }
  std::vector<std::string> mget{"MGET"};
  for (const auto& p : processes) mget.push_back(alive_key(options.prefix, p));
  // `fields` is copied, not moved: the fallback below still reads it when the command
  // cannot be sent (moving it made room_users answer an empty list then).
  auto on_reply = [fields, processes, done, timeout_s](const redisReply* r) {
    std::set<std::string> live;
    for (std::size_t i = 0;
         r != nullptr && r->type == REDIS_REPLY_ARRAY && i < r->elements && i < processes.size();
         ++i) {
      if (r->element[i]->type == REDIS_REPLY_STRING) live.insert(processes[i]);
    }
    // No answer (Redis just went away): trust the counts rather than call everyone gone.
    if (r == nullptr) live.insert(processes.begin(), processes.end());
    done(read_presence_hash(fields, epoch_seconds(), timeout_s, live));
  };
  if (!client->command(mget, on_reply)) {
    std::set<std::string> all(processes.begin(), processes.end());
    done(read_presence_hash(fields, epoch_seconds(), timeout_s, all));
  }
}

std::vector<presence_entry> redis_presence::state::local_list(room_id room) {
  std::vector<presence_entry> out;
  const double now = epoch_seconds();
  std::lock_guard lock(mutex);
  auto r = rooms.find(room);
  if (r == rooms.end()) return out;
  for (const auto& [id, e] : r->second) {
    if (e.last_update + static_cast<double>(timeout.count()) < now) continue;
    out.push_back({id, e.who.username, e.who.name, e.connections == 0, e.last_update});
  }
  return out;
}

redis_presence::redis_presence(asio::io_context& io, redis_options options,
                               std::chrono::seconds timeout)
    : state_(std::make_shared<state>(io, std::move(options), timeout)) {}

redis_presence::~redis_presence() {
  stop();
}

void redis_presence::start() {
  state_->url = parse_redis_url(state_->options.url);
  if (!state_->options.retry_on_start) {
    const auto why = probe_redis(state_->url, state_->options.connect_timeout);
    if (!why.empty()) throw std::runtime_error(unreachable_message(state_->url, why));
  }
  asio::post(state_->strand, [s = state_] {
    if (s->link) return;
    auto weak = std::weak_ptr<state>(s);
    s->link = std::make_shared<redis_link>(s->strand, s->url, s->options, "presence",
                                           redis_link::handlers{[weak](redis_client&) {
                                                                  if (auto p = weak.lock()) {
                                                                    p->on_up();
                                                                  }
                                                                },
                                                                nullptr, nullptr});
    s->link->start();
  });
}

void redis_presence::stop() {
  run_on_strand(
      state_->io, state_->strand,
      [s = state_] {
        s->heartbeat_timer.cancel();
        if (s->link) s->link->stop();
        s->link.reset();
      },
      state_->options.connect_timeout + std::chrono::seconds(1));
}

void redis_presence::entered(room_id room, const user& u) {
  state_->update(room, u, +1);
}

void redis_presence::left(room_id room, const user& u) {
  state_->update(room, u, -1);
}

void redis_presence::sent_message(room_id room, user_id id) {
  state_->refresh(room, id);
}

void redis_presence::clear(room_id room) {
  {
    std::lock_guard lock(state_->mutex);
    state_->rooms.erase(room);
  }
  asio::post(state_->strand, [s = state_, room] { s->forget(room); });
}

void redis_presence::list(room_id room, std::function<void(std::vector<presence_entry>)> done) {
  asio::post(state_->strand, [s = state_, room, done = std::move(done)]() mutable {
    redis_client* client = s->link ? s->link->client() : nullptr;
    auto answer = [s, room, done](const redisReply* r) {
      if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return done(s->local_list(room));
      s->answer_list(read_fields(r), done);
    };
    // Redis unreachable: this process's own view is better than nothing.
    if (client == nullptr || !client->command({"HGETALL", s->key(room)}, answer)) {
      done(s->local_list(room));
    }
  });
}

}  // namespace whisper
