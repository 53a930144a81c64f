// Subscribers for bench/realtime.py: many realtime sockets in one Node.js process, so the clients cost
// the machine far less than the server they measure (a Python client spends more CPU per message than
// the server does). Each socket joins its own channel with one postgres_changes binding and records the
// wall-clock time at which each row id arrived.
//
//   node bench/realtime_clients.mjs '{"url": "...", "table": "...", "tokens": [null, "..."]}'
// stdout: "ready" once every socket is joined and subscribed; then, for each "report" line on stdin, one
// JSON line {"received": {"<id>": [ms, ...]}, "cpu_ms": n} (received since the last report). "quit" ends.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(new URL('../tests/js/package.json', import.meta.url));
const WebSocket = require('ws');

const config = JSON.parse(process.argv[2]);
let received = new Map();
const now = () => performance.timeOrigin + performance.now();

function open(token, n) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(config.url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('open', () => {
      const payload = { config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: config.table }] } };
      if (token) payload.access_token = token;
      ws.send(JSON.stringify({ topic: `realtime:bench${n}`, event: 'phx_join', payload, ref: '1', join_ref: '1' }));
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"event":"postgres_changes"')) {
        const at = now();
        const id = JSON.parse(text).payload.data.record.id;
        let times = received.get(id);
        if (times === undefined) received.set(id, (times = []));
        times.push(at);
      } else if (text.includes('"event":"system"')) {
        resolve(ws);
      }
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
    process.stdout.write(JSON.stringify({ received: Object.fromEntries(received), cpu_ms: (cpu.user + cpu.system) / 1000 }) + '\n');
    received = new Map();
  } else if (line === 'quit') {
    break;
  }
}
for (const ws of sockets) ws.terminate();
process.exit(0);
