// Administration: an admin makes a requester an agent and the member's navigation changes (after a
// reload); a requester reaches no admin screen, and the API refuses them (role change, vault, audit).
// The vault's reveal is logged in the audit history.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@supabase/supabase-js';
import { ANON_KEY, BASE, admin as service, createUser, launch, screenshot, signIn } from './support.mjs';

const RUN = Date.now().toString(36);
let browser, adminUser, member, adminPage, memberPage;

before(async () => {
  browser = await launch();
  adminUser = await createUser('adm', { role: 'admin', fullName: 'Ada Admin' });
  member = await createUser('mem', { fullName: `Milo Member ${RUN}` });
  adminPage = await browser.newPage();
  memberPage = await browser.newPage();
  await signIn(adminPage, adminUser);
  await signIn(memberPage, member);
});
after(async () => { await browser?.close(); });

const nav = (page) => page.getByRole('navigation', { name: 'Main' });

test('a requester reaches no admin screen and the API refuses them', async () => {
  assert.equal(await nav(memberPage).getByRole('link', { name: 'Administration' }).count(), 0);
  for (const path of ['/admin', '/admin/vault', '/admin/audit']) {
    await memberPage.goto(`${BASE}${path}`);
    await memberPage.getByRole('heading', { name: 'Administrators only' }).waitFor();
    assert.equal(await memberPage.getByRole('table').count(), 0);
  }
  await screenshot(memberPage, 'admin-refused-requester');

  const client = createClient(BASE, ANON_KEY, { auth: { persistSession: false } });
  await client.auth.signInWithPassword({ email: member.email, password: member.password });
  const hd = client.schema('helpdesk');
  const raise = await hd.rpc('set_member_role', { user_id: member.id, role: 'admin' });
  assert.equal(raise.error?.code, '42501');
  const other = await hd.rpc('set_member_role', { user_id: adminUser.id, role: 'requester' });
  assert.equal(other.error?.code, '42501');
  assert.deepEqual((await hd.from('credentials').select('id')).data, []);
  assert.deepEqual((await hd.from('audit_log').select('id')).data, []);
  const write = await hd.from('teams').insert({ name: `Sneaky ${RUN}` });
  assert.ok(write.error, 'a requester must not add a team');
  const self = await hd.from('members').update({ role: 'admin' }).eq('user_id', member.id).select('role');
  assert.ok(self.error || self.data?.[0]?.role !== 'admin', 'a requester must not raise their own role');
  const row = await service().schema('helpdesk').from('members').select('role').eq('user_id', member.id).single();
  assert.equal(row.data.role, 'requester');
});

test("an admin makes the member an agent and the member's navigation changes", async () => {
  await nav(adminPage).getByRole('link', { name: 'Administration' }).click();
  await adminPage.getByRole('heading', { name: 'Members and roles' }).waitFor();
  await adminPage.getByLabel('Find a member').fill(`Milo Member ${RUN}`);
  const select = adminPage.getByRole('combobox', { name: `Role of Milo Member ${RUN}` });
  await select.click();
  await adminPage.getByRole('option', { name: 'Agent' }).click();
  await adminPage.getByText('Role changed').first().waitFor();
  await screenshot(adminPage, 'admin-members');

  await memberPage.goto(`${BASE}/`);
  await memberPage.reload();
  await nav(memberPage).getByRole('link', { name: 'Tickets' }).waitFor();
  await nav(memberPage).getByRole('link', { name: 'Documents' }).waitFor();
  assert.equal(await nav(memberPage).getByRole('link', { name: 'Administration' }).count(), 0);

  await adminPage.getByRole('link', { name: 'Audit history' }).click();
  await adminPage.getByLabel('Action').fill('member.role');
  await adminPage.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'member.role' }).first().waitFor();
});

test('an admin stores a credential and reveals it once, which the audit history shows', async () => {
  await adminPage.getByRole('link', { name: 'Vault' }).click();
  await adminPage.getByRole('button', { name: 'Add credential' }).click();
  const dialog = adminPage.getByRole('dialog', { name: 'Add credential' });
  await dialog.getByLabel('Name', { exact: true }).fill(`Branch VPN ${RUN}`);
  await dialog.getByLabel('Username').fill('vpnadmin');
  await dialog.getByLabel('Secret').fill(`s3cret-${RUN}`);
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await adminPage.getByRole('button', { name: `Reveal secret of Branch VPN ${RUN}` }).click();
  const secret = adminPage.getByLabel(`Secret of Branch VPN ${RUN}`, { exact: true });
  await secret.waitFor();
  assert.equal(await secret.textContent(), `s3cret-${RUN}`);
  await screenshot(adminPage, 'admin-vault-revealed');
  await adminPage.getByRole('button', { name: `Hide secret of Branch VPN ${RUN}` }).click();

  await adminPage.getByRole('link', { name: 'Audit history' }).click();
  await adminPage.getByLabel('Action').fill('credential.reveal');
  await adminPage.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'Ada Admin' }).first().waitFor();
  await screenshot(adminPage, 'admin-audit');
});

