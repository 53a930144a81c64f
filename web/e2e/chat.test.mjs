// Live support chat between two browsers: a requester starts a conversation; the agent's list (open
// all along) shows it with an unread count; the agent answers and the requester sees it arrive without
// a reload, and sees the agent typing and present. Phone and desktop screenshots.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, createUser, launch, screenshot, signIn } from './support.mjs';

const RUN = Date.now().toString(36);
let browser, requester, agent, requesterPage, agentPage;

before(async () => {
  browser = await launch();
  requester = await createUser('chat-req', { fullName: 'Carla Customer' });
  agent = await createUser('chat-agent', { role: 'agent', fullName: 'Alex Agent' });
  agentPage = await browser.newPage();
  requesterPage = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(agentPage, agent);
  await signIn(requesterPage, requester);
});
after(async () => { await browser?.close(); });

test('a requester starts a chat and the agent sees it arrive with an unread count', async () => {
  await agentPage.getByRole('link', { name: 'Live chat' }).first().click();
  await agentPage.getByRole('heading', { name: 'Live chat' }).waitFor();

  await requesterPage.goto(`${BASE}/chat`);
  await requesterPage.getByRole('heading', { name: 'Chat with support' }).waitFor();
  await requesterPage.getByText(/1 agent online/).waitFor(); // presence on the shared support channel
  await requesterPage.getByLabel('Subject').fill(`VPN drops ${RUN}`);
  await requesterPage.getByRole('textbox', { name: 'Message' }).fill('My VPN disconnects every ten minutes.');
  await requesterPage.getByRole('button', { name: 'Start chat' }).click();
  await requesterPage.getByRole('log', { name: 'Messages' }).getByText('My VPN disconnects every ten minutes.').waitFor();

  const item = agentPage.getByRole('button', { name: new RegExp(`VPN drops ${RUN} with Carla Customer, 1 unread`) });
  await item.waitFor({ timeout: 10_000 });
  await screenshot(agentPage, 'chat-agent-list');
  await item.click();
  await agentPage.getByRole('log', { name: 'Messages' }).getByRole('listitem', { name: 'Message from Carla Customer' }).waitFor();
  // Opening it marks it read.
  await agentPage.getByRole('button', { name: new RegExp(`^VPN drops ${RUN} with Carla Customer$`) }).waitFor();
});

test('the agent answers and the requester sees typing, then the message, live', async () => {
  await requesterPage.getByText(/Here now: Alex Agent/).waitFor();
  await agentPage.getByRole('textbox', { name: 'Message' }).pressSequentially('Which office');
  await requesterPage.getByText('Alex Agent is typing…').waitFor();
  await agentPage.getByRole('textbox', { name: 'Message' }).fill('Which office are you in? I will check the tunnel.');
  await agentPage.getByRole('button', { name: 'Send message' }).click();
  const arrived = requesterPage.getByRole('log', { name: 'Messages' }).getByRole('listitem', { name: 'Message from Alex Agent' });
  await arrived.waitFor({ timeout: 10_000 });
  assert.match(await arrived.textContent(), /Which office are you in\?/);
  await screenshot(requesterPage, 'chat-requester-phone');

  await requesterPage.getByRole('textbox', { name: 'Message' }).fill('Cape Town, second floor.');
  await requesterPage.keyboard.press('Enter');
  await agentPage.getByRole('log', { name: 'Messages' }).getByText('Cape Town, second floor.').waitFor({ timeout: 10_000 });
  await screenshot(agentPage, 'chat-agent-desktop');
});
