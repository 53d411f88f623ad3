/// <reference lib="dom" />
/**
 * The analyst's explorer in Debian's Chromium (puppeteer-core, no browser download), through the gateway of a stack on
 * the embedded demo database: sign-in, schema, example operations, table and CSV, graph view, reload, and no request
 * leaving the gateway. Screenshots of each step go to test/artifacts/explorer/ (git-ignored).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DEMO } from '@wrk/demo';
import { startStack, type Stack } from '@wrk/app';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ARTIFACTS = new URL('../artifacts/explorer/', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const [kind] = databaseKinds();

describe('the explorer in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  let transferred = 0;
  const sizes: string[] = [];
  /** Bytes transferred until the Docs showed the schema: the page, its assets and the schema. */
  let firstLoad = 0;

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  /** Opens a sidebar panel, and clicks again if a (re)mounting GraphiQL dropped the click (at most 5 tries). */
  const showPlugin = async (title: string) => {
    for (let attempt = 1; ; attempt += 1) {
      // GraphiQL remembers the open panel across reloads: it may be open already.
      const button = await page.waitForSelector(
        `.graphiql-sidebar button[aria-label="Show ${title}"], .graphiql-sidebar button[aria-label="Hide ${title}"]`,
      );
      if ((await button?.evaluate((element) => element.getAttribute('aria-label'))) === `Show ${title}`) await button?.click();
      const shown = await page.waitForSelector(`.graphiql-sidebar button[aria-label="Hide ${title}"]`, { timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (shown) return;
      if (attempt === 5) throw new Error(`the ${title} panel did not open`);
    }
  };
  const graphNodes = () => page.$$eval('[data-testid=graph-nodes] li', (items) => items.map((item) => item.getAttribute('data-id')));
  /**
   * Enters `id` as the graph's centre. GraphiQL may still be (re)mounting after a sign-in, which replaces the panel's
   * input and drops what was typed, or closes the panel: the panel is opened and the entry made again until the panel
   * has taken it (at most 5 tries).
   */
  const centreGraphOn = async (id: string) => {
    const entered = async () => {
      await showPlugin('Graph');
      await page.waitForSelector('[data-testid=graph-centre]', { timeout: 5_000 });
      await page.$eval('[data-testid=graph-centre]', (input) => {
        if (input instanceof HTMLInputElement) input.value = '';
      });
      await page.type('[data-testid=graph-centre]', id);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-testid=graph-canvas][data-centre="${id}"]`, { timeout: 5_000 });
    };
    for (let attempt = 1; ; attempt += 1) {
      const taken = await entered().then(
        () => true,
        () => false,
      );
      if (taken) break;
      if (attempt === 5) throw new Error(`the graph panel did not take ${id} as its centre`);
    }
    await page.waitForFunction((centre) => document.querySelector(`[data-testid=graph-nodes] li[data-id="${centre}"]`) !== null, {}, id);
    await page.waitForSelector(`[data-testid=graph-canvas][data-drawn="${id}"] canvas`);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The embedded demo database (no URL given): the stack `pnpm start` runs, with its demo sign-in.
    stack = await startStack({ dataDir: mkdtempSync(join(tmpdir(), 'wrk-explorer-')), worker: false });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless=new', '--no-sandbox'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    page.on('request', (request) => {
      requests.push(request.url());
    });
    page.on('response', (response) => {
      const bytes = Number(response.headers()['content-length'] ?? 0);
      transferred += bytes;
      if (!response.url().startsWith('data:')) sizes.push(`${bytes} ${response.url()}`);
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('asks for a token on the first visit, with a hint and the demo users', async () => {
    await page.goto(stack.gatewayUrl, { waitUntil: 'networkidle0' });
    await page.waitForSelector('[data-testid=sign-in]');
    const text = await page.$eval('[data-testid=sign-in]', (element) => element.textContent ?? '');
    expect(text).toContain('pnpm wrk token create --user');
    expect(await page.$$eval('[data-testid=demo-sign-in] button', (buttons) => buttons.map((b) => b.getAttribute('data-email')))).toEqual(
      expect.arrayContaining(['admin@wrk.demo', 'staff@wrk.demo', 'restricted@wrk.demo']),
    );
    await shot('1-sign-in');
  });

  it('loads the schema into the Docs as soon as a token is entered, and shows who is signed in', async () => {
    if (!stack.demoToken) throw new Error('the embedded stack issues a demo token');
    await page.type('input[name=token]', stack.demoToken);
    await page.click('input[name=keep]');
    await page.click('[data-testid=sign-in] button[type=submit]');
    await showPlugin('Documentation Explorer');
    await page.waitForFunction(() => document.querySelector('.graphiql-doc-explorer')?.textContent?.includes('Query') ?? false);
    const docs = await page.$eval('.graphiql-doc-explorer', (element) => element.textContent ?? '');
    expect(docs).not.toContain('Error fetching schema');
    firstLoad = transferred;
    await shot('2-docs');
    await showPlugin('Signed in');
    await page.waitForSelector('[data-testid=session-name]');
    expect(await page.$eval('[data-testid=session-name]', (e) => e.textContent)).toBe('Avery Admin');
    expect(await page.$eval('[data-testid=session-role]', (e) => e.textContent)).toBe('ADMIN');
    expect(await page.$eval('[data-testid=session-scopes]', (e) => e.textContent)).toContain('core:read');
    expect(await page.$eval('[data-testid=session-expiry]', (e) => e.textContent)).not.toBe('—');
    await shot('3-signed-in');
  });

  it('runs an example operation and shows its list as a table whose CSV matches the JSON', async () => {
    await showPlugin('Examples');
    await page.click('[data-operation=FindContracts]');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('"nodes"') ?? false);
    await showPlugin('Table');
    await page.waitForSelector('[data-testid=table] table');
    const path = await page.$eval('[data-testid=table] table', (table) => table.getAttribute('data-path'));
    expect(path).toBe('contracts.nodes');
    await shot('4-table');
    const csv = await page.$eval('[data-testid=csv]', async (link) => (await fetch(link.getAttribute('href') ?? '')).text());
    // The JSON the gateway answers to the same operation, as the analyst's token.
    const body = await page.evaluate(async (token) => {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ contracts(first: 20) { nodes { id title status endDate organization { id name } } } }' }),
      });
      return response.json();
    }, stack.demoToken);
    const nodes: {
      id: string;
      title: string;
      status: string;
      endDate: string | null;
      organization: { id: string; name: string } | null;
    }[] = body.data.contracts.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    const expected = [
      'id,title,status,endDate,organization.id,organization.name',
      ...nodes.map((n) =>
        [n.id, n.title, n.status, n.endDate ?? '', n.organization?.id ?? '', n.organization?.name ?? ''].map(quote).join(','),
      ),
    ];
    expect(csv.split('\r\n').filter(Boolean)).toEqual(expected);
  });

  it('the graph view of a contract shows its organisation, project, Box file and agent run; clicking a node re-centres', async () => {
    await centreGraphOn(DEMO.contracts.acmeMsa);
    const nodes = await graphNodes();
    expect(nodes).toEqual(
      expect.arrayContaining([DEMO.organizations.acme, DEMO.projects.platform, DEMO.boxItems.acmeMsaFile, DEMO.agentRuns.review]),
    );
    expect(nodes).toContain(DEMO.contracts.northwindSow); // the admin may see the restricted contract
    await shot('5-graph-contract');
    await page.click(`[data-testid=graph-nodes] li[data-id="${DEMO.organizations.acme}"] button`);
    await page.waitForSelector(`[data-testid=graph-canvas][data-centre="${DEMO.organizations.acme}"]`);
    await page.waitForFunction(
      (contract) => document.querySelector(`[data-testid=graph-nodes] li[data-id="${contract}"]`) !== null,
      {},
      DEMO.contracts.acmeMsa,
    );
    await centreGraphOn(DEMO.organizations.northwind);
    expect(await graphNodes()).toContain(DEMO.contracts.northwindSow);
  });

  it("a restricted user's graph of the same organisation leaves out the restricted contract", async () => {
    await showPlugin('Signed in');
    await page.click('[data-testid=sign-out]');
    await page.waitForSelector('[data-testid=demo-sign-in] button[data-email="restricted@wrk.demo"]');
    await page.click('[data-testid=demo-sign-in] button[data-email="restricted@wrk.demo"]');
    await showPlugin('Signed in');
    await page.waitForFunction(() => document.querySelector('[data-testid=session-name]')?.textContent === 'Riley Restricted');
    await centreGraphOn(DEMO.organizations.northwind);
    expect(await graphNodes()).not.toContain(DEMO.contracts.northwindSow);
    await shot('6-graph-restricted');
  });

  it('keeps the session across a reload when asked to', async () => {
    await showPlugin('Signed in');
    await page.click('[data-testid=sign-out]');
    if (!stack.demoToken) throw new Error('the embedded stack issues a demo token');
    await page.type('input[name=token]', stack.demoToken);
    await page.click('input[name=keep]');
    await page.click('[data-testid=sign-in] button[type=submit]');
    await showPlugin('Signed in');
    await page.reload({ waitUntil: 'networkidle0' });
    await showPlugin('Signed in');
    expect(await page.$eval('[data-testid=session-name]', (e) => e.textContent)).toBe('Avery Admin');
    // A new tab: sessionStorage is gone, the "keep me signed in" copy is not.
    const tab = await browser.newPage();
    await tab.goto(stack.gatewayUrl, { waitUntil: 'networkidle0' });
    await tab.waitForSelector('.graphiql-sidebar');
    expect(await tab.$('[data-testid=sign-in]')).toBeNull();
    await tab.close();
  });

  it('made no request outside the gateway, and the first load stayed under 2 MB', () => {
    const origin = new URL(stack.gatewayUrl).origin;
    const outside = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(requests.some((url) => url.includes('/explorer/assets/'))).toBe(true);
    expect(firstLoad).toBeGreaterThan(100_000);
    if (firstLoad >= 2_000_000) console.log(sizes.join('\n'));
    expect(firstLoad).toBeLessThan(2_000_000);
  });
});

describe('the explorer outside the embedded demo database', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(kind!, { worker: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('has no demo sign-in', async () => {
    const origin = new URL(stack.gatewayUrl).origin;
    const response = await fetch(`${origin}/explorer/demo-sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@wrk.demo' }),
    });
    expect(response.status).toBe(404);
    const html = await (await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('wrk-explorer-config');
    expect(html).not.toContain('demoUsers');
  });
});
