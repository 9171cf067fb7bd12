// The default channel layer: groups live in this process's memory.
#pragma once

#include <memory>

#include "whisper/channel_layer.hpp"

namespace whisper {

/// Channel layer for one process. group_send delivers synchronously, on the calling
/// thread, to a snapshot of the group's members taken without holding any lock across
/// the deliveries; membership changes copy-on-write so broadcasts never wait on joins.
///
/// Thread safety: every member may be called concurrently.
class in_process_channel_layer final : public channel_layer {
 public:
  in_process_channel_layer();
  ~in_process_channel_layer() override;
  in_process_channel_layer(const in_process_channel_layer&) = delete;
  in_process_channel_layer& operator=(const in_process_channel_layer&) = delete;

  std::string add_channel(std::shared_ptr<channel> receiver) override;
  void remove_channel(const std::string& channel_name) override;
  void group_add(const std::string& group, const std::string& channel_name) override;
  void group_discard(const std::string& group, const std::string& channel_name) override;
  void group_send(const std::string& group, event_ptr e) override;
  void send(const std::string& channel_name, event_ptr e) override;

  /// Number of local members of a group (for tests and metrics).
  std::size_t group_size(const std::string& group) const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace whisper
