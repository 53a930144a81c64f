// The main ticket flow across two people, live: a requester opens a ticket with an attachment; an agent
// sees it appear, replies publicly and adds an internal note; the requester sees the reply (never the
// note) and the status change without reloading; the agent filters and searches; a phone-sized screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@supabase/supabase-js';
import { ANON_KEY, BASE, createUser, launch, screenshot, signIn } from './support.mjs';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const RUN = Date.now().toString(36);
let browser, requester, agent, requesterPage, agentPage, ticketUrl, ticketNumber;

before(async () => {
  browser = await launch();
  requester = await createUser('req', { fullName: 'Rita Requester' });
  agent = await createUser('agent', { role: 'agent', fullName: 'Andy Agent' });
  agentPage = await browser.newPage();
  requesterPage = await browser.newPage();
  await signIn(agentPage, agent);
  await signIn(requesterPage, requester);
});
after(async () => { await browser?.close(); });

test('the agent desk opens with saved views', async () => {
  await agentPage.goto(`${BASE}/tickets`);
  for (const view of ['My open', 'Unassigned', 'All open', 'Breaching SLA', 'Recently updated']) {
    await agentPage.getByRole('tab', { name: view }).waitFor();
  }
  await agentPage.getByRole('table', { name: 'Tickets' }).waitFor();
});

test('a requester opens a ticket with an attachment and the agent sees it appear live', async () => {
  const title = `Printer on floor 3 jams ${RUN}`;
  await requesterPage.getByRole('link', { name: 'New ticket' }).first().click();
  await requesterPage.getByLabel('Title').fill(title);
  await requesterPage.getByLabel('Description').fill('Every second page jams since Monday. Tried another tray.');
  await requesterPage.getByLabel('Attachments').setInputFiles({ name: 'jam-photo.png', mimeType: 'image/png', buffer: PNG });
  await requesterPage.getByText('jam-photo.png').waitFor();
  await screenshot(requesterPage, 'new-ticket-form');
  await requesterPage.getByRole('button', { name: 'Open ticket' }).click();
  await requesterPage.waitForURL(/\/my-tickets\/[0-9a-f-]{36}$/);
  ticketUrl = requesterPage.url();
  await requesterPage.getByRole('heading', { name: title }).waitFor();
  await requesterPage.getByRole('img', { name: 'jam-photo.png' }).waitFor();
  ticketNumber = (await requesterPage.locator('span.font-mono').first().textContent()).trim();
  assert.match(ticketNumber, /^HD-\d+$/);
  await screenshot(requesterPage, 'requester-ticket-opened');

  // The agent's list was open all along: the new ticket shows up without a reload.
  await agentPage.getByRole('row').filter({ hasText: title }).waitFor({ timeout: 10_000 });
  await screenshot(agentPage, 'agent-desk-live');
});

test('the agent replies publicly and adds an internal note; the requester sees only the reply, live', async () => {
  const id = ticketUrl.split('/').pop();
  await agentPage.goto(`${BASE}/tickets/${id}`);
  await agentPage.getByRole('img', { name: 'jam-photo.png' }).waitFor();
  await agentPage.getByLabel('Reply', { exact: true }).fill('Thanks Rita, a technician is on the way.');
  await agentPage.getByRole('button', { name: 'Send reply' }).click();
  await agentPage.getByRole('listitem', { name: 'Reply by Andy Agent' }).waitFor();
  await agentPage.getByRole('radio', { name: 'Internal note' }).click();
  await agentPage.getByLabel('Internal note', { exact: true }).fill('Fuser unit worn out; order part 42.');
  await agentPage.getByRole('button', { name: 'Add internal note' }).click();
  await agentPage.getByRole('listitem', { name: 'Internal note by Andy Agent' }).waitFor();
  await screenshot(agentPage, 'agent-ticket-conversation');

  // The requester's page has been open the whole time.
  await requesterPage.getByText('Thanks Rita, a technician is on the way.').waitFor({ timeout: 10_000 });
  await requesterPage.getByRole('status', { name: 'Also viewing' }).waitFor();
  await requesterPage.waitForTimeout(1500); // give a wrongly delivered note time to show up
  assert.equal(await requesterPage.getByText('Fuser unit worn out').count(), 0);
  assert.ok(!(await requesterPage.content()).includes('Fuser unit'));
  await requesterPage.reload();
  await requesterPage.getByText('Thanks Rita, a technician is on the way.').waitFor();
  assert.ok(!(await requesterPage.content()).includes('Fuser unit'));
  await screenshot(requesterPage, 'requester-sees-reply-not-note');

  // And not through the API either: RLS, not the UI, hides the note.
  const client = createClient(BASE, ANON_KEY, { auth: { persistSession: false } });
  await client.auth.signInWithPassword({ email: requester.email, password: requester.password });
  const { data, error } = await client.schema('helpdesk').from('ticket_comments').select('body, internal').eq('ticket_id', id);
  assert.equal(error, null);
  assert.deepEqual(data.map((c) => c.internal), [false]);
});

test('a status change by the agent reaches the requester live', async () => {
  await agentPage.getByRole('combobox', { name: 'Status' }).click();
  await agentPage.getByRole('option', { name: 'Pending' }).click();
  await agentPage.getByRole('combobox', { name: 'Status' }).filter({ hasText: 'Pending' }).waitFor();
  await agentPage.getByRole('list', { name: 'History' }).getByText(/status/).first().waitFor({ timeout: 10_000 });
  await requesterPage.getByText('Pending').first().waitFor({ timeout: 10_000 });
  await screenshot(agentPage, 'agent-status-changed');
});

