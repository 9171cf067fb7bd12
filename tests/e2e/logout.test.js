// The original's Logout is a plain link to /accounts/logout/ (a GET). Logging out on a
// GET would let any site log a visitor out, so the link shows a "Log out?" page whose
// button POSTs the form with its CSRF token; Cancel goes back to the chat. Also here,
// because it is the same small server: the icon browsers ask for at /favicon.ico.

'use strict';

const assert = require('node:assert/strict');
const {after, before, describe, it} = require('node:test');

const {WhisperServer} = require('./lib/whisper-server');
const {axeViolations} = require('./lib/axe');
const {launchBrowser, logIn, openPerson} = require('./lib/browser');

const ADMIN_PASSWORD = 'admin-e2e-password';

describe('logging out through the original link', () => {
  let server;
  let browser;

  before(async () => {
    server = await WhisperServer.create({adminPassword: ADMIN_PASSWORD});
    await server.start();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.dispose();
  });

  it('asks first; Cancel keeps the session and the button ends it', async () => {
    const {context, page} = await openPerson(browser);
    await page.goto(`${server.baseUrl}/`);
    await logIn(page, 'admin', ADMIN_PASSWORD, '/');

    // Following the link only asks.
    await page.goto(`${server.baseUrl}/accounts/logout/`);
    assert.equal(await page.getByRole('heading', {level: 1}).textContent(), 'Log out?');
    assert.deepEqual(await axeViolations(page), [], 'the "Log out?" page');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/'),
      page.getByRole('link', {name: /Cancel/}).click(),
    ]);
    await page.locator('#connection-status[data-state="open"]').waitFor({timeout: 15000});

    // The button logs out: the chat page sends to the login page from now on.
    await page.goto(`${server.baseUrl}/accounts/logout/`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/accounts/login/'),
      page.getByRole('button', {name: 'Log out'}).click(),
    ]);
    await page.goto(`${server.baseUrl}/`);
    assert.equal(new URL(page.url()).pathname, '/accounts/login/');
    await page.goto(`${server.baseUrl}/accounts/logout/`);
    assert.equal(new URL(page.url()).pathname, '/accounts/login/');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('finds the site icon at /favicon.ico', async () => {
    const {context, page} = await openPerson(browser);
    await page.goto(`${server.baseUrl}/accounts/login/`);
    // Chromium asks for /favicon.ico on its own (the login page names no icon), out of
    // the page's sight: the server's access log shows it got the redirect.
    const deadline = Date.now() + 10000;
    while (!/path=\/favicon\.ico status=301/.test(server.log()) && Date.now() < deadline) {
      await page.waitForTimeout(100);
    }
    assert.match(server.log(), /path=\/favicon\.ico status=301/);
    // What it does with the answer: follow the redirect and decode the SVG. An <img> of
    // the same address shows that handling from the page.
    const size = await page.evaluate(() => new Promise((resolve) => {
      const icon = new Image();
      icon.onload = () => resolve([icon.naturalWidth, icon.naturalHeight]);
      icon.onerror = () => resolve(null);
      icon.src = '/favicon.ico';
    }));
    assert.ok(size && size[0] > 0 && size[1] > 0, `the icon did not load: ${size}`);
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});
