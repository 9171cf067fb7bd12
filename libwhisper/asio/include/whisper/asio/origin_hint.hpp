// What to tell a person whose page was refused the chat WebSocket for its Origin: the
// usual cause is opening the site by another name than the one in allowed_hosts
// (127.0.0.1 instead of localhost, the host's address). A browser cannot read why a
// WebSocket failed, so the page asks (GET /chat/origin/) and the operator's log says
// once per origin what to set. These functions build that answer; the transport uses
// them for its log line, an embedder's page for its reply.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace whisper::net {

// Thread safety: every function here is pure.

/// The host[:port] of an Origin ("http://127.0.0.1:8000" -> "127.0.0.1:8000"), or ""
/// when it is not scheme://authority made of host-name characters only (such a value is
/// then never repeated in a log line or a page).
std::string origin_authority(std::string_view origin);

/// The origin to open the site as instead: `origin`'s scheme and the first allowed_hosts
/// entry naming one host ("http://localhost:8000"); "" when there is none.
std::string suggested_origin(std::string_view origin,
                             const std::vector<std::string>& allowed_hosts);

/// The allowed_hosts line (TOML) that would also admit `origin`: the current entries
/// (the request's Host when none are configured) plus the origin's host[:port].
std::string allowed_hosts_with(std::string_view origin,
                               const std::vector<std::string>& allowed_hosts,
                               std::string_view request_host);

}  // namespace whisper::net
