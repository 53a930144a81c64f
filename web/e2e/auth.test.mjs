// Sign-in, sign-up with email confirmation, password recovery, session kept across a reload, sign out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, PASSWORD, createUser, latestMail, launch, nextTotpWindow, screenshot, signIn, totp, uniqueEmail, verifyLink } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a wrong password is refused with a readable message', async () => {
  const page = await browser.newPage();
  const user = await createUser('wrongpw');
  await page.goto(`${BASE}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor();
  await screenshot(page, 'sign-in-error');
});

test('sign in keeps the session across a reload, and sign out ends it', async () => {
  const page = await browser.newPage();
  const user = await createUser('signin');
  await signIn(page, user);
  await page.reload();
  await page.getByRole('button', { name: 'User menu' }).waitFor();
  assert.ok(!page.url().includes('/sign-in'));
  await screenshot(page, 'signed-in-home');
  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  await page.goto(`${BASE}/my-tickets`);
  await page.waitForURL(/\/sign-in\?next=%2Fmy-tickets/);
});

test('sign up sends a confirmation mail whose link signs the new person in', async () => {
  const page = await browser.newPage();
  const email = uniqueEmail('signup');
  await page.goto(`${BASE}/sign-up`);
  await page.getByLabel('Full name').fill('Sam Signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('We sent a confirmation link').waitFor();
  await screenshot(page, 'sign-up-check-mail');
  const mail = await latestMail(email);
  await page.goto(verifyLink(mail));
  await page.getByRole('button', { name: 'User menu' }).waitFor();
  assert.ok(page.url().startsWith(BASE));
});

test('forgot password: the recovery link lands on a form that sets a new one', async () => {
  const page = await browser.newPage();
  const user = await createUser('recover');
  await page.goto(`${BASE}/sign-in`);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await page.getByText('we sent it a link').waitFor();
  const mail = await latestMail(user.email);
  await page.goto(verifyLink(mail));
  await page.waitForURL(/\/reset-password/);
  await page.getByLabel('New password', { exact: true }).fill('a-brand-new-secret-7');
  await page.getByLabel('Confirm new password').fill('a-brand-new-secret-7');
  await screenshot(page, 'set-new-password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByRole('button', { name: 'User menu' }).waitFor();

  const other = await browser.newPage();
  await signIn(other, { email: user.email, password: 'a-brand-new-secret-7' });
});

test('a phone-sized screen gets the navigation as a drawer', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(page, await createUser('phone'));
  await page.getByRole('button', { name: 'Open navigation' }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByRole('link', { name: 'My tickets' }).waitFor();
  await screenshot(page, 'phone-drawer');
});

test('two-factor sign-in: enrol an authenticator app, then sign-in asks for its code', async () => {
  const page = await browser.newPage();
  const user = await createUser('mfa');
  await signIn(page, user);
  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('menuitem', { name: 'Account and security' }).click();
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await page.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  await screenshot(page, 'mfa-enrol');
  await page.getByLabel('Authentication code').fill('000000' === await totp(secret) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByRole('alert').filter({ hasText: 'That did not work' }).waitFor();
  await page.getByLabel('Authentication code').fill(await totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByText('Signing in asks for a code').waitFor();

  const other = await browser.newPage();
  await other.goto(`${BASE}/sign-in`);
  await other.getByLabel('Email').fill(user.email);
  await other.getByLabel('Password').fill(user.password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.getByRole('heading', { name: 'Two-factor check' }).waitFor();
  await screenshot(other, 'mfa-challenge');
  await nextTotpWindow();
  await other.getByLabel('Authentication code').fill(await totp(secret));
  await other.getByRole('button', { name: 'Verify' }).click();
  await other.getByRole('button', { name: 'User menu' }).waitFor();
  const aal = await other.evaluate(() => {
    const raw = localStorage.getItem('oricol-auth');
    const token = JSON.parse(raw).access_token;
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).aal;
  });
  assert.equal(aal, 'aal2');
});
