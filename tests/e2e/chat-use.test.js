// The chat page as people use it day to day: nothing typed is lost (the length limit,
// a refused message, a reload), who is in a room is visible and stays current, the
// keyboard reaches everything, a reconnect does not repeat every "joined" notice, and
// a session ended elsewhere stops the retries and says how to log in again.

'use strict';

const assert = require('node:assert/strict');
const {after, before, describe, it} = require('node:test');

const {WhisperServer} = require('./lib/whisper-server');
const {instrument, launchBrowser, logIn, openPerson} = require('./lib/browser');
const {joinRoom, roomPane, roomTab, say, waitForFrame, waitForMembers, waitForMessage} =
    require('./lib/chat-page');
const {callApi, createRooms, createUser} = require('./lib/site-setup');

const ADMIN_PASSWORD = 'admin-e2e-password';
const BOB_PASSWORD = 'bob-e2e-password';
const CAROL_PASSWORD = 'carol-e2e-password';
// Small, so the tests type little; the page must learn it from the server.
const MAX_MESSAGE_BYTES = 1000;

describe('the chat page as people use it', () => {
  let server;
  let browser;
  let adminChat;  // the superuser's chat page
  let bob;        // {context, page}: the non-staff user's browser
  let roomIds;    // title -> id
  let carolId;    // a user the admin deactivates

  before(async () => {
    server = await WhisperServer.create({
      adminPassword: ADMIN_PASSWORD,
      extraConfig: () => [`max_message_bytes = ${MAX_MESSAGE_BYTES}`],
    });
    await server.start();
    browser = await launchBrowser();
    const admin = await openPerson(browser);
    adminChat = admin.page;
    await adminChat.goto(`${server.baseUrl}/`);
    await logIn(adminChat, 'admin', ADMIN_PASSWORD, '/');
    roomIds =
        await createRooms(adminChat, [['Lobby', false], ['Random', false], ['Staff lounge', true]]);
    await createUser(adminChat, 'bob', BOB_PASSWORD);
    carolId = (await createUser(adminChat, 'carol', CAROL_PASSWORD)).id;
    await adminChat.reload();
    bob = await openPerson(browser);
    await bob.page.goto(`${server.baseUrl}/`);
    await logIn(bob.page, 'bob', BOB_PASSWORD, '/');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.dispose();
  });

  it('the composer counts toward the server\'s limit and never sends text over it', async () => {
    const page = bob.page;
    await joinRoom(page, 'Lobby');
    const box = page.getByLabel('Message to Lobby');
    const counter = roomPane(page, 'Lobby').locator('.composer-counter');
    assert.equal(await box.evaluate((node) => node.tagName), 'TEXTAREA');

    await box.fill('x'.repeat(700));
    assert.equal(await counter.isHidden(), true, 'no counter far from the limit');
    await box.fill('x'.repeat(850));
    assert.equal(await counter.isVisible(), true, 'the counter appears past 80 %');
    assert.equal(
        (await counter.locator('.composer-count').textContent()), `850 / ${MAX_MESSAGE_BYTES}`);

    const tooLong = 'y'.repeat(MAX_MESSAGE_BYTES + 10);
    await box.fill(tooLong);
    assert.match(await counter.textContent(), /Too long: shorten the message to send it\./);
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    const sentBefore = page.wsSent.length;
    await box.press('Enter');
    assert.equal(await box.inputValue(), tooLong, 'the text stays in the box');
    assert.equal(
        page.wsSent.slice(sentBefore).filter((f) => f.command === 'send').length, 0,
        'nothing over the limit goes to the server');

    // Shift+Enter starts a new line; Enter sends both lines as one message.
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    assert.equal(await box.inputValue(), 'line one\nline two');
    await box.press('Enter');
    const line = await waitForMessage(page, 'Lobby', 'bob', 'line one\nline two');
    assert.equal(await line.locator('.msg-text').textContent(), 'line one\nline two');
    assert.equal(await box.inputValue(), '', 'a delivered message leaves the box');
  });

  it('text the server refuses as too long comes back into the composer', async () => {
    const page = bob.page;
    // A room opened while the page believes in a larger limit than the server's: only
    // the server refuses.
    const setLimit = (bytes) => page.evaluate((value) => {
      document.querySelector('meta[name="whisper-max-message-bytes"]').content = value;
    }, String(bytes));
    await setLimit(100000);
    await joinRoom(page, 'Random');
    await setLimit(MAX_MESSAGE_BYTES);
    const box = page.getByLabel('Message to Random');
    const text = `Too long for the server ${'z'.repeat(MAX_MESSAGE_BYTES)}`;
    await box.fill(text);
    await box.press('Enter');
    const refusal =
        roomPane(page, 'Random').locator('li.msg-error[data-error-code="MESSAGE_TOO_LONG"]');
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /shorten it/);
    assert.equal(await box.inputValue(), text, 'the refused text is back in the box');
    await box.fill('');
  });

  it('a reload reopens the rooms the tab had open, the one in view, and drops refused ones',
     async () => {
       const page = bob.page;
       await joinRoom(page, 'Random');
       await roomTab(page, 'Lobby').click();
       // A room this person may not enter, as if it were open before the staff flag changed.
       await page.evaluate(([lobby, random, lounge]) => {
         const key = 'whisper.open-rooms.bob';
         sessionStorage.setItem(
             key, JSON.stringify({open: [lobby, lounge, random], active: lobby}));
       }, [roomIds.Lobby, roomIds.Random, roomIds['Staff lounge']]);

       await page.reload();
       for (const title of ['Lobby', 'Random']) {
         await roomPane(page, title).and(page.locator('[data-state="joined"]')).waitFor({
           state: 'attached'
         });
       }
       await waitForFrame(page, (f) => f.error === 'ROOM_ACCESS_DENIED');
       await page.locator(`#room-tab-${roomIds['Staff lounge']}`).waitFor({state: 'detached'});
       assert.deepEqual(
           await page.getByRole('tab').locator('.tab-title').allTextContents(),
           ['Lobby', 'Random']);
       assert.equal(await roomTab(page, 'Lobby').getAttribute('aria-selected'), 'true');
       assert.equal(
           await page.locator('li.msg-error').count(), 0, 'the refused room fails quietly');
       const saved =
           await page.evaluate(() => JSON.parse(sessionStorage.getItem('whisper.open-rooms.bob')));
       assert.deepEqual(saved, {open: [roomIds.Lobby, roomIds.Random], active: roomIds.Lobby});
     });

  it('the member list shows who is in the room and follows them coming and going', async () => {
    await joinRoom(adminChat, 'Lobby');
    await waitForMembers(bob.page, 'Lobby', ['admin', 'bob']);
    await waitForMembers(adminChat, 'Lobby', ['admin', 'bob']);
    assert.equal(
        await roomPane(bob.page, 'Lobby').locator('.member.me .member-username').textContent(),
        'bob');

    await roomPane(adminChat, 'Lobby').getByRole('button', {name: 'Leave Lobby'}).click();
    await waitForMembers(bob.page, 'Lobby', ['bob']);
    await roomPane(bob.page, 'Lobby')
        .locator('li.msg-leave', {hasText: 'admin left the room'})
        .waitFor();
    await joinRoom(adminChat, 'Lobby');
    await waitForMembers(bob.page, 'Lobby', ['admin', 'bob']);
    // A second "joined" line: coming back after leaving is news, unlike a reconnect.
    await roomPane(bob.page, 'Lobby')
        .locator('li.msg-enter', {hasText: 'admin joined the room'})
        .nth(1)
        .waitFor();
    assert.equal(
        await roomPane(bob.page, 'Lobby').getByRole('button', {name: 'People (2)'}).isHidden(),
        true, 'on a wide screen the list is always shown, without a toggle');

    // On a phone the list folds behind its button.
    await bob.page.setViewportSize({width: 390, height: 800});
    const members = roomPane(bob.page, 'Lobby').locator('.members');
    assert.equal(await members.isHidden(), true);
    const toggle = roomPane(bob.page, 'Lobby').getByRole('button', {name: 'People (2)'});
    await toggle.click();
    assert.equal(await members.isVisible(), true);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();
    assert.equal(await members.isHidden(), true);
    await bob.page.setViewportSize({width: 1280, height: 800});
  });

  it('the keyboard moves between tabs, closes the room drawer, and skips to the composer',
     async () => {
       const page = bob.page;
       await roomTab(page, 'Lobby').click();
       await roomTab(page, 'Lobby').focus();
       await page.keyboard.press('ArrowRight');
       const focusedTab = () => page.evaluate(() => document.activeElement.textContent);
       assert.match(await focusedTab(), /^Random/);
       assert.equal(await roomTab(page, 'Random').getAttribute('aria-selected'), 'true');
       const tabStops = await page.getByRole('tab').evaluateAll(
           (tabs) =>
               tabs.map((tab) => `${tab.textContent.replace(/[0-9×]/g, '')}:${tab.tabIndex}`));
       assert.deepEqual(tabStops, ['Lobby:-1', 'Random:0'], 'only the selected tab is a tab stop');
       await page.keyboard.press('ArrowRight');  // wraps around
       assert.match(await focusedTab(), /^Lobby/);
       await page.keyboard.press('End');
       assert.match(await focusedTab(), /^Random/);
       await page.keyboard.press('Home');
       assert.match(await focusedTab(), /^Lobby/);

       // The skip link is the first stop and lands in the composer of the room in view.
       assert.equal(await page.evaluate(() => document.body.firstElementChild.id), 'skip-link');
       await page.locator('#skip-link').focus();
       assert.ok((await page.locator('#skip-link').boundingBox()).y >= 0, 'it shows when focused');
       await page.keyboard.press('Enter');
       assert.equal(
           await page.evaluate(() => document.activeElement.id), `message-${roomIds.Lobby}`);

       await page.setViewportSize({width: 390, height: 800});
       await page.getByRole('button', {name: 'Rooms', exact: true}).click();
       assert.equal(await page.locator('#room-list-panel').isVisible(), true);
       await page.keyboard.press('Escape');
       assert.equal(await page.locator('#room-list-panel').isHidden(), true);
       assert.equal(await page.evaluate(() => document.activeElement.id), 'rooms-toggle');
       await page.setViewportSize({width: 1280, height: 800});
     });

  it('after a reconnect each room shows one "reconnected" line, not everyone joining again',
     async () => {
       const pages = [adminChat, bob.page];
       await bob.page.setViewportSize({width: 390, height: 800});
       await server.stop();
       for (const page of pages) {
         await page.locator('#connection-status', {hasText: 'Reconnecting'}).waitFor();
         await roomPane(page, 'Lobby').locator('li.msg-disconnected').waitFor({state: 'attached'});
       }
       // The status pill keeps its words on a phone instead of being cut short.
       const pill =
           await bob.page.locator('#connection-status')
               .evaluate(
                   (node) =>
                       ({text: node.innerText, clipped: node.scrollWidth > node.clientWidth}));
       assert.deepEqual(pill, {text: 'Reconnecting…', clipped: false});
       assert.ok(await bob.page.evaluate(() => document.documentElement.scrollWidth) <= 390);
       await bob.page.setViewportSize({width: 1280, height: 800});

       const framesBefore = pages.map((page) => page.wsFrames.length);
       await server.start();
       for (const page of pages) {
         await page.locator('#connection-status', {hasText: 'Connected'}).waitFor({timeout: 30000});
         await waitForMembers(page, 'Lobby', ['admin', 'bob']);
       }
       // Whoever re-joined first was told the other one entered: that is the notice the
       // page must not repeat.
       const enterFrames = pages.map(
           (page, i) =>
               page.wsFrames.slice(framesBefore[i]).filter((f) => f.msg_type === 4).length);
       assert.ok(enterFrames[0] + enterFrames[1] >= 1, 'an enter notice reached one of the pages');
       for (const page of pages) {
         const sinceDrop = roomPane(page, 'Lobby').locator('li.msg-disconnected ~ li');
         await roomPane(page, 'Lobby').locator('li.msg-reconnected').waitFor({state: 'attached'});
         assert.deepEqual(
             await sinceDrop.evaluateAll((lines) => lines.map((line) => line.className)),
             ['msg msg-system msg-reconnected']);
       }
     });

  it('a session ended elsewhere stops the retries and offers to log in again', async () => {
    const page = bob.page;
    await roomPane(page, 'Lobby').and(page.locator('[data-state="joined"]')).waitFor();
    // The same browser, another tab: logging out there ends this tab's session too.
    const other = instrument(await bob.context.newPage());
    await other.goto(`${server.baseUrl}/`);
    await Promise.all([
      other.waitForURL((url) => url.pathname.startsWith('/accounts/login/')),
      other.getByRole('button', {name: 'Log out'}).click(),
    ]);

    await page.locator('#connection-status', {hasText: 'Signed out'}).waitFor();
    const notice = page.locator('#page-notice');
    assert.match(await notice.textContent(), /Your session has ended/);
    const link = notice.getByRole('link', {name: 'Log in again'});
    assert.equal(await link.getAttribute('href'), '/accounts/login/?next=%2F');
    const socketsWhenEnded = page.webSockets;
    assert.equal(await page.getByLabel('Message to Lobby').isDisabled(), true);

    // Logging back in on the other tab takes longer than the first retry would have.
    await other.goto(`${server.baseUrl}/`);
    await logIn(other, 'bob', BOB_PASSWORD, '/');
    assert.equal(page.webSockets, socketsWhenEnded, 'no further connection attempts');
    assert.equal(await page.locator('#connection-status').innerText(), 'Signed out');
    // The page asked whether the session still holds; the 401 answer is the expected "no".
    assert.deepEqual(page.problems.filter((p) => p !== 'HTTP 401 for /api/me'), []);
    for (const p of [adminChat, other]) assert.deepEqual(p.problems, []);
  });

  it('thirty rooms reopen after a reload without tripping the command rate limit', async () => {
    // Two commands a room (join, then room_users) is 60 at once, past the server's burst
    // of 40: the page paces them.
    const titles = Array.from({length: 30}, (_, i) => `Busy ${i + 1}`);
    const ids = await createRooms(adminChat, titles.map((title) => [title, false]));
    const {context, page} = await openPerson(browser);
    await page.goto(`${server.baseUrl}/`);
    await logIn(page, 'admin', ADMIN_PASSWORD, '/');
    await page.evaluate((open) => {
      sessionStorage.setItem('whisper.open-rooms.admin', JSON.stringify({open, active: open[0]}));
    }, titles.map((title) => ids[title]));
    await page.reload();
    const joined = page.locator('[role="tabpanel"][data-state="joined"]');
    const deadline = Date.now() + 15000;
    while ((await joined.count()) < titles.length && Date.now() < deadline) {
      await page.waitForTimeout(100);
    }
    assert.equal(await joined.count(), titles.length, 'every room joined again');
    // Every room's member list was asked for too, and nothing was refused.
    await waitForFrame(page, (f) => f.type === 6 && String(f.room) === ids[titles.at(-1)]);
    assert.equal(page.wsFrames.filter((f) => f.error === 'RATE_LIMITED').length, 0);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('a deactivated account is signed out the same way', async () => {
    const carol = await openPerson(browser);
    await carol.page.goto(`${server.baseUrl}/`);
    await logIn(carol.page, 'carol', CAROL_PASSWORD, '/');
    await joinRoom(carol.page, 'Lobby');
    await callApi(adminChat, 'PATCH', `/api/users/${carolId}`, {is_active: false});
    await carol.page.locator('#connection-status', {hasText: 'Signed out'}).waitFor();
    assert.match(await carol.page.locator('#page-notice').textContent(), /Your session has ended/);
    assert.deepEqual(carol.page.problems.filter((p) => p !== 'HTTP 401 for /api/me'), []);
  });
});