test('an admin adds a team and an SLA policy, and a bad value is refused in the form', async () => {
  await adminPage.goto(`${BASE}/admin/teams`);
  await adminPage.getByRole('button', { name: 'Add team' }).click();
  let dialog = adminPage.getByRole('dialog', { name: 'Add team' });
  await dialog.getByLabel('Name').fill(`Network team ${RUN}`);
  await dialog.getByLabel('Email').fill(`net-${RUN}@example.com`);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await adminPage.getByRole('table', { name: 'Teams' }).getByRole('row').filter({ hasText: `Network team ${RUN}` }).waitFor();

  await adminPage.getByRole('link', { name: 'SLA and hours' }).click();
  const existing = await service().schema('helpdesk').from('sla_policies').select('priority');
  const free = ['low', 'normal', 'high', 'urgent'].find((p) => !existing.data.some((r) => r.priority === p));
  assert.ok(free, 'a priority without an SLA policy');
  await adminPage.getByRole('button', { name: 'Add SLA policy' }).click();
  dialog = adminPage.getByRole('dialog', { name: 'Add SLA policy' });
  await dialog.getByLabel('Priority').click();
  await adminPage.getByRole('option', { name: free[0].toUpperCase() + free.slice(1) }).click();
  await dialog.getByLabel('First response (minutes)').fill('an hour');
  await dialog.getByLabel('Resolution (minutes)').fill('480');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText('First response (minutes) must be a whole number').waitFor();
  await dialog.getByLabel('First response (minutes)').fill('60');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const saved = await service().schema('helpdesk').from('sla_policies').select('first_response_minutes, resolution_minutes').eq('priority', free).single();
  assert.deepEqual(saved.data, { first_response_minutes: 60, resolution_minutes: 480 });
});

test('administration on a phone', async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(phone, adminUser);
  await phone.goto(`${BASE}/admin/sla`);
  await phone.getByRole('heading', { name: 'SLA policies' }).waitFor();
  await screenshot(phone, 'admin-sla-phone');
  await phone.goto(`${BASE}/reports`);
  await phone.getByRole('table', { name: 'SLA compliance' }).waitFor();
  await screenshot(phone, 'reports-phone');
});

test('reports count tickets by category over the chosen range and export them as CSV', async () => {
  const category = `Printers ${RUN}`;
  const hd = service().schema('helpdesk');
  const made = await hd.from('tickets').insert([1, 2, 3].map((n) => ({ title: `Report ticket ${n} ${RUN}`, category, requester_id: member.id, priority: 'high' })));
  assert.equal(made.error, null);
  const assets = await hd.from('assets').insert({ tag: `R-${RUN}`, name: 'Report laptop', status: 'in_repair', type: 'laptop' });
  assert.equal(assets.error, null);

  await nav(adminPage).getByRole('link', { name: 'Reports' }).click();
  await adminPage.getByRole('button', { name: 'Last 7 days' }).click();
  const totals = adminPage.getByRole('table', { name: 'Ticket totals by category' });
  const row = totals.getByRole('row').filter({ hasText: category });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`${category}\\s*30`));
  await adminPage.getByRole('table', { name: 'SLA compliance' }).getByRole('row').filter({ hasText: 'high' }).waitFor();
  await adminPage.getByRole('table', { name: 'Assets by status and type' }).getByRole('row').filter({ hasText: 'In repair' }).waitFor();
  await screenshot(adminPage, 'reports-desktop');

  const [download] = await Promise.all([
    adminPage.waitForEvent('download'),
    adminPage.getByRole('button', { name: 'Export Tickets by category as CSV' }).click(),
  ]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.match(csv.split('\r\n')[0], /^period_start,category,created,resolved$/);
  assert.match(csv, new RegExp(`\\d{4}-\\d{2}-\\d{2},${category},3,0`));

  // A range that ends before it starts is refused in the form, and the API refuses it with a clear error.
  const refused = await hd.rpc('report_tickets', { date_from: '2026-02-01', date_to: '2026-01-01', dimension: 'category', period: 'day' });
  assert.equal(refused.error?.code, '22023');
  const badDimension = await hd.rpc('report_tickets', { date_from: '2026-01-01', date_to: '2026-02-01', dimension: 'secret', period: 'day' });
  assert.equal(badDimension.error?.code, '22023');
});

