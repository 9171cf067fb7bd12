// What a person does on the chat page, phrased the way they would say it, so the
// tests read as the walkthrough. Everything goes through roles and labels.

'use strict';

/**
 * The pane of the open room titled `title`, shown or not (role queries skip hidden
 * elements, and a room in a background tab is hidden, so this matches by title text).
 */
function roomPane(page, title) {
  return page.locator('section.room-pane').filter({
    has: page.locator('h2.room-title', {hasText: exactly(title)})
  });
}

/** The room's button in the room list (its name starts with the title). */
function roomInList(page, title) {
  return page.locator('#room-list .room-link').filter({
    has: page.locator('.room-link-title', {hasText: exactly(title)})
  });
}

/** Clicks the room in the list and waits until the server confirmed the join. */
async function joinRoom(page, title) {
  await roomInList(page, title).click();
  await roomPane(page, title).and(page.locator('[data-state="joined"]')).waitFor({
    state: 'attached'
  });
}

/** The tab of an open room, whatever its unread count. */
function roomTab(page, title) {
  return page.getByRole('tab').filter({has: page.locator('.tab-title', {hasText: exactly(title)})});
}

/** Brings the room's tab to the front, then types `text` and presses Enter. */
async function say(page, title, text) {
  await roomTab(page, title).click();
  const box = page.getByLabel(`Message to ${title}`);
  await box.fill(text);
  await box.press('Enter');
}

/** Resolves once a chat message from `username` with exactly `text` shows in the room. */
async function waitForMessage(page, title, username, text) {
  const line = roomPane(page, title)
                   .locator('li.msg-message')
                   .filter({has: page.locator('.msg-user', {hasText: exactly(username)})})
                   .filter({has: page.locator('.msg-text', {hasText: exactly(text)})})
                   .first();
  await line.waitFor({state: 'attached'});
  return line;
}

/** The usernames listed in the room's member list, in the order shown. */
async function membersOf(page, title) {
  return roomPane(page, title).locator('.member-list .member-username').allTextContents();
}

/** Resolves once the room's member list shows exactly `usernames` (it sorts them). */
async function waitForMembers(page, title, usernames) {
  const want = [...usernames].sort((a, b) => a.localeCompare(b));
  await page.waitForFunction(([roomTitle, wanted]) => {
    const pane = [...document.querySelectorAll('section.room-pane')].find(
        (node) => node.querySelector('h2.room-title').textContent === roomTitle);
    if (!pane) return false;
    const names =
        [...pane.querySelectorAll('.member-list .member-username')].map((node) => node.textContent);
    return JSON.stringify(names) === JSON.stringify(wanted);
  }, [title, want]);
}

/** Resolves when `predicate` holds for one of the frames the server sent since index `from`. */
async function waitForFrame(page, predicate, from = 0, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const frame = page.wsFrames.slice(from).find(predicate);
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error(`no such frame within ${timeoutMs} ms`);
}

/** A pattern matching `text` and nothing more. */
function exactly(text) { return new RegExp(`^${escapeRegExp(text)}$`); }

function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

module.exports = {
  membersOf,
  waitForMembers,
  waitForFrame,
  roomPane,
  roomInList,
  roomTab,
  joinRoom,
  say,
  waitForMessage
};
