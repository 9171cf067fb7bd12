// The original multichat walkthrough, done by two people in two real browsers against
// a real whisper-server: the superuser sets up rooms and a user in the admin, both
// chat in the same room, one is in two rooms at once, the non-staff user is refused
// the staff-only room, markup stays text, an admin notice stands out, and the page
// survives a server restart by itself.

'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {after, before, describe, it} = require('node:test');

const {WhisperServer} = require('./lib/whisper-server');
const {instrument, launchBrowser, logIn, openPerson, screenshot, OUTPUT_DIR} =
    require('./lib/browser');
const {joinRoom, roomInList, roomPane, roomTab, say, waitForMembers, waitForMessage} =
    require('./lib/chat-page');

const ADMIN_PASSWORD = 'admin-e2e-password';
const BOB_PASSWORD = 'bob-e2e-password';

describe('the multichat walkthrough in two browsers', () => {
  let server;
  let browser;
  let admin;      // the superuser's browser: admin page, then chat
  let adminChat;  // the superuser's chat page (same context, second tab)
  let bob;        // the non-staff user's browser

  before(async () => {
    server = await WhisperServer.create({adminPassword: ADMIN_PASSWORD});
    await server.start();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.dispose();
  });

  it('the superuser logs into the admin and creates rooms (one staff-only) and a non-staff user',
     async () => {
       admin = await openPerson(browser, {width: 1280, height: 900});
       const page = admin.page;
       await page.goto(`${server.baseUrl}/admin/`);
       assert.match(
           new URL(page.url()).pathname, /^\/accounts\/login\//,
           'anonymous /admin/ goes to the login form');
       await logIn(page, 'admin', ADMIN_PASSWORD, '/admin/');

       for (const [title, staffOnly] of [
                ['Lobby', false], ['Random', false], ['Staff lounge', true]]) {
         await page.getByLabel('Room title').fill(title);
         await page.getByLabel('Staff only', {exact: true}).setChecked(staffOnly);
         await page.getByRole('button', {name: 'Create room'}).click();
         await page.locator('#rooms-feedback', {hasText: `Created room “${title}”`}).waitFor();
       }
       const rows = page.locator('#rooms-body tr');
       assert.equal(await rows.count(), 3);
       assert.equal(await page.getByLabel('Staff only: Staff lounge').isChecked(), true);
       assert.equal(await page.getByLabel('Staff only: Lobby').isChecked(), false);

       await page.getByLabel('Username').fill('bob');
       await page.getByLabel('Display name').fill('Bob Builder');
       await page.getByLabel('Password', {exact: true}).fill(BOB_PASSWORD);
       await page.getByLabel('Staff', {exact: true}).setChecked(false);
       await page.getByRole('button', {name: 'Create user'}).click();
       await page.locator('#users-feedback', {hasText: 'Created user “bob”'}).waitFor();
       assert.equal(await page.getByLabel('Staff: bob').isChecked(), false);
       assert.equal(await page.getByLabel('Active: bob').isChecked(), true);
       assert.deepEqual(page.problems, []);
     });

  it('two people in the same room each see the other\'s message', async () => {
    adminChat = instrument(await admin.context.newPage());
    await adminChat.goto(`${server.baseUrl}/`);
    bob = await openPerson(browser);
    await bob.page.goto(`${server.baseUrl}/`);
    await logIn(bob.page, 'bob', BOB_PASSWORD, '/');

    await joinRoom(adminChat, 'Lobby');
    await joinRoom(bob.page, 'Lobby');
    // The one already in the room is told who came in.
    await roomPane(adminChat, 'Lobby')
        .locator('li.msg-enter', {hasText: 'bob joined the room'})
        .waitFor();

    await say(adminChat, 'Lobby', 'Hello from the admin');
    await waitForMessage(bob.page, 'Lobby', 'admin', 'Hello from the admin');
    await say(bob.page, 'Lobby', 'Hi admin, bob here');
    await waitForMessage(adminChat, 'Lobby', 'bob', 'Hi admin, bob here');
    await waitForMessage(adminChat, 'Lobby', 'admin', 'Hello from the admin');

    // Presence: each room lists who is in it.
    await waitForMembers(bob.page, 'Lobby', ['admin', 'bob']);
    await waitForMembers(adminChat, 'Lobby', ['admin', 'bob']);
  });

  it('a person in two rooms receives messages from both over one connection', async () => {
    await joinRoom(adminChat, 'Random');
    await joinRoom(bob.page, 'Random');
    // bob looks at Lobby; Random is open in a tab that is not in view.
    await roomTab(bob.page, 'Lobby').click();

    await say(adminChat, 'Random', 'Over in Random');
    await roomTab(adminChat, 'Lobby').click();
    await say(adminChat, 'Lobby', 'Back in the Lobby');

    await waitForMessage(bob.page, 'Lobby', 'admin', 'Back in the Lobby');
    await waitForMessage(bob.page, 'Random', 'admin', 'Over in Random');
    // The room not in view counts what arrived there.
    const randomTab = roomTab(bob.page, 'Random');
    assert.equal((await randomTab.locator('.unread').textContent()).trim(), '1');
    await randomTab.click();
    assert.equal(
        await randomTab.locator('.unread').isHidden(), true, 'viewing the room clears its count');

    assert.equal(bob.page.webSockets, 1, 'every room travels over the one WebSocket');
  });

  it('the non-staff user trying the staff-only room sees the server\'s refusal there', async () => {
    const lounge = roomInList(bob.page, 'Staff lounge');
    await lounge.locator('.badge.locked').waitFor();
    const framesBefore = bob.page.wsFrames.length;
    await lounge.click();

    const refusal = roomPane(bob.page, 'Staff lounge')
                        .locator('li.msg-error[data-error-code="ROOM_ACCESS_DENIED"]');
    await refusal.waitFor();
    assert.equal(await roomPane(bob.page, 'Staff lounge').getAttribute('data-state'), 'refused');
    assert.equal(await bob.page.getByLabel('Message to Staff lounge').isDisabled(), true);
    const fromServer =
        bob.page.wsFrames.slice(framesBefore).find((f) => f.error === 'ROOM_ACCESS_DENIED');
    assert.ok(fromServer, 'the refusal shown is the frame the server sent');

    // The staff member is let into the same room.
    await joinRoom(adminChat, 'Staff lounge');
    await roomPane(bob.page, 'Staff lounge')
        .getByRole('button', {name: 'Close Staff lounge'})
        .click();
    await roomTab(adminChat, 'Lobby').click();
  });

  it('markup in a message is shown as text and never runs', async () => {
    const attack = '<img src=x onerror=window.__xss=1>';
    await roomTab(bob.page, 'Lobby').click();
    await say(bob.page, 'Lobby', attack);
    const line = await waitForMessage(adminChat, 'Lobby', 'bob', attack);
    assert.equal(await line.locator('.msg-text').textContent(), attack);
    assert.equal(await roomPane(adminChat, 'Lobby').locator('.messages img').count(), 0);
    await waitForMessage(bob.page, 'Lobby', 'bob', attack);
    assert.equal(await adminChat.evaluate(() => window.__xss), undefined);
    assert.equal(await bob.page.evaluate(() => window.__xss), undefined);
  });

  it('an alert notice posted from the admin stands out in the room', async () => {
    const page = admin.page;
    await page.bringToFront();
    await page.getByLabel('Room', {exact: true}).selectOption({label: 'Lobby'});
    await page.getByLabel('Kind').selectOption({label: 'Alert'});
    await page.getByLabel('Notice text').fill('The server restarts in five minutes.');
    await page.getByRole('button', {name: 'Post notice'}).click();
    await page.locator('#notice-feedback', {hasText: 'Sent the alert to “Lobby”'}).waitFor();

    const notice = roomPane(bob.page, 'Lobby').locator('li.msg-alert[data-msg-type="2"]', {
      hasText: 'The server restarts in five minutes.'
    });
    await notice.waitFor();
    const chat = roomPane(bob.page, 'Lobby').locator('li.msg-message').first();
    const look = (loc) => loc.evaluate((node) => getComputedStyle(node).backgroundColor);
    assert.notEqual(
        await look(notice), await look(chat), 'an alert does not look like a chat message');
    assert.equal((await notice.locator('.msg-kind').textContent()).trim(), 'Alert');
  });

  it('screenshots show the chat with two rooms, the admin, and the phone layout without overflow',
     async () => {
       await adminChat.bringToFront();
       const lobbyLine = 'Both rooms stay open in tabs; unread counts show on the others.';
       await say(adminChat, 'Lobby', lobbyLine);
       await waitForMessage(bob.page, 'Lobby', 'admin', lobbyLine);
       await say(adminChat, 'Random', 'Anyone around in Random?');
       await waitForMessage(bob.page, 'Random', 'admin', 'Anyone around in Random?');
       assert.equal(
           (await roomTab(bob.page, 'Random').locator('.unread').textContent()).trim(), '1');
       await screenshot(bob.page, 'chat.png');
       await admin.page.reload();
       await admin.page.locator('#rooms-body tr').first().waitFor();
       await screenshot(admin.page, 'admin.png');

       await bob.page.setViewportSize({width: 390, height: 844});
       const overflow = await bob.page.evaluate(() => document.documentElement.scrollWidth);
       assert.ok(overflow <= 390, `the page fits a 390px phone (scrollWidth ${overflow})`);
       assert.equal(
           await bob.page.locator('#room-list-panel').isHidden(), true, 'the room list folds away');
       await screenshot(bob.page, 'chat-phone.png');
       await bob.page.getByRole('button', {name: 'Rooms', exact: true}).click();
       assert.equal(await bob.page.locator('#room-list-panel').isVisible(), true);
       await screenshot(bob.page, 'chat-phone-rooms.png');
       await roomInList(bob.page, 'Lobby').click();
       await bob.page.setViewportSize({width: 1280, height: 800});
       assert.ok(fs.existsSync(path.join(OUTPUT_DIR, 'chat.png')));
     });

  it('after a server restart the page reconnects, re-joins its rooms and messages flow again',
     async () => {
       await server.stop();
       for (const page of [adminChat, bob.page]) {
         await page.locator('#connection-status', {hasText: 'Reconnecting'}).waitFor();
         await roomPane(page, 'Lobby').locator('li.msg-disconnected').waitFor({state: 'attached'});
       }
       await server.start();  // same port, same database: the sessions are still valid
       for (const page of [adminChat, bob.page]) {
         await page.locator('#connection-status', {hasText: 'Connected'}).waitFor({timeout: 30000});
         for (const title of ['Lobby', 'Random']) {
           await roomPane(page, title).and(page.locator('[data-state="joined"]')).waitFor({
             state: 'attached',
             timeout: 15000
           });
         }
       }
       await say(bob.page, 'Lobby', 'Still here after the restart');
       await waitForMessage(adminChat, 'Lobby', 'bob', 'Still here after the restart');
       await say(adminChat, 'Random', 'Random works too');
       await waitForMessage(bob.page, 'Random', 'admin', 'Random works too');
       for (const page of [admin.page, adminChat, bob.page]) assert.deepEqual(page.problems, []);
     });
});
