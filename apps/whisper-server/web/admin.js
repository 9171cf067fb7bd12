// The admin page (/admin/, staff only): wires the Rooms and Users cards and the
// notice form, which posts a WARNING / ALERT / MUTED notice into a room through
// POST /api/rooms/<id>/messages.

import {RoomsAdmin} from './admin-rooms.js';
import {UsersAdmin} from './admin-users.js';
import {api} from './api.js';
import {clear, el, showFeedback} from './dom.js';

const $ = (id) => document.getElementById(id);
const KIND_NAME = {
  1: 'warning',
  2: 'alert',
  3: 'muted notice'
};

/** Keeps the notice form's room choice in step with the room table. */
function fillNoticeRooms(rooms) {
  const select = $('notice-room');
  const previous = select.value;
  clear(select);
  for (const room of rooms) {
    select.append(el('option', {value: String(room.id), text: room.title}));
  }
  if (rooms.some((room) => String(room.id) === previous)) select.value = previous;
  select.disabled = rooms.length === 0;
}

async function postNotice(event) {
  event.preventDefault();
  const feedback = $('notice-feedback');
  const roomId = $('notice-room').value;
  const msgType = Number($('notice-type').value);
  const message = $('notice-message').value.trim();
  if (roomId === '' || message === '') {
    return showFeedback(feedback, 'error', 'Choose a room and write the notice.');
  }
  const roomName = $('notice-room').selectedOptions[0].textContent;
  try {
    await api('POST', `/api/rooms/${roomId}/messages`, {msg_type: msgType, message});
    showFeedback(feedback, 'ok', `Sent the ${KIND_NAME[msgType]} to “${roomName}”.`);
    $('notice-message').value = '';
  } catch (err) {
    showFeedback(feedback, 'error', err.message);
  }
}

const rooms = new RoomsAdmin(fillNoticeRooms);
const users = new UsersAdmin();
$('notice-form').addEventListener('submit', postNotice);
rooms.load();
users.load();
