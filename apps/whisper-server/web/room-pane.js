// The view of one open room: its tab in the tab bar and its pane with the message
// log and the composer. It knows nothing about the socket: the chat page hands it
// frames to show and gives it callbacks for what the person does.

import {clockTime, el} from './dom.js';

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

// Thread safety: page-thread only, like all DOM code; one object per open room.
export class RoomPane {
  /**
   * @param {{id: string, title: string, me: string,
   *          onSend: function(string, string): boolean, onLeave: function(string),
   *          onRetry: function(string), onSelect: function(string), onWho: function(string)}}
   * options
   */
  constructor(options) {
    this.id = options.id;
    this.title = options.title;
    this.me = options.me;
    this.unread = 0;
    this.rejoining = false;
    this.buildComposer(options.onSend);
    this.buildPane(options);
    this.buildTab(options);
    this.setState('joining');
  }

  // The message box; Enter submits the form, which sends.
  buildComposer(onSend) {
    this.input = el('input', {
      id: `message-${this.id}`,
      type: 'text',
      autocomplete: 'off',
      placeholder: 'Write a message…',
      'aria-label': `Message to ${this.title}`,
    });
    this.sendButton = el('button', {type: 'submit', class: 'primary', text: 'Send'});
    const submit = (event) => {
      event.preventDefault();
      if (this.input.value.trim() === '') return;
      if (onSend(this.id, this.input.value)) this.input.value = '';
    };
    this.form = el('form', {class: 'composer', on: {submit}}, this.input, this.sendButton);
  }

  buildPane(options) {
    this.log =
        el('ol', {class: 'messages', role: 'log', 'aria-label': `Messages in ${this.title}`});
    this.heading = el('h2', {class: 'room-title', text: this.title});
    this.stateBadge = el('span', {class: 'room-state'});
    this.leaveButton = el('button', {type: 'button', class: 'leave', text: 'Leave'});
    this.leaveButton.addEventListener('click', () => options.onLeave(this.id));
    this.retryButton = el('button', {type: 'button', hidden: true, text: 'Try again'});
    this.retryButton.addEventListener('click', () => options.onRetry(this.id));
    const whoButton = el('button', {type: 'button', text: 'Who\'s here'});
    whoButton.addEventListener('click', () => options.onWho(this.id));
    const actions =
        el('div', {class: 'room-actions'}, this.retryButton, whoButton, this.leaveButton);
    this.pane = el('section', {
      class: 'room-pane',
      id: `room-pane-${this.id}`,
      role: 'tabpanel',
      'aria-labelledby': `room-tab-${this.id}`,
      dataset: {roomId: this.id},
    });
    const header = el('header', {class: 'room-header'}, this.heading, this.stateBadge, actions);
    this.pane.append(header, this.log, this.form);
  }

  buildTab(options) {
    this.unreadBadge = el('span', {class: 'unread', hidden: true});
    this.tabLabel = el('span', {class: 'tab-title', text: this.title});
    this.tabButton =
        el('button', {
          type: 'button',
          role: 'tab',
          id: `room-tab-${this.id}`,
          class: 'tab-select',
          'aria-controls': this.pane.id,
          'aria-selected': 'false',
        },
           this.tabLabel, this.unreadBadge);
    this.tabButton.addEventListener('click', () => options.onSelect(this.id));
    const close =
        el('button',
           {type: 'button', class: 'tab-close', text: '×', 'aria-label': `Close ${this.title}`});
    close.addEventListener('click', () => options.onLeave(this.id));
    this.tab = el('div', {class: 'tab', role: 'presentation'}, this.tabButton, close);
  }

  /** 'joining' | 'joined' | 'refused' | 'offline': what the composer may do. */
  setState(state) {
    this.state = state;
    const text =
        {joining: 'Joining…', joined: '', refused: 'Not joined', offline: 'Offline'}[state];
    this.stateBadge.textContent = text;
    this.stateBadge.hidden = text === '';
    this.pane.dataset.state = state;
    const canSend = state === 'joined';
    this.input.disabled = !canSend;
    this.sendButton.disabled = !canSend;
    this.retryButton.hidden = state !== 'refused';
    // A refused room was never entered: closing it is the honest word.
    const leaveWord = state === 'refused' ? 'Close' : 'Leave';
    this.leaveButton.textContent = leaveWord;
    this.leaveButton.setAttribute('aria-label', `${leaveWord} ${this.title}`);
  }

  setTitle(title) {
    if (!title || title === this.title) return;
    this.title = title;
    this.heading.textContent = title;
    this.tabLabel.textContent = title;
  }

  setActive(active) {
    this.pane.hidden = !active;
    this.tab.classList.toggle('active', active);
    this.tabButton.setAttribute('aria-selected', String(active));
    if (active) this.setUnread(0);
  }

  setUnread(count) {
    this.unread = count;
    this.unreadBadge.hidden = count === 0;
    this.unreadBadge.textContent = String(count);
  }

  focusComposer() {
    if (!this.input.disabled) this.input.focus();
  }

  /** Shows a frame with a msg_type; returns true when it is something worth counting as unread. */
  showMessage(frame) {
    const type = Number(frame.msg_type);
    const who = String(frame.username ?? '');
    if (type === MsgType.ENTER || type === MsgType.LEAVE) {
      const entered = type === MsgType.ENTER;
      this.addLine(
          entered ? 'msg-enter' : 'msg-leave', `${who} ${entered ? 'joined' : 'left'} the room`);
      return false;
    }
    const text = String(frame.message ?? '');
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

  /** A server error about this room, shown in its own log (never alert()). */
  showError(code, message) {
    this.appendLine(
        el('li', {class: 'msg msg-error', role: 'alert', dataset: {errorCode: code}},
           el('span', {class: 'msg-kind', text: 'Error'}),
           el('span', {class: 'msg-text', text: message}),
           el('code', {class: 'msg-code', text: code})));
  }

  /** A line from the page itself (connection lost, presence list, ...). */
  addLine(className, text) {
    this.appendLine(el(
        'li', {class: `msg msg-system ${className}`},
        el('time', {class: 'msg-time', text: clockTime()}), el('span', {class: 'msg-text', text})));
  }

  appendLine(line) {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(line);
    while (this.log.childElementCount > MAX_LINES) this.log.firstElementChild.remove();
    // Follow new lines only when the reader was already at the bottom.
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  remove() {
    this.pane.remove();
    this.tab.remove();
  }
}
