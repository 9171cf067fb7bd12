// The Origin trap: the server accepts pages of the names in allowed_hosts only (here
// localhost:PORT, as the compose file does). Opened by another name (127.0.0.1:PORT),
// the chat page used to show "Reconnecting…" forever; it now says in words why, and
// which address to open instead. Opened as localhost it connects as usual.

'use strict';

const assert = require('node:assert/strict');
const {after, before, describe, it} = require('node:test');

const {WhisperServer} = require('./lib/whisper-server');
const {launchBrowser, logIn, openPerson, screenshot} = require('./lib/browser');

const ADMIN_PASSWORD = 'admin-e2e-password';

describe('a chat page opened by a name the server does not accept', () => {
  let server;
  let browser;

  before(async () => {
    server = await WhisperServer.create({
      adminPassword: ADMIN_PASSWORD,
      extraConfig: (port) => [`allowed_hosts = ["localhost:${port}"]`],
    });
    await server.start();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.dispose();
  });

  it('explains which address to open instead of reconnecting forever', async () => {
    const person = await openPerson(browser);
    const page = person.page;
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await logIn(page, 'admin', ADMIN_PASSWORD, '/');
    const notice = page.locator('#page-notice');
    await notice.waitFor({state: 'visible', timeout: 15000});
    const text = await notice.textContent();
    assert.match(text, new RegExp(
        `does not accept this address \\(Origin http://127\\.0\\.0\\.1:${server.port}\\)`));
    assert.match(text, new RegExp(`Open it as http://localhost:${server.port}`));
    assert.match(text, /allowed_hosts/);
    assert.equal(await page.locator('#connection-status').textContent(), 'Not connected');
    // It gave up: no further attempts pile up in the server's log.
    const attempts = page.webSockets;
    await page.waitForTimeout(2500);
    assert.equal(page.webSockets, attempts);
    await screenshot(page, 'origin-refused.png');
    await person.context.close();
  });

  it('the same page opened as localhost connects', async () => {
    const person = await openPerson(browser);
    const page = person.page;
    await page.goto(`http://localhost:${server.port}/`);
    await logIn(page, 'admin', ADMIN_PASSWORD, '/');
    await page.locator('#connection-status[data-state="open"]').waitFor({timeout: 15000});
    assert.equal(await page.locator('#page-notice').isHidden(), true);
    await person.context.close();
  });
});
