import { randomUUID } from 'node:crypto';
import { createRedactor } from './shared/privacy/pii-redactor.ts';
import { redactLogLine } from './shared/logging/redacting-destination.ts';
const r = createRedactor();
let bad = 0; const ex: string[] = [];
for (let i = 0; i < 300000; i++) {
  const id = randomUUID();
  const line = JSON.stringify({ req: { id } });
  if (redactLogLine(line, r) !== line) { bad++; if (ex.length < 5) ex.push(id + ' -> ' + redactLogLine(line, r)); }
}
console.log('uuids changed', bad, ex);
for (const id of ['1234567890', '4155552671', '1700000000123', 'trace-4111111111111111', '0af7651916cd43dd8448eb211c80319c', '00f067aa0ba902b7', '8448-2111-1234', '20240601123045', 'req.555.123.4567']) {
  const line = JSON.stringify({ req: { id } });
  console.log(id, '=>', redactLogLine(line, r).trim());
}
