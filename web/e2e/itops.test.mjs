// IT operations end to end: an agent imports assets from CSV (one bad row reported and skipped), prints
// QR labels; a requester on a phone opens a label's link and reports a problem (the ticket is linked to
// the asset); a licence seat is assigned; two agents build a diagram together and see each other live.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, anon, BASE, createUser, launch, screenshot, signIn } from './support.mjs';

const RUN = Date.now().toString(36).toUpperCase();
const db = () => admin().schema('helpdesk');
let browser, agent, agent2, requester, agentPage, branch, labelUrl;

before(async () => {
  browser = await launch();
  [agent, agent2, requester] = await Promise.all([
    createUser('itagent', { role: 'agent', fullName: 'Ivy Agent' }),
    createUser('itagent2', { role: 'agent', fullName: 'Otto Second' }),
    createUser('itreq', { fullName: 'Rita Itops' }),
  ]);
  const made = await db().from('branches').insert({ name: `Harbour ${RUN}`, code: `H${RUN}`, city: 'Cape Town' }).select('id, name').single();
  if (made.error) throw new Error(made.error.message);
  branch = made.data;
  agentPage = await browser.newPage();
  await signIn(agentPage, agent);
});
after(async () => { await browser?.close(); });

test('a CSV of assets is previewed with per-row errors; only the valid rows are imported', async () => {
  const csv = [
    'tag,name,type,status,branch,assigned_to,warranty_expires_on,colour',
    `LT-${RUN}-1,Reception laptop,laptop,deployed,H${RUN},${agent.email},2030-01-31,silver`,
    `PR-${RUN}-2,Floor printer,printer,in stock,Harbour ${RUN},,,`,
    `BAD-${RUN}-3,Broken row,laptop,exploded,Nowhere,,2030-02-30,`,
  ].join('\n');
  await agentPage.goto(`${BASE}/inventory`);
  await agentPage.getByRole('button', { name: 'Import CSV' }).click();
  await agentPage.getByLabel('CSV file').setInputFiles({ name: 'assets.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const preview = agentPage.getByRole('table', { name: 'Import preview' });
  await preview.waitFor();
  await agentPage.getByText('2 ready').waitFor();
  await agentPage.getByText('1 with errors (not imported)').waitFor();
  const bad = preview.getByRole('row').filter({ hasText: `BAD-${RUN}-3` });
  for (const reason of ['status "exploded" is not one of', 'branch "Nowhere" is unknown', 'warranty_expires_on "2030-02-30" is not a date']) {
    await bad.getByText(reason, { exact: false }).waitFor();
  }
  await screenshot(agentPage, 'itops-import-preview');
  await agentPage.getByRole('button', { name: 'Import 2 assets' }).click();
  await agentPage.waitForURL(`${BASE}/inventory`);
  await agentPage.getByLabel('Search assets').fill(RUN);
  const table = agentPage.getByRole('table', { name: 'Assets' });
  await table.getByRole('row').filter({ hasText: `LT-${RUN}-1` }).waitFor();
  await table.getByRole('row').filter({ hasText: `PR-${RUN}-2` }).waitFor();
  const { data } = await db().from('assets').select('tag, status, branch_id, assigned_to, custom').ilike('tag', `%${RUN}%`).order('tag');
  assert.deepEqual(data.map((a) => a.tag), [`LT-${RUN}-1`, `PR-${RUN}-2`]);
  assert.equal(data[0].branch_id, branch.id);
  assert.equal(data[0].assigned_to, agent.id);
  assert.deepEqual(data[0].custom, { colour: 'silver' });
  assert.equal(data[1].status, 'in_stock');
  await screenshot(agentPage, 'itops-asset-list');
});

test('labels print as a sheet of QR codes that open the asset page', async () => {
  const table = agentPage.getByRole('table', { name: 'Assets' });
  const row = table.getByRole('row').filter({ hasText: `PR-${RUN}-2` });
  await row.getByRole('checkbox').click();
  await agentPage.getByRole('button', { name: 'Print labels (1)' }).click();
  const qr = agentPage.getByRole('img', { name: `QR code for PR-${RUN}-2` });
  await qr.waitFor();
  labelUrl = await qr.getAttribute('data-qr-value');
  assert.equal(labelUrl, `${BASE}/inventory/PR-${RUN}-2`);
  assert.ok((await qr.locator('path').getAttribute('d')).length > 500, 'the QR code has modules');
  await agentPage.emulateMedia({ media: 'print' });
  assert.equal(await agentPage.getByRole('button', { name: 'Print' }).isVisible(), false, 'print hides the page chrome');
  assert.equal(await qr.isVisible(), true, 'print shows the labels');
  await screenshot(agentPage, 'itops-labels-print');
  await agentPage.emulateMedia({ media: 'screen' });
});

test('on a phone, the label link lets a requester report a problem linked to the asset', async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(phone, requester);
  await phone.goto(labelUrl);
  await phone.getByRole('heading', { name: `PR-${RUN}-2 · Floor printer` }).waitFor();
  await screenshot(phone, 'itops-phone-asset');
  await phone.getByRole('button', { name: 'Report a problem with this' }).click();
  await phone.getByText(`PR-${RUN}-2 · Floor printer`).waitFor();
  await phone.getByLabel('Title').fill(`Printer shows error E5 ${RUN}`);
  await phone.getByLabel('Description').fill('Paper jam light blinks although the tray is empty.');
  await screenshot(phone, 'itops-phone-report');
  await phone.getByRole('button', { name: 'Open ticket' }).click();
  await phone.waitForURL(/\/my-tickets\/[0-9a-f-]{36}$/);
  const id = phone.url().split('/').pop();
  const { data: ticket } = await db().from('tickets').select('asset_id, requester_id').eq('id', id).single();
  const { data: asset } = await db().from('assets').select('id').eq('tag', `PR-${RUN}-2`).single();
  assert.equal(ticket.asset_id, asset.id);
  assert.equal(ticket.requester_id, requester.id);
  // The agent sees it on the asset's page.
  await agentPage.goto(`${BASE}/inventory/PR-${RUN}-2`);
  await agentPage.getByText(`Printer shows error E5 ${RUN}`).waitFor();
  await screenshot(agentPage, 'itops-asset-detail');
});

test('the API shows a requester only the label of an asset not assigned to them, and nothing to anon', async () => {
  const client = anon();
  const { error: signInError } = await client.auth.signInWithPassword({ email: requester.email, password: requester.password });
  assert.ifError(signInError);
  const rows = await client.schema('helpdesk').from('assets').select('id, serial').eq('tag', `PR-${RUN}-2`);
  assert.deepEqual(rows.data, [], 'RLS hides the row itself');
  const label = await client.schema('helpdesk').rpc('asset_label', { key: `PR-${RUN}-2` });
  assert.ifError(label.error);
  assert.deepEqual(Object.keys(label.data[0]).sort(), ['branch_name', 'id', 'name', 'tag', 'type']);
  const stranger = await anon().schema('helpdesk').rpc('asset_label', { key: `PR-${RUN}-2` });
  assert.ok(stranger.error, 'anon may not call asset_label');
});

test('a licence seat is assigned; the next one warns about over-allocation', async () => {
  const made = await db().from('licences').insert({ name: `Office ${RUN}`, seats: 1, renews_on: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10) }).select('id').single();
  assert.ifError(made.error);
  await agentPage.goto(`${BASE}/licences`);
  await agentPage.getByRole('link', { name: `Office ${RUN}` }).click();
  await agentPage.getByText('0 / 1 seats used').waitFor();
  await agentPage.getByRole('combobox', { name: 'Person' }).click();
  await agentPage.getByRole('option', { name: 'Rita Itops' }).click();
  await agentPage.getByRole('button', { name: 'Assign seat' }).click();
  await agentPage.getByText('1 / 1 seats used').waitFor();
  await agentPage.getByRole('list', { name: 'Seats in use' }).getByText('Rita Itops').waitFor();
  await agentPage.getByRole('button', { name: 'Assign anyway' }).waitFor();
  await agentPage.getByText('All 1 seats are taken').waitFor();
  await screenshot(agentPage, 'itops-licence-seat');
  const { data } = await db().from('licence_assignments').select('member_id, released_at, assigned_by').eq('licence_id', made.data.id);
  assert.deepEqual(data, [{ member_id: requester.id, released_at: null, assigned_by: agent.id }]);
});

