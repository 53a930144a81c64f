// The document hub: an agent drops two files into a new folder with a tag, sees each upload's progress,
// previews the image (through the transform endpoint) and the PDF (a signed URL in a frame), makes a
// share link that works without a session; a requester's storage call for the same file is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { createClient } from '@supabase/supabase-js';
import { ANON_KEY, BASE, createUser, launch, screenshot, signIn } from './support.mjs';

const PNG = stripes(240, 160);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj '
  + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const RUN = Date.now().toString(36);
let browser, agent, requester, page;

before(async () => {
  browser = await launch();
  agent = await createUser('docs-agent', { role: 'agent', fullName: 'Dora Docs' });
  requester = await createUser('docs-req', { fullName: 'Rex Requester' });
  page = await browser.newPage();
  await signIn(page, agent);
});
after(async () => { await browser?.close(); });

test('an agent uploads two files into a folder with a tag and previews them', async () => {
  await page.getByRole('link', { name: 'Documents' }).first().click();
  await page.getByRole('heading', { name: 'Documents' }).waitFor();
  await page.getByLabel('New folder name').fill(`Network ${RUN}`);
  await page.getByRole('button', { name: 'Create folder' }).click();
  await page.getByLabel('Tags for new uploads').fill('vpn, Setup');
  await page.getByLabel('Upload documents').setInputFiles([
    { name: `router-${RUN}.png`, mimeType: 'image/png', buffer: PNG },
    { name: `vpn-guide-${RUN}.pdf`, mimeType: 'application/pdf', buffer: PDF },
  ]);
  const uploads = page.getByRole('list', { name: 'Uploads' });
  await uploads.getByRole('progressbar', { name: `Uploading router-${RUN}.png` }).waitFor();
  await uploads.getByText('Uploaded').nth(1).waitFor();
  const table = page.getByRole('table', { name: 'Documents' });
  const row = table.getByRole('row').filter({ hasText: `router-${RUN}.png` });
  await row.waitFor();
  await row.getByText('setup').waitFor(); // tags are stored lower-case
  await table.getByRole('row').filter({ hasText: `vpn-guide-${RUN}.pdf` }).waitFor();
  await screenshot(page, 'documents-desktop');

  await page.getByRole('button', { name: `Preview router-${RUN}.png` }).click();
  const dialog = page.getByRole('dialog', { name: `router-${RUN}.png` });
  const img = dialog.getByRole('img', { name: `router-${RUN}.png` });
  await img.waitFor();
  assert.match(await img.getAttribute('src'), /\/storage\/v1\/render\/image\/sign\/helpdesk-documents\//);
  await page.waitForFunction((name) => [...document.querySelectorAll('img')].some((i) => i.alt === name && i.complete && i.naturalWidth > 0), `router-${RUN}.png`);
  await screenshot(page, 'documents-image-preview');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: `Preview vpn-guide-${RUN}.pdf` }).click();
  const frame = page.getByTitle(`Preview of vpn-guide-${RUN}.pdf`);
  await frame.waitFor();
  const src = await frame.getAttribute('src');
  const pdf = await fetch(src);
  assert.equal(pdf.status, 200);
  assert.ok(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).equals(Buffer.from('%PDF-')));
  await page.keyboard.press('Escape');
});

test('a share link with a chosen expiry opens the file without signing in', async () => {
  await page.getByRole('button', { name: `Share router-${RUN}.png` }).click();
  const dialog = page.getByRole('dialog', { name: `Share router-${RUN}.png` });
  await dialog.getByLabel('Link expires after').click();
  await page.getByRole('option', { name: '7 days' }).click();
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const link = await dialog.getByLabel('Share link').inputValue();
  await dialog.getByText(/Valid until/).waitFor();
  const token = JSON.parse(Buffer.from(new URL(link).searchParams.get('token').split('.')[1], 'base64url').toString());
  const days = (token.exp - Date.now() / 1000) / 86400;
  assert.ok(days > 6.9 && days <= 7.01, `link expires in ${days} days`);
  const response = await fetch(link);
  assert.equal(response.status, 200);
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(PNG));
  await page.keyboard.press('Escape');
});

test('a requester gets nothing from the documents table or bucket', async () => {
  const client = createClient(BASE, ANON_KEY, { auth: { persistSession: false } });
  await client.auth.signInWithPassword({ email: requester.email, password: requester.password });
  const rows = await client.schema('helpdesk').from('documents').select('id, object_path');
  assert.equal(rows.error, null);
  assert.deepEqual(rows.data, []);
  const listed = await client.storage.from('helpdesk-documents').list(`Network ${RUN}`);
  assert.deepEqual(listed.data ?? [], []);
  const admin = createClient(BASE, process.env.SERVICE_ROLE_KEY, { auth: { persistSession: false } });
  const { data } = await admin.schema('helpdesk').from('documents').select('object_path').like('name', `router-${RUN}%`).single();
  const download = await client.storage.from('helpdesk-documents').download(data.object_path);
  assert.ok(download.error, 'a requester must not download a document');
});

test('the documents screen on a phone', async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(phone, agent);
  await phone.goto(`${BASE}/documents?folder=${encodeURIComponent(`/Network ${RUN}`)}`);
  await phone.getByRole('row').filter({ hasText: `router-${RUN}.png` }).waitFor();
  await screenshot(phone, 'documents-phone');
});

/** A real RGB PNG of blue and orange stripes, so the preview shows something a person would recognise. */
function stripes(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8); head.writeUInt32BE(data.length, 0); head.write(type, 4, 'ascii');
    const tail = Buffer.alloc(4); tail.writeUInt32BE(crc(Buffer.concat([Buffer.from(type, 'ascii'), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set(Math.floor(x / 30) % 2 ? [249, 115, 22] : [59, 130, 246], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
