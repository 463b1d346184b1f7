/**
 * The Swagger UI journey of a new user, in Debian's headless Chromium (driven by
 * playwright-core, no browser download), under the app's real Content-Security-Policy:
 * "Authorize" with the password flow, then "Try it out" on GET /servers and on POST /servers
 * with the example Swagger UI fills in, which is the one the contract test sends.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../support/api.js';
import {
  bodyExampleOf,
  requestBodyOf,
  type OpenApiDocument,
  type Operation,
} from './openapi-document.js';

const CHROMIUM = '/usr/bin/chromium';
/** .ci/run installs Chromium and sets this: there, a missing browser fails instead of skipping. */
const REQUIRED = process.env.PGMON_REQUIRE_CHROMIUM === '1';
const STEP_MS = 20_000;

/** The flags this sandbox needs (no GPU, no network but loopback, a profile of its own). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const skip = !existsSync(CHROMIUM) && !REQUIRED && `Chromium is not installed (${CHROMIUM})`;

describe('Swagger UI', { skip }, () => {
  let api: TestApi;
  let baseUrl: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  /** Console errors and failed page scripts, CSP refusals among them. */
  const pageErrors: string[] = [];

  before(async () => {
    api = await startTestApi();
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    profile = mkdtempSync(join(tmpdir(), 'pgmon-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: FLAGS,
      timeout: 60_000,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(STEP_MS);
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await api?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  describe('GET /docs', () => {
    it('renders the operations under the Content-Security-Policy, with no console error', async () => {
      const response = await page.goto(`${baseUrl}/docs`);
      assert.equal(response?.status(), 200);
      assert.match(
        String(response?.headers()['content-security-policy']),
        /script-src 'self'/,
        'the page is served under the app’s CSP',
      );
      await page.locator('#operations-servers-ServersController_list').waitFor();
      assert.deepEqual(pageErrors, []);
    });

    it('logs in with "Authorize" and the OAuth2 password flow', async () => {
      await page.locator('.auth-wrapper .authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('#oauth_username').fill('admin');
      await dialog.locator('#oauth_password').fill(TEST_ADMIN_PASSWORD);
      const token = page.waitForResponse((answer) => answer.url().endsWith('/token'));
      await dialog.locator('.auth-btn-wrapper .modal-btn.authorize').first().click();
      assert.equal((await token).status(), 200);
      await dialog.locator('button', { hasText: 'Logout' }).waitFor();
      await dialog.locator('.auth-btn-wrapper .btn-done').first().click();
      await dialog.waitFor({ state: 'detached' });
      assert.deepEqual(pageErrors, []);
    });

    it('answers "Try it out" on GET /servers with 200', async () => {
      const operation = await tryItOut('#operations-servers-ServersController_list');
      assert.equal(await execute(operation), '200');
    });

    it('answers "Try it out" on POST /servers, sent with its example unchanged, with 201', async () => {
      const operation = await tryItOut('#operations-servers-ServersController_create');
      const filled: unknown = JSON.parse(
        await operation.locator('textarea.body-param__text').inputValue(),
      );
      assert.deepEqual(filled, await documentedExample('/servers', 'post'));
      assert.equal(await execute(operation), '201', await responseBody(operation));
      const created = JSON.parse(await responseBody(operation)) as { name?: string };
      assert.equal(created.name, (filled as { name?: string }).name);
      assert.deepEqual(pageErrors, []);
    });
  });

  /** Opens the operation and presses "Try it out". */
  async function tryItOut(selector: string): Promise<Locator> {
    const operation = page.locator(selector);
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.try-out__btn').click();
    return operation;
  }

  /** Presses "Execute"; the status code of the answer shown. */
  async function execute(operation: Locator): Promise<string> {
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status');
    await status.first().waitFor();
    return (await status.first().innerText()).trim();
  }

  async function responseBody(operation: Locator): Promise<string> {
    return operation
      .locator('.live-responses-table .response-col_description pre')
      .first()
      .innerText();
  }

  /** The request body example the document gives (as the contract test sends it). */
  async function documentedExample(path: string, method: string): Promise<unknown> {
    const document = (await api.http.get('/openapi.json')).body as OpenApiDocument;
    const operation = document.paths[path]?.[method] as Operation;
    const body = requestBodyOf(document, operation);
    assert.ok(body, `${method} ${path} takes a body`);
    return bodyExampleOf(document, body.media);
  }
});
