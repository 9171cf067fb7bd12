// The chat page: the room list, one tab and pane per open room, and the single
// WebSocket that carries every room (PROTOCOL.md §1). Frames are routed to the pane
// of the room they name; the socket reconnects by itself and re-joins the open rooms,
// and a reload reopens the rooms this tab had open.

import {api} from './api.js';
import {maxMessageBytes} from './composer.js';
import {clear, el, pageIdentity} from './dom.js';
import {OpenRoomsStore} from './open-rooms-store.js';
import {originRefusal} from './origin-check.js';
import {chatStreamUrl, ReconnectingSocket} from './reconnecting-socket.js';
import {RoomPane} from './room-pane.js';
import {tabKeyTarget} from './tab-keys.js';

// What a person reads for each error code when the server sent no message of its own.
const ERROR_TEXT = {
  ROOM_INVALID: 'This room does not exist (any more).',
  ROOM_ACCESS_DENIED: 'You are not allowed in this room.',
  BAD_REQUEST: 'The server did not understand that request.',
  MESSAGE_TOO_LONG: 'That message is too long for the server: shorten it and send it again.',
  RATE_LIMITED: 'You are sending too fast; wait a moment.',
};

const me = pageIdentity();
const openRooms = new OpenRoomsStore(me.username);
// Read before the page saves its own (empty) start state over it.
const roomsBeforeReload = openRooms.load();
const panes = new Map();  // room id (string) -> RoomPane, in the order they were opened
let rooms = [];           // [{id, title, staff_only}] from GET /api/rooms
let activeId = null;
// The original server's errors name no room: they belong to the last command sent.
let lastCommandRoom = null;

const $ = (id) => document.getElementById(id);
const socket = new ReconnectingSocket(chatStreamUrl(), {onOpen, onFrame, onStatus, onClose});
// The server's close code for a connection it ended on purpose (logout elsewhere,
// account deactivated or deleted, repeated rate-limit abuse).
const POLICY_CLOSE = 1008;

// Sends one command about a room; ids travel as numbers, as the protocol defines them.
function command(payload) {
  lastCommandRoom = String(payload.room);
  return socket.send({...payload, room: Number(payload.room)});
}

// Joins and member-list requests come in bursts: a reload or a reconnect reopens every
// open room, two commands each. The server allows 40 commands at once and 20 a second
// (limits::command_burst, commands_per_second); past PACE_BURST of its own the page sends
// them at PACE_PER_SECOND, so that 30 rooms reopen without RATE_LIMITED and what the user
// types still has room. Messages the user sends are never held back.
const PACE_BURST = 30;
const PACE_PER_SECOND = 10;
const paced = {queue: [], tokens: PACE_BURST, at: performance.now(), timer: null};

function pacedCommand(payload) {
  paced.queue.push(payload);
  drainPaced();
}

function drainPaced() {
  const now = performance.now();
  paced.tokens = Math.min(PACE_BURST, paced.tokens + (now - paced.at) * PACE_PER_SECOND / 1000);
  paced.at = now;
  while (paced.queue.length && paced.tokens >= 1) {
    paced.tokens -= 1;
    command(paced.queue.shift());
  }
  if (paced.queue.length && paced.timer === null) {
    paced.timer = setTimeout(() => {
      paced.timer = null;
      drainPaced();
    }, 1000 / PACE_PER_SECOND);
  }
}

// A connection that closed takes its waiting joins with it: the next one re-joins
// every open room itself.
function dropPaced() { paced.queue.length = 0; }

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

/** Opens (or brings forward) a room; `restored` rooms vanish quietly if refused. */
function openRoom(id, {restored = false, select = true} = {}) {
  closeRoomListOnPhone();
  let pane = panes.get(id);
  if (!pane) {
    pane = new RoomPane({
      id,
      title: roomTitle(id),
      me: me.username,
      maxMessageBytes: maxMessageBytes(),
      onSend: sendMessage,
      onLeave: leaveRoom,
      onRetry: joinRoom,
      onSelect: (roomId) => selectRoom(roomId),
    });
    pane.restored = restored;
    panes.set(id, pane);
    $('tabs').append(pane.tab);
    $('panes').append(pane.pane);
    joinRoom(id);
  }
  if (select) selectRoom(id);
}

