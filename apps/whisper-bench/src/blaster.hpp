// The self-test's stand-in server: accepts WebSocket upgrades on a loopback port,
// answers the join, then writes pre-framed chat messages to every connection as fast
// as the kernel takes them. It does the least work a server could, so what the bench
// receives per second against it is the bench's own ceiling.
//
// Thread safety: start() and stop() from one thread (the main thread); the blasting
// runs on the blaster's own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace whisper_bench {

class uring_batch;

class blaster {
 public:
  blaster() = default;
  ~blaster() { stop(); }
  blaster(const blaster&) = delete;
  blaster& operator=(const blaster&) = delete;

  // Listens on 127.0.0.1 (ephemeral port); the thread serves `connections` clients.
  // `cpu` >= 0 pins the thread there. Returns false if the listener failed.
  // `frames_per_write` 0 writes 64 KiB batches; 1 makes every frame its own write,
  // as a chat server does at window 1, so the bench pays one read per frame.
  bool start(int connections, int cpu, int frames_per_write);
  // How the writes of one pass over the clients reach the kernel: one send() each
  // (false, the start), or all of them in one io_uring submission (true). Switchable
  // while running; takes effect at the next pass.
  void set_batched(bool batched) { batched_.store(batched); }
  // False once the blasting thread found that it cannot set up an io_uring ring (it
  // then keeps sending one send() at a time).
  bool batched_available() const { return batched_available_.load(); }
  int port() const { return port_; }
  void stop();
  std::uint64_t frames_written() const { return frames_written_.load(); }
  // CPU time the blasting thread has used so far (kernel included), updated after every
  // pass over the clients: with one frame per write, CPU per frame written is what one
  // small send costs a server on this machine, the floor under any server's cost
  // per delivery.
  std::uint64_t cpu_ns() const { return cpu_ns_.load(); }

  // One batch of server frames whose "t=" stamps sit at `stamp_offsets` (19 digits).
  static std::string build_batch(std::size_t target_bytes, std::vector<std::size_t>& stamp_offsets,
                                 std::size_t max_frames);

 private:
  void run(int connections, int frames_per_write);
  bool handshake(int fd);
  bool send_pass(const std::string& batch, std::size_t frames);
  bool send_pass_batched(const std::string& batch, std::size_t frames, uring_batch& ring);

  int listen_fd_ = -1;
  int port_ = 0;
  int cpu_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> batched_{false};
  std::atomic<bool> batched_available_{true};
  std::atomic<std::uint64_t> frames_written_{0};
  std::atomic<std::uint64_t> cpu_ns_{0};
  std::vector<int> clients_;
  std::thread thread_;
};

// Pins the calling thread to `cpu`; false if that is not possible.
bool pin_current_thread(int cpu);
// The CPUs this process may run on, in order.
std::vector<int> allowed_cpus();

}  // namespace whisper_bench
