// The in-process channel layer: the copy-on-write group registry (detail/local_groups)
// and nothing else, since every receiver lives in this process.
#include "whisper/in_process_channel_layer.hpp"

#include <atomic>
#include <string_view>

#include "detail/local_groups.hpp"

namespace whisper {

namespace {

// Channel n is named "local!<n>".
constexpr std::string_view channel_prefix = "local!";

}  // namespace

struct in_process_channel_layer::state {
  std::atomic<std::uint64_t> next_id{1};
  detail::local_groups local;
};

in_process_channel_layer::in_process_channel_layer() : state_(std::make_unique<state>()) {}
in_process_channel_layer::~in_process_channel_layer() = default;

std::string in_process_channel_layer::add_channel(std::shared_ptr<channel> receiver) {
  const std::uint64_t id = state_->next_id.fetch_add(1);
  state_->local.add_channel(id, std::move(receiver));
  return std::string(channel_prefix) + std::to_string(id);
}

void in_process_channel_layer::remove_channel(const std::string& channel_name) {
  if (const auto id = detail::local_groups::channel_number(channel_name, channel_prefix)) {
    state_->local.remove_channel(*id);
  }
}

void in_process_channel_layer::group_add(const std::string& group,
                                         const std::string& channel_name) {
  if (const auto id = detail::local_groups::channel_number(channel_name, channel_prefix)) {
    state_->local.add(group, *id);
  }
}

void in_process_channel_layer::group_discard(const std::string& group,
                                             const std::string& channel_name) {
  if (const auto id = detail::local_groups::channel_number(channel_name, channel_prefix)) {
    state_->local.discard(group, *id);
  }
}

void in_process_channel_layer::group_send(const std::string& group, event_ptr e) {
  // The snapshot keeps the receivers alive while they run, with no lock held.
  const detail::local_groups::member_snapshot snapshot = state_->local.members(group);
  if (!snapshot) return;
  for (const auto& receiver : *snapshot) receiver->deliver(e);
}

void in_process_channel_layer::send(const std::string& channel_name, event_ptr e) {
  const auto id = detail::local_groups::channel_number(channel_name, channel_prefix);
  if (!id) return;
  if (const std::shared_ptr<channel> receiver = state_->local.find(*id)) receiver->deliver(e);
}

std::size_t in_process_channel_layer::group_size(const std::string& group) const {
  return state_->local.size(group);
}

}  // namespace whisper
