// Remembers which rooms this tab had open, and which one was in view, so a reload
// reopens them. sessionStorage: per tab, gone when the tab closes; the key names the
// user, so whoever logs in next in the same tab does not inherit the list.

const PREFIX = 'whisper.open-rooms.';

// Thread safety: page-thread only.
export class OpenRoomsStore {
  constructor(username) { this.key = PREFIX + username; }

  /** {open: [room id strings, in tab order], active: id or null}; empty when unknown. */
  load() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(this.key) || 'null');
      if (saved && Array.isArray(saved.open)) {
        const open = saved.open.map(String).filter((id) => /^[0-9]+$/.test(id));
        const active = open.includes(String(saved.active)) ? String(saved.active) : null;
        return {open, active};
      }
    } catch (err) {
      // Storage switched off or a damaged entry: start with no rooms open.
    }
    return {open: [], active: null};
  }

  save(open, active) {
    try {
      window.sessionStorage.setItem(this.key, JSON.stringify({open, active}));
    } catch (err) {
      // Storage full or switched off: the page works, it only forgets on reload.
    }
  }
}
