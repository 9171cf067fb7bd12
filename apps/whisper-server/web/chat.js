// The chat page: the room list, one tab and pane per open room, and the single
// WebSocket that carries every room (PROTOCOL.md §1). Frames are routed to the pane
// of the room they name; the socket reconnects by itself and re-joins the open rooms.

import {api} from './api.js';
import {clear, el, pageIdentity} from './dom.js';
import {originRefusal} from './origin-check.js';
import {chatStreamUrl, ReconnectingSocket} from './reconnecting-socket.js';
import {RoomPane} from './room-pane.js';

// What a person reads for each error code when the server sent no message of its own.
const ERROR_TEXT = {
  ROOM_INVALID: 'This room does not exist (any more).',
  ROOM_ACCESS_DENIED: 'You are not allowed in this room.',
  BAD_REQUEST: 'The server did not understand that request.',
  MESSAGE_TOO_LONG: 'That message is too long.',
  RATE_LIMITED: 'You are sending too fast; wait a moment.',
};

const me = pageIdentity();
const panes = new Map();  // room id (string) -> RoomPane, in the order they were opened
let rooms = [];           // [{id, title, staff_only}] from GET /api/rooms
let activeId = null;
// The original server's errors name no room: they belong to the last command sent.
let lastCommandRoom = null;

const $ = (id) => document.getElementById(id);
const socket = new ReconnectingSocket(chatStreamUrl(), {onOpen, onFrame, onStatus});

// Sends one command about a room; ids travel as numbers, as the protocol defines them.
function command(payload) {
  lastCommandRoom = String(payload.room);
  return socket.send({...payload, room: Number(payload.room)});
}

// ---- room list -------------------------------------------------------------

async function loadRooms() {
  try {
    rooms = await api('GET', '/api/rooms');
    $('room-list-error').hidden = true;
  } catch (err) {
    $('room-list-error').textContent = `Could not load the rooms: ${err.message}`;
    $('room-list-error').hidden = false;
  }
  renderRoomList();
}

function renderRoomList() {
  const list = $('room-list');
  clear(list);
  $('room-list-empty').hidden = rooms.length !== 0;
  for (const room of rooms) {
    const id = String(room.id);
    const pane = panes.get(id);
    const locked = room.staff_only && !me.isStaff;
    const button = el(
        'button', {
          type: 'button',
          class: 'room-link',
          dataset: {roomId: id},
          'aria-current': id === activeId ? 'true' : null,
          title: locked ? 'Staff only: the server will refuse you unless you are staff.' : null,
          on: {click: () => openRoom(id)}
        },
        el('span', {class: 'room-link-title', text: room.title}),
        room.staff_only ?
            el('span', {class: `badge staff${locked ? ' locked' : ''}`, text: 'staff only'}) :
            null,
        pane && pane.unread > 0 ? el('span', {class: 'unread', text: String(pane.unread)}) : null);
    list.append(el('li', {class: pane ? 'open' : null}, button));
  }
}

function roomTitle(id) {
  const room = rooms.find((r) => String(r.id) === id);
  return room ? room.title : `Room ${id}`;
}

// ---- panes -----------------------------------------------------------------

function openRoom(id) {
  closeRoomListOnPhone();
  let pane = panes.get(id);
  if (!pane) {
    pane = new RoomPane({
      id,
      title: roomTitle(id),
      me: me.username,
      onSend: sendMessage,
      onLeave: leaveRoom,
      onRetry: joinRoom,
      onSelect: selectRoom,
      onWho: askWho
    });
    panes.set(id, pane);
    $('tabs').append(pane.tab);
    $('panes').append(pane.pane);
    joinRoom(id);
  }
  selectRoom(id);
}

function joinRoom(id) {
  const pane = panes.get(id);
  if (!pane) return;
  pane.setState(socket.isOpen() ? 'joining' : 'offline');
  command({command: 'join', room: id});
}

function leaveRoom(id) {
  const pane = panes.get(id);
  if (!pane) return;
  if (pane.state === 'joined' || pane.state === 'joining') command({command: 'leave', room: id});
  pane.remove();
  panes.delete(id);
  if (activeId === id)
    selectRoom(panes.size ? [...panes.keys()].pop() : null);
  else
    renderRoomList();
}

function selectRoom(id) {
  activeId = id;
  for (const [paneId, pane] of panes) pane.setActive(paneId === id);
  $('no-room-open').hidden = panes.size !== 0;
  document.body.classList.toggle('no-room-open', panes.size === 0);
  renderRoomList();
  if (id !== null) panes.get(id).focusComposer();
}

function sendMessage(id, text) { return command({command: 'send', room: id, message: text}); }

function askWho(id) { command({command: 'room_users', room: id}); }

// ---- frames from the server -------------------------------------------------

function onFrame(frame) {
  if ('join' in frame) return onJoined(String(frame.join), frame.title);
  if ('leave' in frame) return;  // The pane went away when the person clicked Leave.
  if ('error' in frame) return onError(frame);
  if (frame.type === 6) return onPresence(frame);
  if ('msg_type' in frame) return onMessage(frame);
  // Unknown frame kinds are ignored, as the protocol asks of clients.
}

