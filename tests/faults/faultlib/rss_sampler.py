"""Samples a running server's resident memory in the background: the peak during a
fault is what a memory bound is checked against (the end state alone would miss a
spike that was freed again)."""

import threading
import time


class RssSampler(threading.Thread):
    """Records the server's peak RSS (KiB) every 50 ms until `stopping` is set."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.stopping = server, 0, threading.Event()

    def run(self):
        while not self.stopping.is_set() and self.server.alive():
            try:
                self.peak = max(self.peak, self.server.rss_kib())
            except (OSError, RuntimeError):
                return
            time.sleep(0.05)
