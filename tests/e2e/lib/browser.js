// Chromium for the tests: the system's /usr/bin/chromium driven by playwright-core
// (no browser download), one isolated context per person, and logging in through the
// real login form.

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {chromium} = require('playwright-core');

const OUTPUT_DIR = path.join(__dirname, '..', 'output');

function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'
    ],
  });
}

/**
 * A fresh browser context (its own cookies, like a second browser or an incognito
 * window) with one page. Page errors and CSP violations are collected in
 * `page.problems` so a test can assert the page ran cleanly.
 */
async function openPerson(browser, viewport = {
  width: 1280,
  height: 800
}) {
  const context = await browser.newContext({viewport});
  context.setDefaultTimeout(10000);
  const page = instrument(await context.newPage());
  return {context, page};
}

/**
 * Records on `page` what the tests check besides the screen: `problems` (page errors,
 * console errors other than the expected failed reconnect attempts), `webSockets` (how
 * many the page opened), `wsFrames` (every frame the server sent, decoded) and
 * `wsSent` (every frame the page sent, decoded).
 */
function instrument(page) {
  page.problems = [];
  page.webSockets = 0;
  page.wsFrames = [];
  page.wsSent = [];
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  // Failed loads are reported by URL (the console message has none); the favicon.ico
  // Chromium asks for on its own is not the page's doing. Failed WebSocket attempts
  // while the server is down are expected.
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/favicon.ico') {
      page.problems.push(`HTTP ${response.status()} for ${url.pathname}`);
    }
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' &&
        !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(text)) {
      page.problems.push(`console error: ${text}`);
    }
  });
  page.on('websocket', (ws) => {
    page.webSockets += 1;
    // E2E_TRACE=1 prints every frame both ways, for debugging a failing step.
    if (process.env.E2E_TRACE) {
      const who = page.url();
      ws.on('framesent', (frame) => console.log(`${who} > ${frame.payload}`));
      ws.on('framereceived', (frame) => console.log(`${who} < ${frame.payload}`));
    }
    const record = (list) => (frame) => {
      try {
        list.push(JSON.parse(frame.payload));
      } catch (err) {
        list.push({unparsed: String(frame.payload)});
      }
    };
    ws.on('framereceived', record(page.wsFrames));
    ws.on('framesent', record(page.wsSent));
  });
  return page;
}

/** Fills the login form the server showed and waits to land on `landing`. */
async function logIn(page, username, password, landing) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === landing),
    page.getByRole('button', {name: 'Log in'}).click(),
  ]);
}

async function screenshot(page, name) {
  fs.mkdirSync(OUTPUT_DIR, {recursive: true});
  const file = path.join(OUTPUT_DIR, name);
  await page.screenshot({path: file});
  return file;
}

module.exports = {
  launchBrowser,
  instrument,
  openPerson,
  logIn,
  screenshot,
  OUTPUT_DIR
};