function onJoined(id, title) {
  const pane = panes.get(id);
  if (!pane) return;
  const wasJoined = pane.state === 'joined';
  pane.setTitle(title);
  if (pane.rejoining) pane.addLine('msg-reconnected', 'Reconnected: you are back in this room.');
  pane.rejoining = false;
  pane.setState('joined');
  if (!wasJoined && pane.id === activeId) pane.focusComposer();
}

function onMessage(frame) {
  const pane = panes.get(String(frame.room));
  if (!pane) return;
  const counts = pane.showMessage(frame);
  const inView = pane.id === activeId && document.visibilityState === 'visible';
  if (counts && !inView) {
    pane.setUnread(pane.unread + 1);
    renderRoomList();
  }
}

function onError(frame) {
  const code = String(frame.error);
  const id = frame.room !== undefined ? String(frame.room) : lastCommandRoom;
  const message =
      frame.message ? String(frame.message) : (ERROR_TEXT[code] || `The server answered ${code}.`);
  const pane = id !== null ? panes.get(id) : undefined;
  if (!pane) return showPageNotice(`${message} (${code})`);
  pane.showError(code, message);
  const refusesRoom = code === 'ROOM_ACCESS_DENIED' || code === 'ROOM_INVALID';
  if (refusesRoom && (pane.state === 'joining' || code === 'ROOM_INVALID')) {
    pane.setState('refused');
    if (code === 'ROOM_INVALID') loadRooms();
  }
}

function onPresence(frame) {
  const pane = panes.get(String(frame.room));
  const users = frame.data && frame.data.users ? Object.values(frame.data.users) : [];
  if (!pane) return;
  const here = users.filter((u) => !u.left).map((u) => u.username);
  const gone = users.filter((u) => u.left).map((u) => u.username);
  let text = here.length ? `In this room: ${here.join(', ')}.` : 'Nobody is in this room.';
  if (gone.length) text += ` Recently left: ${gone.join(', ')}.`;
  pane.addLine('msg-presence', text);
}

// ---- connection ------------------------------------------------------------

function onOpen(isReconnect) {
  // Re-join every open room: the server forgot them when the old connection closed.
  for (const pane of panes.values()) {
    if (pane.state === 'refused') continue;
    pane.rejoining = isReconnect;
    joinRoom(pane.id);
  }
  if (isReconnect) loadRooms();
}

function onStatus(state, delayMs) {
  const status = $('connection-status');
  status.dataset.state = state;
  if (state === 'open')
    status.textContent = 'Connected';
  else if (state === 'connecting')
    status.textContent = 'Connecting…';
  else
    status.textContent = `Reconnecting… (next try in ${Math.max(1, Math.round(delayMs / 1000))} s)`;
  if (state === 'reconnecting') {
    // Never connected: perhaps this address is one the server refuses (allowed_hosts).
    if (socket.failures === 1 && !socket.everOpened) checkOrigin();
    if (socket.failures === 3) checkSession();
    for (const pane of panes.values()) {
      if (pane.state === 'joined')
        pane.addLine('msg-disconnected', 'Connection lost. Reconnecting…');
      if (pane.state !== 'refused') pane.setState('offline');
    }
  }
}

// Retrying cannot help a page whose address the server refuses: say so and stop.
async function checkOrigin() {
  const why = await originRefusal();
  if (!why) return;
  socket.stop();
  const status = $('connection-status');
  status.dataset.state = 'refused';
  status.textContent = 'Not connected';
  showPageNotice(why);
}

// A refused upgrade looks like any failed connection; after a few, ask the API whether
// the session itself has ended, so the person is told to log in instead of waiting.
async function checkSession() {
  try {
    await api('GET', '/api/me');
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      showPageNotice('Your session has ended. Reload the page to log in again.');
    }
  }
}

function showPageNotice(text) {
  const notice = $('page-notice');
  notice.textContent = text;
  notice.hidden = false;
}

// ---- page chrome -----------------------------------------------------------

function closeRoomListOnPhone() {
  document.body.classList.remove('room-list-open');
  $('rooms-toggle').setAttribute('aria-expanded', 'false');
}

function setUpChrome() {
  $('current-user').textContent = me.username;
  $('admin-link').hidden = !me.isStaff;
  $('rooms-toggle').addEventListener('click', () => {
    const open = document.body.classList.toggle('room-list-open');
    $('rooms-toggle').setAttribute('aria-expanded', String(open));
  });
  // Rooms staff created meanwhile show up when the person comes back to the window.
  window.addEventListener('focus', loadRooms);
  // Coming back to the tab clears the unread count of the room in view.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && activeId !== null) {
      panes.get(activeId).setUnread(0);
      renderRoomList();
    }
  });
}

setUpChrome();
selectRoom(null);
loadRooms();
socket.start();