// Reopens the rooms this tab had open before a reload, the one in view last.
function restoreRooms() {
  const saved = roomsBeforeReload;
  for (const id of saved.open) openRoom(id, {restored: true, select: false});
  if (panes.size) selectRoom(saved.active ?? [...panes.keys()].pop(), {focus: false});
}

function joinRoom(id) {
  const pane = panes.get(id);
  if (!pane) return;
  pane.setState(socket.isOpen() ? 'joining' : 'offline');
  pacedCommand({command: 'join', room: id});
}

function leaveRoom(id) {
  const pane = panes.get(id);
  if (!pane) return;
  // Paced too, so that it never overtakes this room's join still waiting its turn.
  if (pane.state === 'joined' || pane.state === 'joining')
    pacedCommand({command: 'leave', room: id});
  const hadFocus =
      pane.pane.contains(document.activeElement) || pane.tab === document.activeElement;
  pane.remove();
  panes.delete(id);
  if (activeId === id)
    selectRoom(panes.size ? [...panes.keys()].pop() : null, {focus: hadFocus});
  else
    saveAndRenderList();
}

/** Shows room `id` (or none); `focus` 'composer' | 'tab' | false says where focus goes. */
function selectRoom(id, {focus = 'composer'} = {}) {
  activeId = id;
  for (const [paneId, pane] of panes) pane.setActive(paneId === id);
  $('no-room-open').hidden = panes.size !== 0;
  document.body.classList.toggle('no-room-open', panes.size === 0);
  saveAndRenderList();
  if (id === null || !focus) return;
  if (focus === 'tab')
    panes.get(id).tab.focus();
  else
    panes.get(id).focusComposer();
}

function saveAndRenderList() {
  openRooms.save([...panes.keys()], activeId);
  renderRoomList();
}

function sendMessage(id, text) { return command({command: 'send', room: id, message: text}); }

// ---- frames from the server -------------------------------------------------

function onFrame(frame) {
  if ('join' in frame) return onJoined(String(frame.join), frame.title);
  if ('leave' in frame) return;  // The pane went away when the person clicked Leave.
  if ('error' in frame) return onError(frame);
  if (frame.type === 6) return onPresence(frame);  // the room_users reply
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
  pane.restored = false;
  pane.setState('joined');
  // Who is here now: the member list starts from this and follows enter / leave.
  pacedCommand({command: 'room_users', room: id});
  if (!wasJoined && pane.id === activeId && !document.activeElement.closest('[role="tablist"]'))
    pane.focusComposer();
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
  const refusesRoom = code === 'ROOM_ACCESS_DENIED' || code === 'ROOM_INVALID';
  // A room reopened after a reload that this person may no longer enter just goes away.
  if (pane.restored && refusesRoom) return forgetRoom(id);
  pane.showError(code, message);
  if (refusesRoom && (pane.state === 'joining' || code === 'ROOM_INVALID')) {
    pane.setState('refused');
    if (code === 'ROOM_INVALID') loadRooms();
  }
}

// Closes a pane without telling the server (it never let us in).
function forgetRoom(id) {
  const pane = panes.get(id);
  pane.setState('refused');
  leaveRoom(id);
}

