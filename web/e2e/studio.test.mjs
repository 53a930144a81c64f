// Studio end to end, against the real `oricol start` of tests/web/test_e2e.py, as an operator would use it:
// wrong password refused, sign in, create a table, insert a row in the grid, see it through /rest/v1, run
// SQL, toggle RLS and add a policy that then holds for the anon key, invite a user (mail in the catcher),
// upload a file, filter the logs. Every response the console's browser receives is grepped for the
// service key and the JWT secret; a console route without the cookie answers 401.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ANON_KEY, BASE, SERVICE_ROLE_KEY, latestMail, launch, screenshot, uniqueEmail } from './support.mjs';

const USERNAME = process.env.DASHBOARD_USERNAME ?? 'admin';
const PASSWORD = process.env.DASHBOARD_PASSWORD ?? '';
const JWT_SECRET = process.env.JWT_SECRET ?? '';
const SUFFIX = Date.now().toString(36);
const TABLE = `studio_e2e_${SUFFIX}`;
const BUCKET = `studio-e2e-${SUFFIX}`;

let browser;
let page;
const seen = []; // every response body of the console session: [url, text]

async function restRows(key) {
  const response = await fetch(`${BASE}/rest/v1/${TABLE}?select=*`, { headers: { apikey: key, authorization: `Bearer ${key}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

async function nav(name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

async function choose(label, option) {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

before(async () => {
  assert.ok(PASSWORD, 'DASHBOARD_PASSWORD must be given');
  browser = await launch();
  page = await browser.newPage();
  page.on('response', async (response) => {
    try { seen.push([response.url(), await response.text()]); } catch { /* redirects and aborted requests have no body */ }
  });
});

after(async () => { await browser?.close(); });

test('a console route without the session cookie is refused', async () => {
  for (const path of ['/studio/api/pg/tables', '/studio/api/rest/v1/', '/studio/api/auth/v1/admin/users', '/studio/api/storage/v1/bucket', '/studio/api/logs']) {
    const response = await fetch(`${BASE}${path}`, { headers: { apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}` } });
    assert.equal(response.status, 401, path);
  }
});

test('a wrong password is refused', async () => {
  await page.goto(`${BASE}/studio/`);
  await page.getByLabel('Username').fill(USERNAME);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong username or password.').waitFor();
  await screenshot(page, 'studio-01-wrong-password');
});

test('sign in', async () => {
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  for (const section of ['Tables', 'SQL editor', 'Authentication', 'Storage', 'Policies', 'Database', 'API docs', 'Logs', 'Operations']) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section, exact: true }).waitFor();
  }
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'oricol_studio');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict' && session.path === '/studio');
});

test('create a table with two columns, the SQL shown first', async () => {
  await nav('Tables');
  await page.getByRole('button', { name: 'New table' }).click();
  await page.getByLabel('Table name').fill(TABLE);
  await page.getByRole('button', { name: 'Add column' }).click();
  await page.getByLabel('Column 2 name').fill('title');
  await page.getByRole('button', { name: 'Review SQL' }).click();
  const sql = page.getByLabel('SQL to run');
  assert.match(await sql.inputValue(), new RegExp(`create table "public"."${TABLE}"`));
  await screenshot(page, 'studio-02-create-table-sql');
  await page.getByRole('button', { name: 'Run SQL' }).click();
  await page.getByRole('heading', { name: `public.${TABLE}` }).waitFor();
  // REST learns of a new table when its schema cache reloads (asynchronously after the DDL); on a server
  // that many tests share this can take a moment, so wait for it before working through REST.
  await page.waitForFunction(async ([base, table, key]) => {
    const r = await fetch(`${base}/rest/v1/${table}?select=id`, { headers: { apikey: key, authorization: `Bearer ${key}` } });
    return r.status === 200;
  }, [BASE, TABLE, SERVICE_ROLE_KEY], { timeout: 30000, polling: 250 });
});

test('insert a row in the grid, then see it through /rest/v1', async () => {
  await page.getByRole('button', { name: 'Insert row' }).click();
  await page.getByRole('dialog').getByLabel('title', { exact: true }).fill('hello from studio');
  await page.getByRole('button', { name: 'Save row' }).click();
  await page.getByRole('table', { name: `Rows of ${TABLE}` }).getByRole('button', { name: 'title: hello from studio' }).waitFor();
  await page.getByText('1 total').waitFor();
  await page.getByRole('navigation', { name: 'Tables' }).getByText('1', { exact: true }).waitFor(); // exact row count
  await screenshot(page, 'studio-03-grid-row');
  assert.deepEqual(await restRows(SERVICE_ROLE_KEY), [{ id: 1, title: 'hello from studio' }]);
  assert.deepEqual(await restRows(ANON_KEY), []); // RLS is on and no policy lets anon read yet
});

test('edit a cell in the grid', async () => {
  const grid = page.getByRole('table', { name: `Rows of ${TABLE}` });
  await grid.getByRole('button', { name: 'title: hello from studio' }).dblclick();
  const editor = page.getByLabel('Edit title');
  await editor.fill('hello, edited');
  await editor.press('Enter');
  await grid.getByRole('button', { name: 'title: hello, edited' }).waitFor();
  assert.deepEqual(await restRows(SERVICE_ROLE_KEY), [{ id: 1, title: 'hello, edited' }]);
});

