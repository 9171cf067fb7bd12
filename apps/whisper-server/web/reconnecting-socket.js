// One WebSocket to /chat/stream/ that reconnects by itself.
//
// After the connection drops it waits 0.5 s, 1 s, 2 s, ... up to 10 s (with jitter so
// a restarted server is not hit by every tab at the same instant) and tries again.
// The owner learns about every state change through onStatus and re-joins its rooms
// in onOpen; frames are decoded once here and handed over as objects.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;

// Thread safety: lives on the page's one JavaScript thread; callbacks run there too.
export class ReconnectingSocket {
  /**
   * @param {string} url  ws:// or wss:// address of the chat stream
   * @param {{onOpen: function(boolean), onFrame: function(object), onStatus: function(string,
   *     number), onClose: function(number, string)}} handlers
   *   onOpen(isReconnect); onStatus(state, retryDelayMs) with state one of
   *   'connecting' | 'open' | 'reconnecting'; onClose(code, reason) for every close,
   *   before the retry is scheduled (1006 when the upgrade itself was refused).
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.failures = 0;
    this.everOpened = false;
    this.retryTimer = null;
    this.stopped = false;
    // A laptop waking up or a network coming back should not wait for the backoff.
    window.addEventListener('online', () => this.reconnectNow());
  }

  start() {
    this.handlers.onStatus('connecting', 0);
    this.connect();
  }

  /** Sends a command; returns false (and sends nothing) while disconnected. */
  send(command) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(command));
    return true;
  }

  isOpen() { return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN); }

  /** Gives up: no further connection attempts (the reason is the owner's to show). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws) this.ws.close();
  }

  reconnectNow() {
    if (this.stopped || this.isOpen() || this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      const isReconnect = this.everOpened;
      this.everOpened = true;
      this.failures = 0;
      this.handlers.onStatus('open', 0);
      this.handlers.onOpen(isReconnect);
    });
    ws.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (err) {
        return;  // Not JSON: nothing a person could act on; ignore it like unknown frames.
      }
      if (frame && typeof frame === 'object') this.handlers.onFrame(frame);
    });
    // 'close' follows 'error' too, so scheduling the retry here covers both.
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws || this.stopped) return;
      this.handlers.onClose(event.code, event.reason);
      if (this.stopped) return;  // the owner gave up in onClose
      this.scheduleRetry();
    });
  }

  scheduleRetry() {
    const exponential = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.failures);
    const delay = Math.round(exponential * (0.75 + Math.random() * 0.5));
    this.failures += 1;
    this.handlers.onStatus('reconnecting', delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}

/** The chat stream address on the page's own host, ws: or wss: to match http(s):. */
export function chatStreamUrl(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/chat/stream/`;
}