function onPresence(frame) {
  const pane = panes.get(String(frame.room));
  const users = frame.data && frame.data.users ? Object.values(frame.data.users) : [];
  if (pane) pane.showPresence(users);
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

// The status pill: a short state (all a phone has room for) and, on wider screens,
// when the next attempt comes.
function showStatus(state, text, detail = '') {
  $('connection-status').dataset.state = state;
  $('connection-state').textContent = text;
  $('connection-detail').textContent = detail;
}

function onStatus(state, delayMs) {
  if (state === 'open') return showStatus(state, 'Connected');
  if (state === 'connecting') return showStatus(state, 'Connecting…');
  const seconds = Math.max(1, Math.round(delayMs / 1000));
  showStatus(state, 'Reconnecting…', ` (next try in ${seconds} s)`);
  // Never connected: perhaps this address is one the server refuses (allowed_hosts).
  if (socket.failures === 1 && !socket.everOpened) checkOrigin();
  // A refused upgrade looks like any failed connection: now and then, ask whether the
  // session itself has ended (the server may have closed us while the network was out).
  if (socket.failures === 1 || socket.failures % 4 === 0) checkSession();
  goOffline();
}

function goOffline() {
  dropPaced();
  for (const pane of panes.values()) {
    if (pane.state === 'joined')
      pane.addLine('msg-disconnected', 'Connection lost. Reconnecting…');
    if (pane.state !== 'refused') pane.setState('offline');
  }
}

// A close on purpose (1008) is usually the session ending: ask at once, before retrying.
function onClose(code) {
  if (code === POLICY_CLOSE) checkSession();
}

// Retrying cannot help a page whose address the server refuses: say so and stop.
async function checkOrigin() {
  const why = await originRefusal();
  if (!why) return;
  socket.stop();
  showStatus('refused', 'Not connected');
  showPageNotice(why);
}

// Logged out elsewhere, deactivated, password changed: retrying cannot help, logging
// in again can. Anything else (server down, network gone) keeps the retries going.
async function checkSession() {
  try {
    await api('GET', '/api/me');
  } catch (err) {
    if (err.status === 401 || err.status === 403) endSession();
  }
}

function endSession() {
  if (socket.stopped) return;
  socket.stop();
  for (const pane of panes.values()) {
    if (pane.state !== 'refused') pane.setState('offline');
  }
  showStatus('ended', 'Signed out');
  const next = encodeURIComponent(window.location.pathname);
  showPageNotice(
      'Your session has ended, so the chat stopped reconnecting. ',
      el('a', {href: `/accounts/login/?next=${next}`, text: 'Log in again'}));
}

/** The page-wide notice: text and, optionally, a link or other node to act on. */
function showPageNotice(text, ...extra) {
  const notice = $('page-notice');
  clear(notice);
  notice.append(text, ...extra);
  notice.hidden = false;
}

// ---- page chrome -----------------------------------------------------------

function closeRoomListOnPhone() {
  document.body.classList.remove('room-list-open');
  $('rooms-toggle').setAttribute('aria-expanded', 'false');
}

// Arrow keys, Home and End move between the room tabs (WAI-ARIA tabs pattern, with
// selection following focus); Delete leaves the room of the focused tab.
function onTabsKeyDown(event) {
  const tabs = [...panes.values()].map((pane) => pane.tab);
  const current = tabs.indexOf(event.target);
  if (current === -1) return;
  if (event.key === 'Delete') {
    event.preventDefault();
    leaveRoom(event.target.dataset.roomId);
    if (activeId !== null) panes.get(activeId).tab.focus();
    return;
  }
  const target = tabKeyTarget(event.key, current, tabs.length);
  if (target === null) return;
  event.preventDefault();
  selectRoom(tabs[target].dataset.roomId, {focus: 'tab'});
}

// Escape folds the phone's room drawer and gives focus back to its button.
function onPageKeyDown(event) {
  if (event.key !== 'Escape' || !document.body.classList.contains('room-list-open')) return;
  closeRoomListOnPhone();
  $('rooms-toggle').focus();
}

// The skip link lands in the composer of the room in view, the way to the chat itself.
function onSkipLink(event) {
  if (activeId === null) return;  // no room: the link's own target, the room area
  event.preventDefault();
  panes.get(activeId).focusComposer();
  if (!panes.get(activeId).pane.contains(document.activeElement)) $('room-area').focus();
}

function setUpChrome() {
  $('current-user').textContent = me.username;
  $('admin-link').hidden = !me.isStaff;
  $('rooms-toggle').addEventListener('click', () => {
    const open = document.body.classList.toggle('room-list-open');
    $('rooms-toggle').setAttribute('aria-expanded', String(open));
  });
  $('tabs').addEventListener('keydown', onTabsKeyDown);
  document.addEventListener('keydown', onPageKeyDown);
  $('skip-link').addEventListener('click', onSkipLink);
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
selectRoom(null, {focus: false});
socket.start();
loadRooms().then(restoreRooms);
