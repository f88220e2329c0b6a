// The console (apps/console/public) in headless Chromium against a real in-process gateway: the dev token from
// the URL, prompts answered as tables and an email preview, live progress, history, presence, webhook leads
// with a notification while the tab is hidden, keyboard-selectable suggestions, voice prompts through a fake
// SpeechRecognition, the replaced / refused / expired / draining states and a 375 px screen. Each state is saved as a
// screenshot in test-artifacts/console/. Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium); fails without it.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWebhookSecret } from '../../gateway/src/webhooks/leadlovers.js';
import { startGateway, type TestGateway } from '../../gateway/test/helpers/gateway.js';
import { closeServer, listenLocal } from '../../gateway/test/helpers/http.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/console/', import.meta.url));
const WEBHOOK_SECRET = 'console-webhook-secret-0123456789-abcdefghij';
/** Every MCP call takes this long, so a prompt's progress is on screen long enough to be seen. */
const LATENCY_MS = 800;
const WAIT = { timeout: 15_000 };

const MACHINES = 'Liste todas as máquinas disponíveis';
const CREATE_LEAD = 'Crie um lead chamado Carlos Silva, email carlos@empresa.com, na máquina 12345';
// get_leads pages 20 by default and machine 12345 holds more: ask for a page big enough to include the new lead.
const LIST_LEADS = 'Liste os leads da máquina 12345, 50 por página';
const EMAIL = 'Crie um email de Black Friday com 50% de desconto para curso de marketing';

/** The policy the gateway sends with the console (apps/console/README.md documents it). */
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; " +
  "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Init scripts are strings: they run in the page before its own scripts, outside vitest's module transform.
/** Notifications and page visibility the test controls: window.__hidden, window.__notifications. */
const FAKE_NOTIFICATIONS = `
  window.__notifications = [];
  window.__hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get() { return window.__hidden ? 'hidden' : 'visible'; } });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return window.__hidden; } });
  class FakeNotification {
    constructor(title, options) { window.__notifications.push({ title, body: options && options.body, tag: options && options.tag }); }
    close() {}
  }
  FakeNotification.permission = 'default';
  FakeNotification.requestPermission = () => { FakeNotification.permission = 'granted'; return Promise.resolve('granted'); };
  window.Notification = FakeNotification;
`;
/** A SpeechRecognition whose results the test dictates: window.__speech.instances.at(-1).say(text, isFinal). */
const FAKE_SPEECH = `
  window.__speech = { instances: [] };
  class FakeRecognition {
    constructor() { this.lang = ''; this.interimResults = false; this.ended = false; window.__speech.instances.push(this); }
    start() { this.started = true; }
    stop() { this.end(); }
    abort() { this.ended = true; }
    say(text, isFinal) {
      const result = Object.assign([{ transcript: text, confidence: 0.9 }], { isFinal });
      if (this.onresult) this.onresult({ resultIndex: 0, results: [result] });
    }
    end() { if (this.ended) return; this.ended = true; if (this.onend) this.onend(); }
  }
  window.SpeechRecognition = FakeRecognition;
  delete window.webkitSpeechRecognition;
`;
const NO_SPEECH = `delete window.SpeechRecognition; delete window.webkitSpeechRecognition;`;

