// The admin page's own behaviours, each through the browser against a real server:
// clear feedback on a refused change, edits that stick, a password reset that works,
// a room deleted under a person's feet, and the admin kept from non-staff users.

'use strict';

const assert = require('node:assert/strict');
const {after, before, describe, it} = require('node:test');

const {WhisperServer} = require('./lib/whisper-server');
const {launchBrowser, logIn, openPerson} = require('./lib/browser');
const {joinRoom, roomPane} = require('./lib/chat-page');

const ADMIN_PASSWORD = 'admin-e2e-password';

describe('the admin page', () => {
  let server;
  let browser;
  let admin;

  before(async () => {
    server = await WhisperServer.create({adminPassword: ADMIN_PASSWORD});
    await server.start();
    browser = await launchBrowser();
    admin = await openPerson(browser, {width: 1280, height: 900});
    await admin.page.goto(`${server.baseUrl}/admin/`);
    await logIn(admin.page, 'admin', ADMIN_PASSWORD, '/admin/');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.dispose();
  });

  async function createUser(username, password, {staff = false} = {}) {
    const page = admin.page;
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', {exact: true}).fill(password);
    await page.getByLabel('Staff', {exact: true}).setChecked(staff);
    await page.getByRole('button', {name: 'Create user'}).click();
  }

  async function createRoom(title) {
    await admin.page.getByLabel('Room title').fill(title);
    await admin.page.getByRole('button', {name: 'Create room'}).click();
    await admin.page.locator('#rooms-feedback', {hasText: `Created room “${title}”`}).waitFor();
  }

  it('a duplicate username is refused with a clear message', async () => {
    await createUser('carol', 'carol-password-1');
    await admin.page.locator('#users-feedback', {hasText: 'Created user “carol”'}).waitFor();
    await createUser('carol', 'another-password');
    const feedback = admin.page.locator('#users-feedback[data-kind="error"]');
    await feedback.waitFor();
    assert.match(await feedback.textContent(), /“carol” is already taken/);
    assert.equal(await admin.page.locator('#users-body tr', {hasText: 'carol'}).count(), 1);
  });

  it('renaming a room and making it staff-only are saved', async () => {
    await createRoom('Kitchen');
    const page = admin.page;
    await page.getByLabel('Title of room Kitchen').fill('Garden');
    await page.getByRole('button', {name: 'Rename Kitchen'}).click();
    await page.locator('#rooms-feedback', {hasText: 'Renamed “Kitchen” to “Garden”'}).waitFor();
    await page.getByLabel('Staff only: Garden').check();
    await page.locator('#rooms-feedback', {hasText: '“Garden” is now staff only'}).waitFor();

    await page.reload();
    await page.getByLabel('Title of room Garden').waitFor();
    assert.equal(await page.getByLabel('Staff only: Garden').isChecked(), true);
    assert.equal(await page.getByLabel('Title of room Kitchen').count(), 0);
  });

  it('a reset password is the one that logs in afterwards', async () => {
    await admin.page.getByLabel('New password for carol').fill('carol-password-2');
    await admin.page.getByRole('button', {name: 'Set password for carol'}).click();
    await admin.page.locator('#users-feedback', {hasText: 'Set a new password for carol'})
        .waitFor();

    const carol = await openPerson(browser);
    await carol.page.goto(`${server.baseUrl}/`);
    await carol.page.getByLabel('Username').fill('carol');
    await carol.page.getByLabel('Password').fill('carol-password-1');
    await carol.page.getByRole('button', {name: 'Log in'}).click();
    await carol.page.waitForLoadState();
    assert.match(
        new URL(carol.page.url()).pathname, /^\/accounts\/login\//,
        'the old password no longer works');
    await logIn(carol.page, 'carol', 'carol-password-2', '/');
    await carol.context.close();
  });

  it('a deactivated user cannot log in, and a deleted user leaves the list', async () => {
    await createUser('dave', 'dave-password-1');
    await admin.page.locator('#users-feedback', {hasText: 'Created user “dave”'}).waitFor();
    await admin.page.getByLabel('Active: dave').uncheck();
    await admin.page.locator('#users-feedback', {hasText: 'dave is no longer active'}).waitFor();

    const dave = await openPerson(browser);
    await dave.page.goto(`${server.baseUrl}/`);
    await dave.page.getByLabel('Username').fill('dave');
    await dave.page.getByLabel('Password').fill('dave-password-1');
    await dave.page.getByRole('button', {name: 'Log in'}).click();
    await dave.page.waitForLoadState();
    assert.match(new URL(dave.page.url()).pathname, /^\/accounts\/login\//);
    await dave.context.close();

    admin.page.once('dialog', (dialog) => dialog.accept());
    await admin.page.getByRole('button', {name: 'Delete user dave'}).click();
    await admin.page.locator('#users-feedback', {hasText: 'Deleted user “dave”'}).waitFor();
    assert.equal(await admin.page.locator('#users-body tr', {hasText: 'dave'}).count(), 0);
  });

  it('non-staff users are kept out of the admin', async () => {
    const carol = await openPerson(browser);
    await carol.page.goto(`${server.baseUrl}/`);
    await logIn(carol.page, 'carol', 'carol-password-2', '/');
    const response = await carol.page.goto(`${server.baseUrl}/admin/`);
    assert.equal(response.status(), 403);
    await carol.context.close();
  });

  it('deleting a room tells the people in it, inside that room', async () => {
    await createRoom('Doomed');
    const carol = await openPerson(browser);
    await carol.page.goto(`${server.baseUrl}/`);
    await logIn(carol.page, 'carol', 'carol-password-2', '/');
    await joinRoom(carol.page, 'Doomed');

    admin.page.once('dialog', (dialog) => dialog.accept());
    await admin.page.getByRole('button', {name: 'Delete room Doomed'}).click();
    await admin.page.locator('#rooms-feedback', {hasText: 'Deleted room “Doomed”'}).waitFor();

    const pane = roomPane(carol.page, 'Doomed');
    await pane.locator('li.msg-error[data-error-code="ROOM_INVALID"]').waitFor();
    assert.equal(await pane.getAttribute('data-state'), 'refused');
    await carol.page.locator('#room-list .room-link', {hasText: 'Doomed'}).waitFor({
      state: 'detached'
    });
    assert.deepEqual(carol.page.problems, []);
    await carol.context.close();
  });
});
