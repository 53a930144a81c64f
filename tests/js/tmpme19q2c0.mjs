
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
const URL_ = process.env.ORICOL_URL;
const ANON_KEY = process.env.ANON_KEY;
const SERVICE_ROLE_KEY = process.env.SERVICE_ROLE_KEY;
const options = { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket } };
const anon = () => createClient(URL_, ANON_KEY, options);
const service = () => createClient(URL_, SERVICE_ROLE_KEY, options);
const out = (value) => console.log(JSON.stringify(value));


const db = service();
const counted = await db.rpc('c357f12ea_places_of', { code: 'DZ' }, { count: 'exact' }).select('id').range(0, 0);
const head = await db.rpc('c357f12ea_places_of', { code: 'DZ' }, { count: 'exact', head: true });
const limited = await db.rpc('c357f12ea_touch', { code: 'DZ' }).maxAffected(1);
const allowed = await db.rpc('c357f12ea_touch', { code: 'FR' }).maxAffected(1);
const none = await db.rpc('c357f12ea_one_place', { wanted: 1 }).eq('iso', 'XX');
const one = await db.rpc('c357f12ea_one_place', { wanted: 1 }).select('id,iso');
out({ counted: [counted.count, counted.data], head: head.count, limited: limited.error, allowed: allowed.error,
       none: [none.status, none.data, none.error], one: one.data });
