// receipt.mjs -- docs/verify-receipt.html in a real browser, with no server:
//
//   node receipt.mjs PAGE VKEY GOOD BAD
//
// Opens the static page from a file:// URL in Debian's chromium (headless,
// a fresh profile), pastes the receipt GOOD (a page written by `redress
// receipt`) and the verifier key VKEY, and expects "Verified"; then the
// receipt BAD (one event altered) and expects "NOT VERIFIED".  The page
// uses WebCrypto's Ed25519 and SHA-256 only.  Every request the page makes
// is counted: there must be none beyond the page itself.
//
// Exit 0: passed; 1: failed; 77: chromium or playwright-core is missing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const CHROMIUM = '/usr/bin/chromium';
const [page, vkey, good, bad] = process.argv.slice(2).map((p) => resolve(p));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('*** BROWSER TEST SKIPPED: playwright-core is not installed (npm ci in tests/browser) ***');
  process.exit(77);
}
if (!existsSync(CHROMIUM)) {
  console.error('*** BROWSER TEST SKIPPED: /usr/bin/chromium is not installed ***');
  process.exit(77);
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage();
  const requests = [];
  tab.on('request', (r) => requests.push(r.url()));
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(pathToFileURL(page).href);
  const run = async (file) => {
    await tab.fill('#text', readFileSync(file, 'utf8'));
    await tab.fill('#vkey', readFileSync(vkey, 'utf8').trim());
    await tab.click('#check');
    await tab.waitForFunction(() => document.getElementById('result').className !== '', null, { timeout: 20000 });
    return tab.textContent('#result');
  };
  const ok = await run(good);
  check(ok.startsWith('Verified:'), `the good receipt verifies: ${ok}`);
  const no = await run(bad);
  check(no.startsWith('NOT VERIFIED:') && no.includes('not in the signed log'), `the altered receipt is refused: ${no}`);
  check(requests.length === 1, `no request beyond the page itself (${requests.length})`);
  check(errors.length === 0, `no script error (${errors.join('; ')})`);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
