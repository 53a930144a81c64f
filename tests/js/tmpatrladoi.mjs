
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
const URL_ = process.env.ORICOL_URL;
const ANON_KEY = process.env.ANON_KEY;
const SERVICE_ROLE_KEY = process.env.SERVICE_ROLE_KEY;
const options = { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket } };
const anon = () => createClient(URL_, ANON_KEY, options);
const service = () => createClient(URL_, SERVICE_ROLE_KEY, options);
const out = (value) => console.log(JSON.stringify(value));


import { createClient as cc } from '@supabase/supabase-js';
const v1 = cc(URL_, ANON_KEY, { ...options, realtime: { ...options.realtime, vsn: '1.0.0' } });
const got = [];
const ch = v1.channel('room_f3249c7c41').on('broadcast', { event: 'news' }, (p) => got.push(p.payload));
await new Promise((resolve) => ch.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
const sender = service().channel('room_f3249c7c41');
const res = await sender.httpSend('news', { via: 'httpSend' });
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 100 && got.length < 2; i++) { if (i == 2) await fetch(URL_ + '/realtime/v1/api/broadcast', { method: 'POST', headers: { apikey: SERVICE_ROLE_KEY, authorization: 'Bearer ' + SERVICE_ROLE_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ topic: 'room_f3249c7c41', event: 'news', payload: { via: 'batch' } }] }) }); await wait(50); }
out({ res, got, vsn: v1.realtime.vsn });
process.exit(0);
