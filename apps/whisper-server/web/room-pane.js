// The view of one open room: its tab in the tab bar and its pane with the message
// log, the people in the room and the composer. It knows nothing about the socket:
// the chat page hands it frames to show and gives it callbacks for what the person does.

import {Composer} from './composer.js';
import {clockTime, el} from './dom.js';
import {MemberList} from './member-list.js';

// msg_type codes from the protocol (PROTOCOL.md §1).
export const MsgType = {
  MESSAGE: 0,
  WARNING: 1,
  ALERT: 2,
  MUTED: 3,
  ENTER: 4,
  LEAVE: 5
};

const NOTICE_LABEL = {
  [MsgType.WARNING]: 'Warning',
  [MsgType.ALERT]: 'Alert',
  [MsgType.MUTED]: 'Muted',
};
const NOTICE_CLASS = {
  [MsgType.WARNING]: 'msg-warning',
  [MsgType.ALERT]: 'msg-alert',
  [MsgType.MUTED]: 'msg-muted',
};

// Keeps a long-running tab from growing without bound: the oldest lines go first.
const MAX_LINES = 500;
// After a reconnect, people who were here before the connection dropped and come back
// within this time are not announced again: everyone re-joins after a server restart.
const RETURN_WINDOW_MS = 60000;

// Thread safety: page-thread only, like all DOM code; one object per open room.
export class RoomPane {
  /**
   * @param {{id: string, title: string, me: string, maxMessageBytes: number,
   *          onSend: function(string, string): boolean, onLeave: function(string),
   *          onRetry: function(string), onSelect: function(string)}} options
   */
  constructor(options) {
    this.id = options.id;
    this.title = options.title;
    this.me = options.me;
    this.unread = 0;
    this.rejoining = false;
    this.returning = new Set();  // who was here before the connection dropped
    this.returningUntil = 0;
    this.composer = new Composer({
      id: this.id,
      title: this.title,
      limit: options.maxMessageBytes,
      onSend: (text) => options.onSend(this.id, text),
    });
    this.members = new MemberList({id: this.id, me: this.me});
    this.buildPane(options);
    this.buildTab(options);
    this.setState('joining');
  }

  buildPane(options) {
    // The log is a list of lines; role=log sits on its scrolling wrapper, because a
    // list element must keep its list role.
    this.lines = el('ol', {class: 'message-list'});
    // Focusable, so keyboard users can scroll back through it too.
    this.log = el(
        'div',
        {class: 'messages', role: 'log', tabindex: '0', 'aria-label': `Messages in ${this.title}`},
        this.lines);
    // Errors are also said at once, not only added to the (polite) log.
    this.announcer = el('p', {class: 'visually-hidden', role: 'alert'});
    this.heading = el('h2', {class: 'room-title', text: this.title});
    this.stateBadge = el('span', {class: 'room-state'});
    this.leaveButton = el('button', {type: 'button', class: 'leave', text: 'Leave'});
    this.leaveButton.addEventListener('click', () => options.onLeave(this.id));
    this.retryButton = el('button', {type: 'button', hidden: true, text: 'Try again'});
    this.retryButton.addEventListener('click', () => options.onRetry(this.id));
    const actions =
        el('div', {class: 'room-actions'}, this.retryButton, this.members.toggle, this.leaveButton);
    this.pane = el('section', {
      class: 'room-pane',
      id: `room-pane-${this.id}`,
      role: 'tabpanel',
      'aria-labelledby': `room-tab-${this.id}`,
      dataset: {roomId: this.id},
    });
    const header = el('header', {class: 'room-header'}, this.heading, this.stateBadge, actions);
    const body = el('div', {class: 'room-body'}, this.log, this.members.panel);
    this.pane.append(header, body, this.announcer, this.composer.form);
  }

  // The tab is one button, the only kind of child a tablist may have; its "×" is a
  // mouse shortcut for Leave (keyboard: Delete on the tab, or the Leave button).
  buildTab(options) {
    this.unreadBadge = el('span', {class: 'unread', hidden: true});
    this.tabLabel = el('span', {class: 'tab-title', text: this.title});
    const close =
        el('span', {class: 'tab-close', 'aria-hidden': 'true', title: 'Leave', text: '×'});
    close.addEventListener('click', (event) => {
      event.stopPropagation();
      options.onLeave(this.id);
    });
    this.tab =
        el('button', {
          type: 'button',
          role: 'tab',
          id: `room-tab-${this.id}`,
          class: 'tab',
          'aria-controls': this.pane.id,
          'aria-selected': 'false',
          tabindex: '-1',
          dataset: {roomId: this.id},
        },
           this.tabLabel, this.unreadBadge, close);
    this.tab.addEventListener('click', () => options.onSelect(this.id));
  }

