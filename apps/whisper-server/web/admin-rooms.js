// The admin's Rooms card: list, create, rename, toggle staff-only, delete.
// Every change goes through the JSON API and then re-reads the list, so the table
// always shows what the server holds.

import {api} from './api.js';
import {clear, el, showFeedback} from './dom.js';

const $ = (id) => document.getElementById(id);

// Thread safety: page-thread only; one object per admin page.
export class RoomsAdmin {
  /** @param {function(Array)} onRoomsChanged  told the fresh room list (the notice form uses it) */
  constructor(onRoomsChanged) {
    this.onRoomsChanged = onRoomsChanged;
    this.feedback = $('rooms-feedback');
    $('create-room-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.create();
    });
  }

  async load() {
    try {
      const rooms = await api('GET', '/api/rooms');
      this.render(rooms);
      this.onRoomsChanged(rooms);
    } catch (err) {
      showFeedback(this.feedback, 'error', `Could not load the rooms: ${err.message}`);
    }
  }

  async create() {
    const title = $('new-room-title').value.trim();
    if (title === '') return showFeedback(this.feedback, 'error', 'Give the room a title.');
    const staffOnly = $('new-room-staff-only').checked;
    const ok = await this.run(
        () => api('POST', '/api/rooms', {title, staff_only: staffOnly}),
        (room) => `Created room “${room.title}”${room.staff_only ? ' (staff only)' : ''}.`);
    if (ok) $('create-room-form').reset();
  }

  /** Runs one API change, reports the outcome in words and reloads the list. */
  // The table is reloaded before the outcome is shown, so what the sentence says is
  // already on screen when it appears.
  async run(call, describe) {
    let outcome;
    try {
      outcome = ['ok', describe(await call())];
    } catch (err) {
      outcome = ['error', err.message];
    }
    await this.load();
    showFeedback(this.feedback, ...outcome);
    return outcome[0] === 'ok';
  }

  render(rooms) {
    const body = $('rooms-body');
    clear(body);
    if (rooms.length === 0) {
      body.append(el('tr', {}, el('td', {colspan: 4, class: 'hint', text: 'No rooms yet.'})));
    }
    for (const room of rooms) body.append(this.row(room));
  }

  row(room) {
    const titleInput = el('input', {
      type: 'text',
      value: room.title,
      id: `room-title-${room.id}`,
      maxlength: 200,
      'aria-label': `Title of room ${room.title}`
    });
    const rename = () => {
      const title = titleInput.value.trim();
      if (title === '' || title === room.title) return;
      this.run(
          () => api('PATCH', `/api/rooms/${room.id}`, {title}),
          () => `Renamed “${room.title}” to “${title}”.`);
    };
    titleInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') rename();
    });
    const staffBox = el('input', {
      type: 'checkbox',
      checked: room.staff_only,
      'aria-label': `Staff only: ${room.title}`,
      on: {
        change: (event) => {
          const staffOnly = event.target.checked;
          this.run(
              () => api('PATCH', `/api/rooms/${room.id}`, {staff_only: staffOnly}),
              () => `“${room.title}” is now ${staffOnly ? 'staff only' : 'open to everyone'}.`);
        }
      }
    });
    return el(
        'tr', {dataset: {roomId: String(room.id)}}, el('td', {text: String(room.id)}),
        el('td', {}, titleInput), el('td', {}, staffBox),
        el('td', {},
           el('div', {class: 'row-actions'}, el('button', {
                type: 'button',
                text: 'Rename',
                'aria-label': `Rename ${room.title}`,
                on: {click: rename}
              }),
              el('button', {
                type: 'button',
                class: 'danger',
                text: 'Delete',
                'aria-label': `Delete room ${room.title}`,
                on: {
                  click: () => {
                    if (!window.confirm(
                            `Delete the room “${room.title}”? Everyone in it is sent out.`))
                      return;
                    this.run(
                        () => api('DELETE', `/api/rooms/${room.id}`),
                        () => `Deleted room “${room.title}”.`);
                  }
                }
              }))));
  }
}