describe('the console in a browser', () => {
  let gw: TestGateway;
  let browser: Browser;
  /** Alice's page: opened by the first test, used by the ones after it (history, presence, leads, suggestions). */
  let alice: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    [gw, browser] = await Promise.all([
      startGateway({ WEBHOOK_SECRET, EMBEDDED_LATENCY_MS: String(LATENCY_MS) }),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  async function newPage(options: { init?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } });
    if (options.init) await context.addInitScript({ content: options.init });
    const page = await context.newPage();
    return { context, page };
  }

  /** Opens the console the way dev mode prints it (/#token=…), which connects straight away. */
  async function openWithToken(token: string, options: { init?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const opened = await newPage(options);
    await opened.page.goto(`${gw.url}/#token=${encodeURIComponent(token)}`);
    return opened;
  }

  const waitState = (page: Page, state: string) => page.locator(`#status-pill[data-state="${state}"]`).waitFor(WAIT);
  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

  function entryFor(page: Page, prompt: string): Locator {
    return page.locator('#log article.entry-prompt', { has: page.locator('.prompt-text', { hasText: prompt }) }).last();
  }

  async function send(page: Page, prompt: string): Promise<Locator> {
    await page.fill('#prompt', prompt);
    await page.press('#prompt', 'Enter');
    return entryFor(page, prompt);
  }

  async function answered(entry: Locator): Promise<Locator> {
    const response = entry.locator('.response');
    await response.waitFor(WAIT);
    return response;
  }

  async function postLead(account: string, body: Record<string, unknown>): Promise<void> {
    const url = `${gw.url}/webhooks/leadlovers/${account}/${accountWebhookSecret(WEBHOOK_SECRET, account)}`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }

  it('connects with the dev token from the URL and answers prompts: progress, machines, a new lead, an email', async () => {
    const token = await gw.token('alice', { account: 'acme', name: 'Alice Andrade' });
    ({ page: alice } = await openWithToken(token, { init: FAKE_NOTIFICATIONS }));
    await waitState(alice, 'connected');
    // The token left the address bar and stays in this browser.
    expect(new URL(alice.url()).hash).toBe('');
    expect(await alice.evaluate(`localStorage.getItem('leadlovers.console.token')`)).toBe(token);
    expect(await alice.locator('#token-claims').textContent()).toContain('account: acme');
    await shot(alice, 'connected');

    const machines = await send(alice, MACHINES);
    // Live progress while the tool runs (each MCP call takes LATENCY_MS).
    await machines.locator('.progress:not([hidden]) .progress-line', { hasText: 'get_machines' }).waitFor(WAIT);
    await shot(alice, 'progress');
    const machinesResponse = await answered(machines);
    await machinesResponse.locator('table[data-kind="machines"] td', { hasText: /^12345$/ }).waitFor(WAIT);
    expect(await machines.locator('.progress').count()).toBe(0);
    expect(await machinesResponse.locator('table[data-kind="machines"] tbody tr').count()).toBe(4);
    await shot(alice, 'machines');

    const created = await answered(await send(alice, CREATE_LEAD));
    expect(await created.getAttribute('data-tool')).toBe('create_lead');
    await created.locator('table[data-kind="lead"] td', { hasText: 'Carlos Silva' }).waitFor(WAIT);

    const leads = await answered(await send(alice, LIST_LEADS));
    await leads.locator('table[data-kind="leads"] td', { hasText: 'carlos@empresa.com' }).waitFor(WAIT);
    await shot(alice, 'leads-table');

    const email = await answered(await send(alice, EMAIL));
    const frame = email.locator('iframe.email-frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain('<html');
    await alice.frameLocator('#log iframe.email-frame').last().locator('body', { hasText: 'Black Friday' }).waitFor(WAIT);
    await email.scrollIntoViewIfNeeded();
    await shot(alice, 'email-preview');
  });

  it('shows the history and who of the account is online', async () => {
    const history = alice.locator('#history-output');
    await history.locator('.history-input', { hasText: MACHINES }).waitFor(WAIT);
    await history.locator('.history-input', { hasText: CREATE_LEAD }).waitFor(WAIT);
    await alice.locator('#presence-list li[data-user-id="alice"]', { hasText: 'você' }).waitFor(WAIT);

    const { context: bobContext, page: bob } = await openWithToken(await gw.token('bob', { account: 'acme', name: 'Bob Barros' }));
    await waitState(bob, 'connected');
    await alice.locator('#presence-list li[data-user-id="bob"]', { hasText: 'Bob Barros' }).waitFor(WAIT);
    await bob.locator('#presence-list li[data-user-id="alice"]').waitFor(WAIT);
    expect(await alice.locator('#presence-count').textContent()).toBe('2');
    await shot(alice, 'history-presence');

    await bobContext.close();
    await alice.locator('#presence-list li[data-user-id="bob"]').waitFor({ state: 'detached', ...WAIT });
  });

  it('shows webhook leads live and notifies while the tab is hidden (after permission)', async () => {
    // Permission is asked only from a click.
    await alice.click('#notify-enable');
    await alice.locator('#notify-enable').waitFor({ state: 'hidden', ...WAIT });
    expect(await alice.locator('#notify-state').textContent()).toContain('Notificações ativas');

    const lead = (id: number, name: string) => ({
      Id: id,
      Email: `lead${id}@example.com`,
      CreatedDate: '2026-11-30T10:00:00',
      FixedFieldsEntity: { Name: name, Phone: '11999990000', Company: 'ACME', City: 'São Paulo', State: 'SP' },
      DynamicFields: [],
    });
    await postLead('acme', lead(9001, 'Maria Souza'));
    await alice.locator('#leads-feed li[data-lead-id="9001"]', { hasText: 'Maria Souza' }).waitFor(WAIT);
    expect(await alice.evaluate('window.__notifications.length')).toBe(0); // visible tab: the feed is enough

    await alice.evaluate('window.__hidden = true');
    await postLead('acme', lead(9002, 'João Lima'));
    await alice.locator('#leads-feed li[data-lead-id="9002"]', { hasText: 'lead9002@example.com' }).waitFor(WAIT);
    expect(await alice.evaluate('window.__notifications')).toEqual([
      { title: 'Novo lead: João Lima', body: 'lead9002@example.com · ACME · São Paulo/SP', tag: 'lead-9002' },
    ]);
    await alice.evaluate('window.__hidden = false');
    // Newest first, and another account's lead never shows up here.
    await postLead('other-account', lead(9003, 'Fora Daqui'));
    await postLead('acme', lead(9004, 'Ana Costa'));
    await alice.locator('#leads-feed li[data-lead-id="9004"]').waitFor(WAIT);
    expect(await alice.locator('#leads-feed li').evaluateAll((items) => items.map((li) => li.getAttribute('data-lead-id')))).toEqual(['9004', '9002', '9001']);
    expect(await alice.locator('#leads-count').textContent()).toBe('3');
    await shot(alice, 'leads-feed');
  });

  it('suggests prompts while typing; arrows, Enter, Tab and Escape pick or close them', async () => {
    const options = alice.locator('#suggestions [role="option"]');
    const prompts = () => alice.locator('#log article.entry-prompt').count();
    const before = await prompts();
    await alice.fill('#prompt', '');
    await alice.locator('#prompt').pressSequentially('liste', { delay: 40 });
    await options.first().waitFor(WAIT);
    const texts = await options.locator('.suggestion-text').allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).toMatch(/^Liste /);
    await shot(alice, 'suggestions');

    await alice.press('#prompt', 'Escape');
    await alice.locator('#suggestions').waitFor({ state: 'hidden', ...WAIT });
    expect(await alice.inputValue('#prompt')).toBe('liste');

    // Typing again reopens them; ↓ ↓ Enter takes the second one (and sends nothing).
    await alice.press('#prompt', 'Backspace');
    await alice.locator('#prompt').pressSequentially('e');
    await options.first().waitFor(WAIT);
    expect(texts.length).toBeGreaterThan(1);
    await alice.press('#prompt', 'ArrowDown');
    await alice.press('#prompt', 'ArrowDown');
    const second = options.nth(1);
    expect(await second.getAttribute('aria-selected')).toBe('true');
    expect(await alice.getAttribute('#prompt', 'aria-activedescendant')).toBe(await second.getAttribute('id'));
    const secondText = await second.locator('.suggestion-text').textContent();
    await alice.press('#prompt', 'Enter');
    expect(await alice.inputValue('#prompt')).toBe(secondText);
    expect(await alice.locator('#suggestions').isHidden()).toBe(true);
    expect(await prompts()).toBe(before);

    // Tab takes the first one; then Enter sends it, and it is a prompt the gateway understands.
    await alice.fill('#prompt', '');
    await alice.locator('#prompt').pressSequentially('liste', { delay: 40 });
    await options.first().waitFor(WAIT);
    const firstText = await options.first().locator('.suggestion-text').textContent();
    await alice.press('#prompt', 'Tab');
    expect(await alice.inputValue('#prompt')).toBe(firstText);
    await expect.poll(() => alice.evaluate('document.activeElement.id')).toBe('prompt');
    await alice.press('#prompt', 'Enter');
    const response = await answered(entryFor(alice, firstText ?? ''));
    expect(await response.getAttribute('class')).toContain('response-ok');
  });

  it('voice: the live transcript is sent as a prompt once confirmed; the language is selectable', async () => {
    const { page } = await openWithToken(await gw.token('carol', { account: 'voice-account' }), { init: FAKE_SPEECH });
    await waitState(page, 'connected');
    await page.locator('#mic').waitFor(WAIT);
    expect(await page.inputValue('#voice-lang')).toBe('pt-BR');

    await page.click('#mic');
    expect(await page.evaluate('window.__speech.instances.at(-1).lang')).toBe('pt-BR');
    expect(await page.getAttribute('#mic', 'aria-pressed')).toBe('true');
    await page.evaluate(`window.__speech.instances.at(-1).say('Liste todas', false)`);
    await page.locator('#voice-transcript', { hasText: 'Liste todas' }).waitFor(WAIT);
    expect(await page.locator('#voice-send').isHidden()).toBe(true); // nothing is sent while listening
    await shot(page, 'voice-listening');

    await page.evaluate(`window.__speech.instances.at(-1).say(${JSON.stringify(MACHINES)}, true)`);
    await page.evaluate('window.__speech.instances.at(-1).end()');
    await page.locator('#voice-send').waitFor(WAIT);
    expect(await page.locator('#voice-transcript').textContent()).toBe(MACHINES);
    expect(await page.locator('#log article.entry-prompt').count()).toBe(0);
    await shot(page, 'voice-confirm');
    await page.click('#voice-send');
    const response = await answered(entryFor(page, MACHINES));
    await response.locator('table[data-kind="machines"] td', { hasText: /^12345$/ }).waitFor(WAIT);
    expect(await page.locator('#voice-panel').isHidden()).toBe(true);

    await page.selectOption('#voice-lang', 'en-US');
    await page.click('#mic');
    expect(await page.evaluate('window.__speech.instances.at(-1).lang')).toBe('en-US');
    await page.click('#voice-discard');
    expect(await page.getAttribute('#mic', 'aria-pressed')).toBe('false');
  });

  it('hides the microphone where the browser has no speech recognition', async () => {
    const { page } = await newPage({ init: NO_SPEECH });
    await page.goto(`${gw.url}/`);
    await page.locator('body[data-ready="true"]').waitFor(WAIT);
    expect(await page.locator('#voice').isHidden()).toBe(true);
    expect(await page.locator('#mic').isVisible()).toBe(false);
  });

  it('shows "replaced" when the same user connects from another page, and can take the session back', async () => {
    const token = await gw.token('dave', { account: 'acme' });
    const { page: first } = await openWithToken(token);
    await waitState(first, 'connected');
    const { page: second } = await openWithToken(token);
    await waitState(second, 'connected');
    await waitState(first, 'replaced');
    expect(await first.locator('#banner').isVisible()).toBe(true);
    expect(await first.locator('#banner-action').textContent()).toContain('Reconectar');
    expect(await first.isDisabled('#send')).toBe(true);
    await shot(first, 'replaced');

    await first.click('#banner-action');
    await waitState(first, 'connected');
    await waitState(second, 'replaced');
  });

  it('shows a clear error for a malformed token and a clear "expired" state for an expired one', async () => {
    const { page } = await openWithToken('not-a-jwt');
    await waitState(page, 'error');
    expect(await page.locator('#status-detail').textContent()).toContain('TOKEN_INVALID');
    expect(await page.locator('#banner-text').textContent()).toContain('TOKEN_INVALID');
    expect(await page.locator('#token-claims').textContent()).toContain('Não parece um JWT');
    await shot(page, 'token-invalid');

    await page.fill('#token', await gw.token('erin', { account: 'acme', ttlSeconds: -3600 }));
    await page.click('#connect');
    await waitState(page, 'expired');
    expect(await page.locator('#banner-text').textContent()).toContain('expirou');
    await shot(page, 'token-expired');
  });

  it('is usable on a 375 px wide screen: one column, no sideways scrolling, labelled controls', async () => {
    const { page } = await openWithToken(await gw.token('frank', { account: 'narrow-account' }), { width: 375 });
    await waitState(page, 'connected');
    // Once connected, the connection form folds away so the chat comes first; its summary opens it again.
    expect(await page.getAttribute('#conn-details', 'open')).toBeNull();
    expect(await page.locator('#conn-summary').textContent()).toBe('frank · conta narrow-account · auth');
    // Keyboard: the skip link is the first stop and takes the focus to the prompt.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip-link');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('prompt');
    await page.keyboard.type(MACHINES);
    await page.keyboard.press('Enter');
    const response = await answered(entryFor(page, MACHINES));
    await response.locator('table[data-kind="machines"]').waitFor(WAIT);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    const sendBox = await page.locator('#send').boundingBox();
    expect(sendBox && sendBox.x + sendBox.width).toBeLessThanOrEqual(375);
    // Every visible form control has a label; every button has a name.
    const unlabelled = await page.evaluate(`Array.from(document.querySelectorAll('input, textarea, select'))
      .filter((e) => e.offsetParent !== null && e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id || e.name)`);
    expect(unlabelled).toEqual([]);
    const nameless = await page.evaluate(`Array.from(document.querySelectorAll('button'))
      .filter((b) => b.offsetParent !== null && !b.textContent.trim() && !b.getAttribute('aria-label')).length`);
    expect(nameless).toBe(0);
    await shot(page, 'narrow');
    await page.click('#conn-details > summary');
    expect(await page.getAttribute('#conn-details', 'open')).toBe('');
  });

  it('is served under a strict Content-Security-Policy (no inline script, no eval), email preview included', async () => {
    for (const transport of ['websocket', 'polling']) {
      const { page } = await newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') violations.push(message.text());
      });
      page.on('pageerror', (err) => violations.push(String(err)));
      const response = await page.goto(`${gw.url}/`);
      expect(response?.headers()['content-security-policy']).toBe(STRICT_CSP);
      expect(response?.headers()['x-frame-options']).toBe('DENY');
      expect(response?.headers()['x-content-type-options']).toBe('nosniff');
      expect(response?.headers()['referrer-policy']).toBe('no-referrer');
      await page.locator('body[data-ready="true"]').waitFor(WAIT);
      await page.fill('#token', await gw.token(`grace-${transport}`, { account: 'csp-account' }));
      await page.check(`input[name="transport"][value="${transport}"]`);
      await page.click('#connect');
      await waitState(page, 'connected');
      const email = await answered(await send(page, EMAIL));
      await email.locator('iframe.email-frame').waitFor(WAIT);
      await page.frameLocator('#log iframe.email-frame').last().locator('body', { hasText: 'Black Friday' }).waitFor(WAIT);
      expect(violations, transport).toEqual([]);
      await page.close();
    }
  });

  it('cannot be framed by a page on another origin', async () => {
    // Another origin: the same host on another port.
    const framer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><iframe id="victim" src="${gw.url}/" width="800" height="600"></iframe>`);
    });
    const framerUrl = await listenLocal(framer);
    try {
      const { page } = await newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/frame-ancestors|Refused to (display|frame)/i.test(message.text())) refused.push(message.text());
      });
      await page.goto(framerUrl);
      await page.locator('#victim').waitFor(WAIT);
      // The console never starts inside the frame: Chromium refuses to render it.
      await expect.poll(() => refused.length, { timeout: 10_000 }).toBeGreaterThan(0);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const ready = frame ? await frame.locator('body[data-ready="true"]').count().catch(() => 0) : 0;
      expect(ready).toBe(0);
      await page.close();
    } finally {
      await closeServer(framer);
    }
  });

  // Last: the node drains and stays draining.
  it('shows "draining" while the node drains, still answers the prompt in flight, then reconnects', async () => {
    const entry = await send(alice, MACHINES);
    await entry.locator('.progress:not([hidden])').waitFor(WAIT);
    const drained = gw.gateway.drain();
    await waitState(alice, 'draining');
    await shot(alice, 'draining');
    await (await answered(entry)).locator('table[data-kind="machines"]').waitFor(WAIT);
    // The drained node refuses new connections, so the SDK keeps trying (elsewhere, behind a load balancer).
    await waitState(alice, 'reconnecting');
    expect(await drained).toMatchObject({ unfinished: 0 });
  });
});
