// Who is in one room right now, kept live: seeded by the `room_users` reply
// (PROTOCOL.md §1, type 6) and updated by the enter / leave notices (msg_type 4 / 5)
// the room's log receives anyway. On phones the list folds behind its toggle button.

import {clear, el} from './dom.js';

// Thread safety: page-thread only; one object per open room.
export class MemberList {
  /** @param {{id: string, me: string}} options */
  constructor({id, me}) {
    this.me = me;
    this.members = new Map();  // username -> display name ('' when none)
    // A plain div, not an <aside>: a complementary landmark may not sit inside <main>.
    this.list = el('ul', {class: 'member-list', 'aria-labelledby': `members-heading-${id}`});
    this.panel =
        el('div', {id: `members-${id}`, class: 'members'},
           el('h3', {id: `members-heading-${id}`, class: 'members-heading', text: 'People here'}),
           this.list);
    this.toggle = el('button', {
      type: 'button',
      class: 'members-toggle',
      'aria-controls': this.panel.id,
      'aria-expanded': 'false',
      on: {click: () => this.setOpen(this.toggle.getAttribute('aria-expanded') !== 'true')},
    });
    this.render();
  }

  /** Replaces the list with a `room_users` reply's users (those not marked left). */
  seed(users) {
    this.members.clear();
    for (const user of users) {
      if (!user.left) this.members.set(String(user.username), String(user.name ?? ''));
    }
    this.render();
  }

  has(username) { return this.members.has(username); }

  entered(username) {
    if (!this.members.has(username)) this.members.set(username, '');
    this.render();
  }

  left(username) {
    // My own other tab leaving does not take me out of the room I am looking at.
    if (username === this.me) return;
    this.members.delete(username);
    this.render();
  }

  /** Everyone listed now, for telling returning people from new ones after a reconnect. */
  names() { return new Set(this.members.keys()); }

  // The wide layout always shows the list; the class only matters on phones.
  setOpen(open) {
    this.toggle.setAttribute('aria-expanded', String(open));
    this.panel.classList.toggle('open', open);
  }

  render() {
    clear(this.list);
    const names = [...this.members.keys()].sort((a, b) => a.localeCompare(b));
    for (const username of names) {
      const name = this.members.get(username);
      this.list.append(
          el('li', {class: username === this.me ? 'member me' : 'member', dataset: {username}},
             el('span', {class: 'member-username', text: username}),
             name && name !== username ? el('span', {class: 'member-name', text: name}) : null,
             username === this.me ? el('span', {class: 'member-you', text: '(you)'}) : null));
    }
    this.toggle.textContent = `People (${names.length})`;
  }
}
