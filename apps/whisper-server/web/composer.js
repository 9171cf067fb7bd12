// The message box of one room: a textarea where Enter sends and Shift+Enter starts a
// new line, with a length counter that appears near the server's limit. Text over the
// limit is never sent (the server would refuse it with MESSAGE_TOO_LONG), and text the
// server refuses anyway is put back, so nothing the person typed is lost.

import {el} from './dom.js';

// The counter shows once the message uses this share of the limit.
const COUNTER_FROM = 0.8;
const encoder = new TextEncoder();

/** The server's limit for one message, in UTF-8 bytes (the page is handed it). */
export function maxMessageBytes() {
  const meta = document.querySelector('meta[name="whisper-max-message-bytes"]');
  const value = meta ? Number.parseInt(meta.content, 10) : NaN;
  // 4096 is the server's default, for a page served without the value.
  return Number.isFinite(value) && value > 0 ? value : 4096;
}

// Thread safety: page-thread only; one object per open room.
export class Composer {
  /**
   * @param {{id: string, title: string, limit: number,
   *          onSend: function(string): boolean}} options
   *   onSend(text) returns false when the text could not be handed to the connection.
   */
  constructor({id, title, limit, onSend}) {
    this.limit = limit;
    this.onSend = onSend;
    this.lastSent = null;  // sent and not yet echoed back, in case the server refuses it
    this.input = el('textarea', {
      id: `message-${id}`,
      rows: 1,
      autocomplete: 'off',
      placeholder: 'Write a message…',
      'aria-label': `Message to ${title}`,
      'aria-describedby': `message-count-${id}`,
      enterkeyhint: 'send',
      on: {keydown: (event) => this.onKeyDown(event), input: () => this.update()},
    });
    // The count is read with the box (aria-describedby), not at every keystroke; only
    // the advice to shorten is announced, once, when the text goes over the limit.
    this.count = el('span', {class: 'composer-count'});
    this.advice = el('span', {class: 'composer-advice', 'aria-live': 'polite'});
    this.counter =
        el('p', {id: `message-count-${id}`, class: 'composer-counter'}, this.count, this.advice);
    this.sendButton = el('button', {type: 'submit', class: 'primary', text: 'Send'});
    this.form =
        el('form', {class: 'composer', on: {submit: (event) => this.submit(event)}},
           el('div', {class: 'composer-box'}, this.input, this.counter), this.sendButton);
    this.update();
  }

  // Enter sends, as in every chat; Shift+Enter (and Enter while an input method is
  // composing a character) stays in the box.
  onKeyDown(event) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.form.requestSubmit();
  }

  submit(event) {
    event.preventDefault();
    const text = this.input.value;
    if (text.trim() === '') return;
    if (this.bytes() > this.limit) {
      this.update();
      this.input.focus();
      return;  // the counter already says what to do
    }
    if (!this.onSend(text)) return;
    this.lastSent = text;
    this.input.value = '';
    this.update();
  }

  /** The server echoed one of my messages: once it is the last sent, nothing is pending. */
  delivered(text) {
    if (text === this.lastSent) this.lastSent = null;
  }

  /** The server refused something: a message not yet delivered comes back into the box. */
  restoreUndelivered() {
    if (this.lastSent === null) return;
    const typedSince = this.input.value;
    this.input.value = typedSince ? `${this.lastSent}\n${typedSince}` : this.lastSent;
    this.lastSent = null;
    this.update();
  }

  bytes() { return encoder.encode(this.input.value).length; }

  // Shows the counter near the limit and what to do past it.
  update() {
    const used = this.bytes();
    const over = used > this.limit;
    this.counter.hidden = used < this.limit * COUNTER_FROM;
    this.counter.dataset.over = String(over);
    this.count.textContent = `${used} / ${this.limit}`;
    const advice = over ? 'Too long: shorten the message to send it.' : '';
    if (this.advice.textContent !== advice) this.advice.textContent = advice;
    if (over)
      this.input.setAttribute('aria-invalid', 'true');
    else
      this.input.removeAttribute('aria-invalid');
  }

  setEnabled(enabled) {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
  }

  focus() {
    if (!this.input.disabled) this.input.focus();
  }
}