test('the agent narrows the list with filters and finds tickets by words and by number', async () => {
  const urgentTitle = `VPN drops every hour ${RUN}`;
  const client = createClient(BASE, ANON_KEY, { auth: { persistSession: false } });
  await client.auth.signInWithPassword({ email: requester.email, password: requester.password });
  const made = await client.schema('helpdesk').from('tickets')
    .insert({ title: urgentTitle, description: 'Disconnects hourly from home', priority: 'urgent', requester_id: requester.id })
    .select('number').single();
  assert.equal(made.error, null);

  await agentPage.goto(`${BASE}/tickets?view=recent`);
  const table = agentPage.getByRole('table', { name: 'Tickets' });
  await table.getByRole('row').filter({ hasText: urgentTitle }).waitFor();
  await table.getByRole('row').filter({ hasText: `Printer on floor 3 jams ${RUN}` }).waitFor();

  await agentPage.getByRole('combobox', { name: 'Priority' }).click();
  await agentPage.getByRole('option', { name: 'Urgent' }).click();
  await agentPage.waitForURL(/priority=urgent/);
  await table.getByRole('row').filter({ hasText: urgentTitle }).waitFor();
  await agentPage.waitForFunction((t) => !document.body.innerText.includes(t), `Printer on floor 3 jams ${RUN}`);
  await screenshot(agentPage, 'agent-filter-urgent');
  await agentPage.getByRole('button', { name: 'Clear filters' }).click();

  await agentPage.getByLabel('Search', { exact: true }).fill(`printer jams`);
  await table.getByRole('row').filter({ hasText: `Printer on floor 3 jams ${RUN}` }).waitFor();
  await agentPage.waitForFunction((t) => !document.body.innerText.includes(t), urgentTitle);

  // The global search box: "/" focuses it; a ticket number finds exactly that ticket.
  await agentPage.locator('body').click({ position: { x: 5, y: 5 } });
  await agentPage.keyboard.press('/');
  await agentPage.getByRole('searchbox', { name: 'Search tickets' }).fill(made.data.number);
  await agentPage.keyboard.press('Enter');
  await agentPage.waitForURL(new RegExp(`q=${made.data.number}`));
  await table.getByRole('row').filter({ hasText: urgentTitle }).waitFor();
  const rows = await table.locator('tbody tr[data-row]').count();
  assert.equal(rows, 1);
  await screenshot(agentPage, 'agent-search-by-number');
});

test('bulk actions change several tickets at once', async () => {
  await agentPage.goto(`${BASE}/tickets?view=recent&q=${RUN}`);
  const table = agentPage.getByRole('table', { name: 'Tickets' });
  await table.locator('tbody tr[data-row]').nth(1).waitFor();
  await agentPage.getByRole('checkbox', { name: 'Select all rows on this page' }).click();
  await agentPage.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Assign to me' }).click();
  await agentPage.getByText(/Assigned to you: 2 tickets/).first().waitFor(); // the toast and its screen-reader copy
  await agentPage.getByRole('tab', { name: 'My open' }).click();
  await table.getByRole('row').filter({ hasText: `VPN drops every hour ${RUN}` }).waitFor();
  await screenshot(agentPage, 'agent-my-open');
});

test('the requester closes the ticket from the portal', async () => {
  await requesterPage.goto(ticketUrl);
  await requesterPage.getByRole('button', { name: 'Close ticket' }).click();
  await requesterPage.getByRole('alertdialog').getByRole('button', { name: 'Close ticket' }).click();
  await requesterPage.getByText('Closed').first().waitFor();
  await requesterPage.goto(`${BASE}/my-tickets`);
  await requesterPage.getByRole('table', { name: 'My tickets' }).getByRole('row').filter({ hasText: 'Closed' }).waitFor();
  await screenshot(requesterPage, 'requester-my-tickets');
});

test('a phone-sized screen shows the ticket without sideways scrolling', async () => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(phone, requester);
  await phone.goto(ticketUrl);
  await phone.getByText('Thanks Rita, a technician is on the way.').waitFor();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 362, `page is ${width}px wide on a 360px screen`);
  await screenshot(phone, 'phone-ticket');
  await phone.goto(`${BASE}/my-tickets`);
  await phone.getByRole('table', { name: 'My tickets' }).waitFor();
  await screenshot(phone, 'phone-my-tickets');
});

test('keyboard: "c" opens the new-ticket form, j/k move through the list, Enter opens a ticket', async () => {
  await agentPage.goto(`${BASE}/tickets?view=recent&q=${RUN}`);
  await agentPage.locator('tbody tr[data-row]').nth(1).waitFor();
  await agentPage.locator('body').click({ position: { x: 5, y: 5 } });
  await agentPage.keyboard.press('j');
  await agentPage.keyboard.press('j');
  const focused = await agentPage.evaluate(() => document.activeElement?.textContent ?? '');
  const second = await agentPage.locator('tbody tr[data-row]').nth(1).textContent();
  assert.equal(focused, second);
  await agentPage.keyboard.press('Enter');
  await agentPage.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
  await agentPage.locator('body').click({ position: { x: 5, y: 5 } });
  await agentPage.keyboard.press('c');
  await agentPage.waitForURL(/\/new$/);
  await agentPage.getByLabel('Title').waitFor();
});

test('the dashboard shows the desk as charts', async () => {
  await agentPage.goto(`${BASE}/dashboard`);
  await agentPage.getByText('Open tickets', { exact: true }).waitFor();
  await agentPage.locator('.recharts-surface').first().waitFor();
  assert.ok(await agentPage.locator('.recharts-surface').count() >= 3);
  await agentPage.waitForTimeout(500); // let the charts finish their entry animation
  await screenshot(agentPage, 'dashboard');
});