  /** 'joining' | 'joined' | 'refused' | 'offline': what the composer may do. */
  setState(state) {
    if (state === 'offline' && this.state === 'joined') this.rememberWhoWasHere();
    this.state = state;
    const text =
        {joining: 'Joining…', joined: '', refused: 'Not joined', offline: 'Offline'}[state];
    this.stateBadge.textContent = text;
    this.stateBadge.hidden = text === '';
    this.pane.dataset.state = state;
    this.composer.setEnabled(state === 'joined');
    this.retryButton.hidden = state !== 'refused';
    // A refused room was never entered: closing it is the honest word.
    const leaveWord = state === 'refused' ? 'Close' : 'Leave';
    this.leaveButton.textContent = leaveWord;
    this.leaveButton.setAttribute('aria-label', `${leaveWord} ${this.title}`);
  }

  rememberWhoWasHere() {
    this.returning = this.members.names();
    this.returningUntil = Date.now() + RETURN_WINDOW_MS;
  }

  setTitle(title) {
    if (!title || title === this.title) return;
    this.title = title;
    this.heading.textContent = title;
    this.tabLabel.textContent = title;
    this.log.setAttribute('aria-label', `Messages in ${title}`);
    this.composer.input.setAttribute('aria-label', `Message to ${title}`);
  }

  setActive(active) {
    this.pane.hidden = !active;
    this.tab.classList.toggle('active', active);
    this.tab.setAttribute('aria-selected', String(active));
    // Roving tabindex: Tab reaches only the selected tab; arrows move between them.
    this.tab.tabIndex = active ? 0 : -1;
    if (active) this.setUnread(0);
  }

  setUnread(count) {
    this.unread = count;
    this.unreadBadge.hidden = count === 0;
    this.unreadBadge.textContent = String(count);
  }

  focusComposer() { this.composer.focus(); }

  /** The `room_users` reply: who is here now. */
  showPresence(users) { this.members.seed(users); }

  /** Shows a frame with a msg_type; returns true when it is something worth counting as unread. */
  showMessage(frame) {
    const type = Number(frame.msg_type);
    const who = String(frame.username ?? '');
    if (type === MsgType.ENTER || type === MsgType.LEAVE) {
      this.showEnterLeave(type === MsgType.ENTER, who);
      return false;
    }
    const text = String(frame.message ?? '');
    if (type === MsgType.MESSAGE && who === this.me) this.composer.delivered(text);
    const line =
        el('li', {
          class: `msg ${NOTICE_CLASS[type] || 'msg-message'}${who === this.me ? ' mine' : ''}`,
          dataset: {msgType: String(type)}
        },
           el('time', {class: 'msg-time', text: clockTime()}),
           NOTICE_LABEL[type] ? el('span', {class: 'msg-kind', text: NOTICE_LABEL[type]}) : null,
           el('span', {class: 'msg-user', text: who}), el('span', {class: 'msg-text', text}));
    this.appendLine(line);
    return true;
  }

  // The member list always follows; the log only tells news: not my own other tabs,
  // and not the people who merely came back with everyone after a reconnect.
  showEnterLeave(entered, who) {
    const returning = this.returning.delete(who) && Date.now() < this.returningUntil;
    if (entered)
      this.members.entered(who);
    else
      this.members.left(who);
    if (who === this.me || (entered && returning)) return;
    this.addLine(
        entered ? 'msg-enter' : 'msg-leave', `${who} ${entered ? 'joined' : 'left'} the room`);
  }

  /** A server error about this room, shown in its own log (never alert()). */
  showError(code, message) {
    this.appendLine(
        el('li', {class: 'msg msg-error', dataset: {errorCode: code}},
           el('span', {class: 'msg-kind', text: 'Error'}),
           el('span', {class: 'msg-text', text: message}),
           el('code', {class: 'msg-code', text: code})));
    this.announcer.textContent = message;
    // Whatever the server refused (too long, too fast, no longer a member), the text
    // of a message it did not deliver goes back into the box.
    this.composer.restoreUndelivered();
  }

  /** A line from the page itself (connection lost, reconnected, ...). */
  addLine(className, text) {
    this.appendLine(el(
        'li', {class: `msg msg-system ${className}`},
        el('time', {class: 'msg-time', text: clockTime()}), el('span', {class: 'msg-text', text})));
  }

  appendLine(line) {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.lines.append(line);
    while (this.lines.childElementCount > MAX_LINES) this.lines.firstElementChild.remove();
    // Follow new lines only when the reader was already at the bottom.
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  remove() {
    this.pane.remove();
    this.tab.remove();
  }
}
