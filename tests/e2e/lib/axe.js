// Accessibility checks with axe-core (npm, pinned by the lock file): the library is
// injected into the page with a script tag and run there, on the page as it is now.
// The tag loads it from a same-origin path the test answers itself, so the page's
// Content-Security-Policy (script-src 'self') stays on while axe runs.

'use strict';

const fs = require('node:fs');

const AXE_PATH = '/__e2e__/axe.min.js';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe on `page` and resolves to its violations, each reduced to what a failing
 * assertion should print: the rule, its help text and the offending elements.
 */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.route(
        (url) => url.pathname === AXE_PATH,
        (route) => route.fulfill({contentType: 'text/javascript', body: AXE_SOURCE}));
    await page.addScriptTag({url: AXE_PATH});
  }
  const result = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
  return result.violations.map(
      (violation) => ({
        rule: violation.id,
        help: violation.help,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
      }));
}

module.exports = {axeViolations};
