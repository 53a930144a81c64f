// Driven by bench/web.py: cold first load of the agent desk, the first route's JavaScript (gzipped), and
// the time to switch saved views. Prints one JSON line. Env: ORICOL_URL, ANON_KEY, EMAIL, PASSWORD.
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { chromium } from 'playwright-core';

const BASE = process.env.ORICOL_URL;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const client = createClient(BASE, process.env.ANON_KEY, { auth: { persistSession: false }, realtime: { transport: class {} } });
const { data, error } = await client.auth.signInWithPassword({ email: process.env.EMAIL, password: process.env.PASSWORD });
if (error) throw error;
const session = JSON.stringify(data.session);

async function coldLoad() {
  const profile = mkdtempSync(join(tmpdir(), 'oricol-bench-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  await context.addInitScript((s) => localStorage.setItem('oricol-auth', s), session);
  const page = context.pages()[0] ?? await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  const scripts = new Map();
  page.on('response', async (r) => {
    if (r.url().endsWith('.js')) scripts.set(r.url(), gzipSync(await r.body().catch(() => Buffer.alloc(0))).length);
  });
  const started = Date.now();
  await page.goto(`${BASE}/tickets?view=open`);
  await page.locator('tbody tr[data-row]').first().waitFor({ timeout: 30_000 });
  const interactive = Date.now() - started;
  await page.waitForLoadState('networkidle');
  return { page, context, profile, interactive, jsGzip: [...scripts.values()].reduce((a, b) => a + b, 0), files: scripts.size };
}

const loads = [];
let last;
for (let i = 0; i < 3; i++) {
  if (last) { await last.context.close(); rmSync(last.profile, { recursive: true, force: true }); }
  last = await coldLoad();
  loads.push(last.interactive);
}
const { page } = last;
const switches = [];
for (const view of ['Unassigned', 'All open', 'Recently updated', 'My open', 'Breaching SLA', 'All open', 'Recently updated']) {
  const before = await page.locator('tbody').innerText();
  const started = Date.now();
  await page.getByRole('tab', { name: view }).click();
  await page.waitForFunction((b) => {
    const table = document.querySelector('table[aria-label="Tickets"]');
    return table && !table.hasAttribute('aria-busy') && document.querySelector('tbody')?.innerText !== b;
  }, before, { timeout: 30_000 }).catch(() => {});
  switches.push(Date.now() - started);
}
await last.context.close();
rmSync(last.profile, { recursive: true, force: true });
console.log(JSON.stringify({ first_load_ms: loads, first_load_median_ms: median(loads), js_gzip_bytes: last.jsGzip,
  js_files: last.files, view_switch_ms: switches, view_switch_median_ms: median(switches) }));