test('run a SQL query', async () => {
  await nav('SQL editor');
  await page.getByLabel('SQL', { exact: true }).fill(`select count(*) as row_count, max(title) as newest from public.${TABLE}`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const results = page.getByRole('table', { name: 'Query results' });
  await results.getByText('hello, edited').waitFor();
  await page.getByLabel('SQL', { exact: true }).fill('select * from no_such_table_here');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByText('At character 15 of your SQL.').waitFor();
  await screenshot(page, 'studio-04-sql-error');
  await page.getByLabel('SQL', { exact: true }).fill(`select count(*) as row_count from public.${TABLE}`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await results.getByText('row_count').waitFor();
  await screenshot(page, 'studio-05-sql');
});

test('toggle RLS, then add a policy that holds for the anon key', async () => {
  await nav('Policies');
  const rls = page.getByLabel(`RLS enabled for ${TABLE}`);
  await rls.waitFor();
  assert.equal(await rls.getAttribute('aria-checked'), 'true');
  await rls.click();
  await page.waitForFunction(async ([base, table, key]) => {
    const r = await fetch(`${base}/rest/v1/${table}?select=id`, { headers: { apikey: key } });
    return (await r.json()).length === 1;
  }, [BASE, TABLE, ANON_KEY]);
  // RLS off: anon reads through its table grant (asked until REST's connections all see the change).
  let seen = [];
  for (let i = 0; i < 100 && (seen = await restRows(ANON_KEY)).length !== 1; i++) await page.waitForTimeout(100);
  assert.equal(seen.length, 1);
  // Click again only once the page shows RLS off (it re-reads the table after the change): a click on the
  // stale checked box would ask for "off" a second time.
  await page.getByText('RLS disabled on').first().waitFor();
  for (let i = 0; i < 150 && (await rls.getAttribute('aria-checked')) !== 'false'; i++) await page.waitForTimeout(100);
  assert.equal(await rls.getAttribute('aria-checked'), 'false');
  await rls.click();
  await page.getByText('RLS enabled on').first().waitFor({ timeout: 30000 });
  for (let i = 0; i < 100 && (seen = await restRows(ANON_KEY)).length !== 0; i++) await page.waitForTimeout(100);
  assert.deepEqual(seen, []);
  await page.getByRole('button', { name: `New policy on ${TABLE}` }).click();
  await choose('Template', 'Everyone can read');
  // The template fills the form on the next render: read the name until it shows (or 5 s pass).
  const policyName = page.getByLabel('Policy name');
  let name = '';
  for (let i = 0; i < 50 && (name = await policyName.inputValue()) !== 'Everyone can read'; i++) await page.waitForTimeout(100);
  assert.equal(name, 'Everyone can read');
  await page.getByRole('button', { name: 'Review SQL' }).click();
  assert.match(await page.getByLabel('SQL to run').inputValue(), /for select\s+to "anon", "authenticated"\s+using \(true\)/);
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('region', { name: `Table ${TABLE}` }).getByText('Everyone can read').waitFor();
  await screenshot(page, 'studio-06-policies');
  assert.deepEqual(await restRows(ANON_KEY), [{ id: 1, title: 'hello, edited' }]);
});

test('invite a user and find the mail in the catcher', async () => {
  const email = uniqueEmail('studio-invite');
  await nav('Authentication');
  await page.getByRole('button', { name: 'Invite user' }).click();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByRole('table', { name: 'Users' }).getByText(email).waitFor();
  const mail = await latestMail(email);
  assert.match(JSON.stringify(mail), /verify/);
  await page.getByLabel('Search users').fill(email);
  await screenshot(page, 'studio-07-auth-invited');
});

test('create a bucket and upload a file', async () => {
  await nav('Storage');
  await page.getByRole('button', { name: 'New bucket' }).click();
  await page.getByLabel('Bucket name').fill(BUCKET);
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await page.getByRole('heading', { name: BUCKET }).waitFor();
  await page.getByLabel('Choose files to upload').setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello storage') });
  await page.getByRole('table', { name: `Files in ${BUCKET}` }).getByText('hello.txt').waitFor();
  await screenshot(page, 'studio-08-storage');
  const download = await fetch(`${BASE}/storage/v1/object/${BUCKET}/hello.txt`, { headers: { apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}` } });
  assert.equal(await download.text(), 'hello storage');
});

test('filter the logs', async () => {
  await nav('Logs');
  await page.getByLabel('Path contains').fill(TABLE);
  await choose('Service', 'rest');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const table = page.getByRole('table', { name: 'Log entries' });
  await table.getByText(`/rest/v1/${TABLE}`).first().waitFor();
  const paths = await table.locator('tbody tr').allInnerTexts();
  assert.ok(paths.length > 0 && paths.every((row) => row.includes(TABLE) && row.includes('rest')), paths.join('\n'));
  await screenshot(page, 'studio-09-logs');
});

test('the other screens render', async () => {
  for (const [section, shot] of [['Operations', 'studio-10-operations'], ['Database', 'studio-11-database'], ['API docs', 'studio-12-api-docs']]) {
    await nav(section);
    if (section === 'Operations') await page.getByText('database').first().waitFor();
    if (section === 'API docs') await page.getByRole('button', { name: TABLE }).click();
    await page.waitForLoadState('networkidle');
    await screenshot(page, shot);
  }
});

test('no response of the console session carries the service key or the JWT secret', async () => {
  assert.ok(seen.length > 20, `only ${seen.length} responses recorded`);
  for (const [url, text] of seen) {
    assert.ok(!text.includes(SERVICE_ROLE_KEY), `the service key is in ${url}`);
    if (JWT_SECRET) assert.ok(!text.includes(JWT_SECRET), `the JWT secret is in ${url}`);
  }
});

test('sign out ends the session', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const answer = await page.evaluate(async () => (await fetch('/studio/api/session')).status);
  assert.equal(answer, 401);
});
