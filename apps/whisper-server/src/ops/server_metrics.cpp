// Prometheus text format: every family has HELP and TYPE lines, counters end in
// _total, the histogram has cumulative buckets, _sum (seconds) and _count.
#include "ops/server_metrics.hpp"

#include <fmt/format.h>

#include <iterator>

#include "net_namespace.hpp"
#include "ops/process_stats.hpp"
#include "whisper/account_stores.hpp"
#include "whisper/asio/server.hpp"
#include "whisper/chat_hub.hpp"
#include "whisper/redis_channel_layer.hpp"
#include "whisper/version.hpp"

namespace whisper_server {
namespace {

std::uint64_t get(const std::atomic<std::uint64_t>& value) {
  return value.load(std::memory_order_relaxed);
}

class exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                   type);
  }
  void sample(const char* name, std::uint64_t value, const char* labels = "") {
    fmt::format_to(std::back_inserter(out_), "{}{} {}\n", name, labels, value);
  }
  void sample_real(const char* name, double value) {
    fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
  }
  void sample_labels(const char* name, const std::string& labels, std::uint64_t value) {
    fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, value);
  }
  void single(const char* name, const char* type, const char* help, std::uint64_t value) {
    family(name, type, help);
    sample(name, value);
  }
  void histogram(const char* name, const char* help, const net::latency_histogram& h) {
    family(name, "histogram", help);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < net::latency_histogram::bounds_us.size(); ++i) {
      cumulative += h.bucket(i);
      fmt::format_to(std::back_inserter(out_), "{}_bucket{{le=\"{}\"}} {}\n", name,
                     static_cast<double>(net::latency_histogram::bounds_us[i]) / 1e6, cumulative);
    }
    cumulative += h.bucket(net::latency_histogram::bounds_us.size());
    fmt::format_to(std::back_inserter(out_), "{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
    fmt::format_to(std::back_inserter(out_), "{}_sum {}\n", name,
                   static_cast<double>(h.sum_ns()) / 1e9);
    fmt::format_to(std::back_inserter(out_), "{}_count {}\n", name, cumulative);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void render_chat(exposition& out, whisper::chat_hub& hub, whisper::room_directory& rooms) {
  const auto& s = hub.stats();
  out.single("whisper_connections_open", "gauge", "WebSocket chat connections open now.",
             hub.open_connections());
  out.single("whisper_connections_opened_total", "counter", "Chat connections opened.",
             get(s.connections_opened));
  out.single("whisper_connections_closed_total", "counter", "Chat connections closed.",
             get(s.connections_closed));
  out.single("whisper_rooms", "gauge", "Rooms in the room directory.", rooms.list().size());
  out.single("whisper_joins_total", "counter", "Successful room joins.", get(s.joins));
  out.single("whisper_leaves_total", "counter", "Room leaves.", get(s.leaves));
  out.single("whisper_messages_in_total", "counter", "Accepted send commands.", get(s.messages_in));
  out.single("whisper_deliveries_total", "counter", "Frames queued to clients.", get(s.deliveries));
  out.single("whisper_errors_sent_total", "counter", "Error frames sent to clients.",
             get(s.errors_sent));
  out.single("whisper_rate_limited_total", "counter", "Commands refused with RATE_LIMITED.",
             get(s.rate_limited));
  out.single("whisper_slow_clients_dropped_total", "counter",
             "Clients disconnected because their outbound queue overflowed.",
             get(s.slow_disconnects));
}

void render_transport(exposition& out, const net::server_stats& t) {
  out.single("whisper_http_requests_total", "counter", "HTTP requests answered.",
             get(t.http_requests));
  out.single("whisper_upgrades_accepted_total", "counter", "WebSocket upgrades accepted.",
             get(t.upgrades));
  out.family("whisper_upgrades_refused_total", "counter",
             "Connections or WebSocket upgrades refused, by reason.");
  out.sample("whisper_upgrades_refused_total", get(t.refused_auth), "{reason=\"auth\"}");
  out.sample("whisper_upgrades_refused_total", get(t.refused_origin), "{reason=\"origin\"}");
  out.sample("whisper_upgrades_refused_total", get(t.refused_ip_limit), "{reason=\"ip_limit\"}");
  out.sample("whisper_upgrades_refused_total", get(t.refused_user_limit),
             "{reason=\"user_limit\"}");
  out.sample("whisper_upgrades_refused_total", get(t.refused_server_full),
             "{reason=\"server_full\"}");
  out.sample("whisper_upgrades_refused_total", get(t.refused_other), "{reason=\"other\"}");
  // The transport's own view of the WebSockets: it counts a socket from the 101 to its
  // close (also before and after the hub knows it), and the closes it decides itself.
  out.single("whisper_transport_websockets_open", "gauge",
             "WebSocket sockets open now, as the transport counts them.", get(t.open_websockets));
  out.family("whisper_transport_closes_total", "counter",
             "WebSockets the transport closed itself, by reason.");
  out.sample("whisper_transport_closes_total", get(t.closed_too_big), "{reason=\"too_big\"}");
  out.sample("whisper_transport_closes_total", get(t.closed_protocol), "{reason=\"protocol\"}");
  out.sample("whisper_transport_closes_total", get(t.closed_slow), "{reason=\"slow\"}");
  out.single("whisper_tls_handshakes_failed_total", "counter", "TLS handshakes that failed.",
             get(t.tls_handshake_failed));
  // io_backend io_uring: sends per submission is how much one kernel entry carried.
  out.single("whisper_transport_batched_sends_total", "counter",
             "WebSocket writes handed to the kernel through io_uring.", get(t.batched_sends));
  out.single("whisper_transport_batch_submissions_total", "counter",
             "io_uring submissions that carried them.", get(t.batch_submissions));
  out.histogram("whisper_transport_write_turn_seconds",
                "Per io-thread loop turn that wrote: from the first frame queued to the last "
                "write handed to the kernel (a broadcast's fan-out).",
                t.write_turns);
}

void render_http_responses(exposition& out, const http_response_counter& responses) {
  out.family("whisper_http_responses_total", "counter",
             "HTTP responses of the site by route class and status code.");
  for (std::size_t r = 0; r < http_route_count; ++r) {
    const auto route = static_cast<http_route>(r);
    for (int status = 100; status < 600; ++status) {
      if (const std::uint64_t n = responses.get(route, status)) {
        out.sample_labels("whisper_http_responses_total",
                          fmt::format("route=\"{}\",status=\"{}\"", route_name(route), status), n);
      }
    }
  }
}

// Prometheus' standard process metrics, and the build as a constant 1 with labels.
void render_process(exposition& out, const server_metrics& metrics) {
  const process_stats p = read_process_stats();
  out.single("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
             p.resident_memory_bytes);
  out.single("process_open_fds", "gauge", "Number of open file descriptors.", p.open_fds);
  out.single("process_max_fds", "gauge", "Maximum number of open file descriptors.", p.max_fds);
  out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time in seconds.");
  out.sample_real("process_cpu_seconds_total", p.cpu_seconds);
  out.family("process_start_time_seconds", "gauge",
             "Start time of the process since the Unix epoch in seconds.");
  out.sample_real("process_start_time_seconds",
                  std::chrono::duration<double>(metrics.started.time_since_epoch()).count());
  out.family("whisper_build_info", "gauge", "The running build: version and optional features.");
  const char* tls = net::tls_supported() ? "yes" : "no";
#ifdef WHISPER_HAVE_REDIS_LAYER
  constexpr const char* redis_layer = "yes";
#else
  constexpr const char* redis_layer = "no";
#endif
  out.sample_labels("whisper_build_info",
                    fmt::format("version=\"{}\",tls=\"{}\",redis_layer=\"{}\"", whisper::version,
                                tls, redis_layer),
                    1);
}

void render_redis(exposition& out, const whisper::redis_layer_stats& r) {
  out.single("whisper_redis_connected", "gauge",
             "1 while both Redis connections (publish, subscribe) are up.",
             r.connected.load(std::memory_order_relaxed) ? 1 : 0);
  out.single("whisper_redis_reconnects_total", "counter", "Redis reconnections.",
             get(r.reconnects));
  out.single("whisper_redis_health_check_failures_total", "counter",
             "Redis connections closed because Redis stopped answering.",
             get(r.health_check_failures));
  out.single("whisper_redis_publish_failures_total", "counter",
             "Events not published because Redis was down.", get(r.publish_failures));
  out.single("whisper_redis_published_total", "counter", "Events published to Redis.",
             get(r.messages_published));
  out.single("whisper_redis_received_total", "counter", "Events received from other processes.",
             get(r.messages_received));
}

}  // namespace

std::string render_metrics(const server_metrics& metrics, whisper::chat_hub& hub,
                           whisper::room_directory& rooms) {
  exposition out;
  render_process(out, metrics);
  render_chat(out, hub, rooms);
  if (const auto* transport = metrics.transport.load(std::memory_order_acquire)) {
    render_transport(out, *transport);
  }
  render_http_responses(out, metrics.http_responses);
  if (metrics.redis != nullptr) render_redis(out, *metrics.redis);
  out.family("whisper_logins_total", "counter", "Login attempts by result.");
  out.sample("whisper_logins_total", get(metrics.logins_ok), "{result=\"ok\"}");
  out.sample("whisper_logins_total", get(metrics.logins_failed), "{result=\"failed\"}");
  out.sample("whisper_logins_total", get(metrics.logins_throttled), "{result=\"throttled\"}");
  out.histogram("whisper_fanout_latency_seconds",
                "Time from an accepted send to its frame queued to every local member.",
                metrics.fanout);
  return out.take();
}

}  // namespace whisper_server
