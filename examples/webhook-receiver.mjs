// A webhook receiver for mcc-bridge: verifies MCC-Signature, then prints each change as a JSON line
// (one per POST, or several when the subscriber is configured with `batch`).
//   WEBHOOK_SECRET=… PORT=8081 node examples/webhook-receiver.mjs
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.WEBHOOK_SECRET ?? '';
const TOLERANCE_SECONDS = 300; // older signatures are refused: a captured delivery cannot be replayed

function verified(header, body) {
  const parts = Object.fromEntries(
    String(header ?? '')
      .split(',')
      .map((p) => p.split('=', 2)),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > TOLERANCE_SECONDS || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (!verified(req.headers['mcc-signature'], body)) return res.writeHead(401).end('bad signature\n');
    // A subscriber with `batch` > 1 gets {"changes": [...]}; else each change is the body.
    // At least once: a change may come twice (same seq); deduplicate by seq if that matters.
    const parsed = JSON.parse(body);
    for (const change of parsed.changes ?? [parsed]) console.log(JSON.stringify(change));
    res.writeHead(204).end();
  });
});
server.listen(Number(process.env.PORT ?? 8081), '127.0.0.1', () => console.error(`listening on ${server.address().port}`));
