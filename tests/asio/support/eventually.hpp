// Waits (bounded) until a condition on the server holds: the server updates its counters
// on its own threads, a moment after the client saw the effect.
#pragma once

#include <chrono>
#include <thread>

namespace whisper_test {

template <typename Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace whisper_test
