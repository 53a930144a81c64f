// Receivers for bench/realtime.py: many realtime sockets in one Node.js process, so the clients cost
// the machine far less than the server they measure (a Python client spends more CPU per message than
// the server does).
//
//   node bench/realtime_clients.mjs '{"url": "...", "tokens": [null, "..."], "table": "..."}'
//     each socket joins its own channel with one postgres_changes binding on `table` and records the
//     wall-clock time (ms) at which each row id arrived;
//   node bench/realtime_clients.mjs '{"url": "...", "tokens": [...], "topic": "realtime:x", "join": true}'
//     each socket joins `topic` (or, with "join": false, just listens, for a bare relay) and records the
//     latency of each broadcast from the sender's wall-clock stamp `payload.payload.t` (ms).
// stdout: "ready" once every socket is joined; then, for each "report" line on stdin, one JSON line
// {"received": {"<id>": [ms, ...]}, "latencies": [ms, ...], "cpu_ms": n} since the last report. "quit" ends.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(new URL('../tests/js/package.json', import.meta.url));
const WebSocket = require('ws');

const config = JSON.parse(process.argv[2]);
let received = new Map();
let latencies = [];
const now = () => performance.timeOrigin + performance.now();

function onChange(text) {
  const at = now();
  const id = JSON.parse(text).payload.data.record.id;
  let times = received.get(id);
  if (times === undefined) received.set(id, (times = []));
  times.push(at);
}

function onBroadcast(text) {
  const at = now();
  latencies.push(at - JSON.parse(text).payload.payload.t);
}

function open(token, n) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(config.url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('open', () => {
      if (config.table) {
        const payload = { config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: config.table }] } };
        if (token) payload.access_token = token;
        ws.send(JSON.stringify({ topic: `realtime:bench${n}`, event: 'phx_join', payload, ref: '1', join_ref: '1' }));
      } else if (config.join) {
        ws.send(JSON.stringify({ topic: config.topic, event: 'phx_join', payload: { config: {} }, ref: '1', join_ref: '1' }));
      } else {
        resolve(ws);
      }
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"event":"postgres_changes"')) onChange(text);
      else if (text.includes('"event":"broadcast"')) onBroadcast(text);
      else if (config.table ? text.includes('"event":"system"') : text.includes('"event":"phx_reply"')) resolve(ws);
    });
  });
}

const sockets = [];
for (let n = 0; n < config.tokens.length; n += 1) sockets.push(await open(config.tokens[n], n));
process.stdout.write('ready\n');

let cpuAt = process.cpuUsage();
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'report') {
    const cpu = process.cpuUsage(cpuAt);
    cpuAt = process.cpuUsage();
    process.stdout.write(JSON.stringify({ received: Object.fromEntries(received), latencies,
                                          cpu_ms: (cpu.user + cpu.system) / 1000 }) + '\n');
    received = new Map();
    latencies = [];
  } else if (line === 'quit') {
    break;
  }
}
for (const ws of sockets) ws.terminate();
process.exit(0);
