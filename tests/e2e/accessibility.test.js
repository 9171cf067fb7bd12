// axe-core finds no violations on the login, chat and admin pages, on a desktop and at a
// 390 px phone width, with the chat page showing what it can show (open rooms, notices of
// every kind, an error, the member list); and the admin page fits a phone.

'use strict';

const assert = require('node:assert/strict');
const {after, before, describe, it} = require('node:test');

const {WhisperServer} = require('./lib/whisper-server');
const {launchBrowser, logIn, openPerson} = require('./lib/browser');
const {axeViolations} = require('./lib/axe');
const {joinRoom, roomInList, roomPane, roomTab, say, waitForMembers} = require('./lib/chat-page');
const {callApi, createRooms, createUser} = require('./lib/site-setup');

const ADMIN_PASSWORD = 'admin-e2e-password';
const BOB_PASSWORD = 'bob-e2e-password';
const DESKTOP = {
  width: 1280,
  height: 800
};
const PHONE = {
  width: 390,
  height: 844
};

/** Runs axe at both widths and asserts it reports nothing. */
async function assertNoViolations(page, what) {
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${what} at ${viewport.width} px`);
  }
  await page.setViewportSize(DESKTOP);
}

describe('accessibility and phone layouts', () => {
  let server;
  let browser;
  let admin;  // {context, page}: the superuser on the admin page
  let bob;    // {context, page}: the non-staff user on the chat page

  before(async () => {
    server = await WhisperServer.create({adminPassword: ADMIN_PASSWORD});
    await server.start();
    browser = await launchBrowser();
    admin = await openPerson(browser, DESKTOP);
    await admin.page.goto(`${server.baseUrl}/admin/`);
    await logIn(admin.page, 'admin', ADMIN_PASSWORD, '/admin/');
    await createRooms(admin.page, [['Lobby', false], ['Random', false], ['Staff lounge', true]]);
    await createUser(admin.page, 'bob', BOB_PASSWORD);
    await admin.page.reload();
    await admin.page.locator('#rooms-body tr').nth(2).waitFor();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.dispose();
  });

  it('the login page has no axe violations', async () => {
    bob = await openPerson(browser, DESKTOP);
    await bob.page.goto(`${server.baseUrl}/`);
    await bob.page.getByLabel('Username').waitFor();
    await assertNoViolations(bob.page, 'login page');
  });

  it('the chat page has no axe violations, with rooms, notices, an error and members', async () => {
    const page = bob.page;
    await logIn(page, 'bob', BOB_PASSWORD, '/');
    await page.locator('#room-list .room-link').first().waitFor();
    await assertNoViolations(page, 'chat page with no room open');

    await joinRoom(page, 'Lobby');
    await joinRoom(page, 'Random');
    await roomInList(page, 'Staff lounge').click();
    await roomPane(page, 'Staff lounge').locator('li.msg-error').waitFor();
    await roomTab(page, 'Lobby').click();
    await say(page, 'Lobby', 'Hello, is anyone here?');
    const lobbyId = await roomPane(page, 'Lobby').getAttribute('data-room-id');
    for (const msgType of [1, 2, 3]) {
      await callApi(
          admin.page, 'POST', `/api/rooms/${lobbyId}/messages`,
          {msg_type: msgType, message: `Notice of kind ${msgType}`});
    }
    await roomPane(page, 'Lobby').locator('li.msg-muted').waitFor();
    await waitForMembers(page, 'Lobby', ['bob']);
    await assertNoViolations(page, 'chat page, Lobby in view');
    await roomTab(page, 'Staff lounge').click();
    await assertNoViolations(page, 'chat page, the refused room with its ERROR line');

    // The phone layout's own parts: the open room drawer and the member list.
    await page.setViewportSize(PHONE);
    await page.getByRole('button', {name: 'Rooms', exact: true}).click();
    assert.deepEqual(await axeViolations(page), [], 'the room drawer open on a phone');
    await page.keyboard.press('Escape');
    await roomTab(page, 'Lobby').click();
    await roomPane(page, 'Lobby').getByRole('button', {name: /^People/}).click();
    assert.deepEqual(await axeViolations(page), [], 'the member list open on a phone');
    assert.equal(
        await page.getByRole('link', {name: 'Whisper'}).isVisible(), true,
        'the brand link keeps its name when its text is hidden');
    await page.setViewportSize(DESKTOP);
  });

  it('the admin page has no axe violations and fits a 390 px phone', async () => {
    const page = admin.page;
    await assertNoViolations(page, 'admin page');
    await page.setViewportSize(PHONE);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `no sideways scrolling (scrollWidth ${width})`);
    for (const name of ['Create room', 'Create user', 'Post notice', 'Log out']) {
      const box = await page.getByRole('button', {name, exact: true}).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `"${name}" is fully on screen`);
    }
    const titleHint = page.locator('#new-room-title-hint');
    assert.equal(await page.locator('#new-room-title').getAttribute('maxlength'), '200');
    assert.match(await titleHint.textContent(), /200 characters/);
    await page.setViewportSize(DESKTOP);
  });
});
