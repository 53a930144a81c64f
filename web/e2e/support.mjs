// Shared helpers of the browser tests (node --test + playwright-core driving Debian's Chromium).
// The pytest module tests/web/test_e2e.py starts one real `oricol start` and passes, in env:
// ORICOL_URL (the app and API), ANON_KEY, SERVICE_ROLE_KEY, MAIL_URL (the mail catcher's HTTP API).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import { chromium } from 'playwright-core';

export const BASE = (process.env.ORICOL_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const ANON_KEY = process.env.ANON_KEY ?? '';
export const SERVICE_ROLE_KEY = process.env.SERVICE_ROLE_KEY ?? '';
export const MAIL_URL = (process.env.MAIL_URL ?? '').replace(/\/+$/, '');
const HERE = dirname(fileURLToPath(import.meta.url));
export const SHOTS = process.env.SCREENSHOT_DIR ?? join(HERE, '..', '..', 'test-artifacts', 'screenshots');
export const PASSWORD = 'correct-horse-battery-9';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * One Chromium per spec file, with a fresh profile folder removed on close. Use `newPage()` for each
 * user: every call is a new browser context (own cookies and localStorage), as another person would be.
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'oricol-e2e-'));
  const context0 = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: FLAGS,
  });
  const browser = context0.browser();
  const contexts = [context0];
  let firstUsed = false;
  return {
    /** A page in a context of its own; `viewport` e.g. {width: 360, height: 740} for a phone. */
    async newPage({ viewport = { width: 1280, height: 800 } } = {}) {
      let context;
      if (!firstUsed) { context = context0; firstUsed = true; await context.pages()[0]?.close(); }
      else if (browser) { context = await browser.newContext(); contexts.push(context); }
      else { throw new Error('a persistent context cannot open another context'); }
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      return page;
    },
    async close() {
      for (const c of contexts.reverse()) await c.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG as test-artifacts/screenshots/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export const admin = () => createClient(BASE, SERVICE_ROLE_KEY, { auth: { persistSession: false, autoRefreshToken: false } });
export const anon = () => createClient(BASE, ANON_KEY, { auth: { persistSession: false, autoRefreshToken: false } });

/** A unique address per run, so tests sharing the server never collide. */
export function uniqueEmail(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** A confirmed user made through the admin API; `role` sets helpdesk.members.role when the schema exists. */
export async function createUser(prefix, { role, fullName } = {}) {
  const email = uniqueEmail(prefix);
  const { data, error } = await admin().auth.admin.createUser({
    email, password: PASSWORD, email_confirm: true, user_metadata: { full_name: fullName ?? prefix },
  });
  if (error) throw new Error(`createUser: ${error.message}`);
  if (role && role !== 'requester') await setRole(data.user.id, role);
  return { id: data.user.id, email, password: PASSWORD };
}

/** Gives a user a helpdesk role with the service key (as an admin would through the app). */
export async function setRole(userId, role) {
  const { error } = await admin().schema('helpdesk').from('members').update({ role }).eq('user_id', userId);
  if (error) throw new Error(`setRole: ${error.message}`);
}

/** Signs in through the UI, as a person would, and waits until the signed-in shell is there. */
export async function signIn(page, user) {
  await page.goto(`${BASE}/sign-in`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'User menu' }).waitFor();
}

/** The newest mail to `email` (waits for it); mailbox names are the address's local part. */
export async function latestMail(email, { subject, timeout = 15_000 } = {}) {
  const box = email.split('@')[0];
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const list = await (await fetch(`${MAIL_URL}/api/v1/mailbox/${encodeURIComponent(box)}`)).json();
    const hits = list.filter((m) => !subject || m.subject.includes(subject));
    if (hits.length) {
      const last = hits[hits.length - 1];
      return (await fetch(`${MAIL_URL}/api/v1/mailbox/${encodeURIComponent(box)}/${last.id}`)).json();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no mail to ${email}${subject ? ` about "${subject}"` : ''} within ${timeout} ms`);
}

/** The first link of a mail's HTML that goes to /auth/v1/verify. */
export function verifyLink(mail) {
  const html = mail.body?.html ?? mail.body?.text ?? '';
  const match = html.match(/https?:\/\/[^"'\s<>]+\/auth\/v1\/verify[^"'\s<>]*/);
  if (!match) throw new Error(`no verify link in mail: ${html.slice(0, 400)}`);
  return match[0].replace(/&amp;/g, '&');
}

/** The current TOTP code (RFC 6238: SHA-1, 30 s, 6 digits) of a base32 secret, as an authenticator app shows. */
export async function totp(secret, at = Date.now()) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Waits until a new 30 s TOTP window starts (a code is accepted once). */
export async function nextTotpWindow() {
  await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
}