test('two agents build a two-node diagram and each sees the other live', async () => {
  const devices = await db().from('network_devices').insert([
    { branch_id: branch.id, name: `Core router ${RUN}`, kind: 'router', ip_address: '10.0.0.1' },
    { branch_id: branch.id, name: `Floor switch ${RUN}`, kind: 'switch', ip_address: '10.0.0.2' },
  ]);
  assert.ifError(devices.error);
  // The branch page lists its devices and assets.
  await agentPage.goto(`${BASE}/branches`);
  await agentPage.getByRole('link', { name: `Harbour ${RUN} (H${RUN})` }).click();
  await agentPage.getByRole('list', { name: 'Network devices' }).getByText(`Core router ${RUN}`).waitFor();
  await agentPage.getByText(`LT-${RUN}-1`).waitFor();
  await screenshot(agentPage, 'itops-branch');
  await agentPage.goto(`${BASE}/diagrams`);
  await agentPage.getByRole('button', { name: 'New diagram' }).click();
  await agentPage.getByLabel('Diagram name').fill(`Harbour LAN ${RUN}`);
  await agentPage.getByRole('combobox', { name: 'Branch' }).click();
  await agentPage.getByRole('option', { name: branch.name }).click();
  await agentPage.getByRole('button', { name: 'Create' }).click();
  await agentPage.waitForURL(/\/diagrams\/[0-9a-f-]{36}$/);
  const url = agentPage.url();

  const other = await browser.newPage();
  await signIn(other, agent2);
  await other.goto(url);
  await other.getByRole('application', { name: 'Diagram canvas' }).waitFor();
  // Who is here: each sees both avatars.
  await agentPage.getByRole('list', { name: 'Here now' }).getByRole('listitem', { name: 'Otto Second' }).waitFor();
  await other.getByRole('list', { name: 'Here now' }).getByRole('listitem', { name: 'Ivy Agent' }).waitFor();

  // Drag the router from the device list onto the canvas; place the switch with its button.
  const canvas = agentPage.getByRole('application', { name: 'Diagram canvas' });
  await agentPage.getByRole('listitem', { name: `Core router ${RUN}` }).dragTo(canvas, { targetPosition: { x: 420, y: 300 } });
  await agentPage.locator('[data-node-id]').first().waitFor();
  await agentPage.getByRole('button', { name: `Place Floor switch ${RUN}` }).click();
  await agentPage.locator('[data-node-id]').nth(1).waitFor();
  await agentPage.getByRole('status').filter({ hasText: 'All changes saved' }).waitFor();
  await agentPage.getByRole('combobox', { name: 'Link from' }).click();
  await agentPage.getByRole('option', { name: `Core router ${RUN}` }).click();
  await agentPage.getByRole('combobox', { name: 'Link to' }).click();
  await agentPage.getByRole('option', { name: `Floor switch ${RUN}` }).click();
  await agentPage.getByLabel('Link label').fill('1 Gbit');
  await agentPage.getByRole('button', { name: 'Add link' }).click();

  // The second browser receives the nodes and the link without reloading.
  await other.locator('[data-node-id]').nth(1).waitFor();
  await other.getByText('1 Gbit').waitFor();
  // Moving a node shows up live too (keyboard move: arrow keys).
  const node = agentPage.locator('[data-node-id]').first();
  const nodeId = await node.getAttribute('data-node-id');
  const before = await other.locator(`[data-node-id="${nodeId}"]`).getAttribute('transform');
  await node.focus();
  await agentPage.keyboard.press('Shift+ArrowRight');
  await other.waitForFunction(([sel, old]) => document.querySelector(sel)?.getAttribute('transform') !== old,
    [`[data-node-id="${nodeId}"]`, before]);
  await agentPage.getByRole('status').filter({ hasText: 'All changes saved' }).waitFor();
  await screenshot(agentPage, 'itops-diagram-editor');
  await screenshot(other, 'itops-diagram-second-browser');

  const diagramId = url.split('/').pop();
  const [{ data: nodes }, { data: links }] = await Promise.all([
    db().from('diagram_nodes').select('id, label, network_device_id, x').eq('diagram_id', diagramId),
    db().from('diagram_links').select('source_node_id, target_node_id, label').eq('diagram_id', diagramId),
  ]);
  assert.equal(nodes.length, 2);
  assert.deepEqual(nodes.map((n) => n.label).sort(), [`Core router ${RUN}`, `Floor switch ${RUN}`]);
  assert.equal(links.length, 1);
  assert.equal(links[0].label, '1 Gbit');
  assert.ok(nodes.every((n) => n.network_device_id), 'nodes are the branch\'s device records');
  // The keyboard move (Shift+Right = 50 units) was saved.
  const startX = Number(before.match(/translate\(([\d.]+)/)[1]);
  assert.equal(nodes.find((n) => n.id === nodeId).x, startX + 50);
  await other.close();
});
