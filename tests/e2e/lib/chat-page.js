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

/** A pattern matching `text` and nothing more. */
function exactly(text) { return new RegExp(`^${escapeRegExp(text)}$`); }

function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

module.exports = {
  roomPane,
  roomInList,
  roomTab,
  joinRoom,
  say,
  waitForMessage
};
