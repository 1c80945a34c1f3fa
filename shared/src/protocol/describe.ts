import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { MAX_REQUEST_BYTES, REQUEST_TIMEOUT_MS } from './envelope';
import { namespaces } from './namespaces';

const schemaText = (schema: z.ZodType) => {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    unrepresentable: 'any',
    io: 'input',
  });
  return JSON.stringify(json, null, 2);
};

/**
 * The protocol reference (docs/protocol.md), generated from the schemas themselves so that it
 * cannot drift: a unit test fails when the committed file differs from this output.
 */
export function describeProtocol(): string {
  const out: string[] = [
    '# Visio-Public signalling protocol',
    '',
    '<!-- Generated from shared/src/protocol by `npm run docs:protocol`. Do not edit by hand. -->',
    '',
    'Transport: socket.io 4 over WebSocket. Each namespace authenticates its sockets at connection',
    'with `auth: { token }`; a refused connection gets `connect_error` with',
    '`data: { code: "UNAUTHORIZED" }`.',
    '',
    '## Requests and acknowledgements',
    '',
    'Every client → server message is a request sent with an acknowledgement callback',
    '(`socket.emitWithAck(name, payload)`) and exactly one payload object. The server answers with',
    '`{ ok: true, data }` or `{ ok: false, error: { code, message, details? } }`. Requests are validated',
    `against the schemas below before any handler runs; payloads over ${MAX_REQUEST_BYTES} bytes are refused`,
    `(\`PAYLOAD_TOO_LARGE\`). Clients give up after ${REQUEST_TIMEOUT_MS} ms (\`TIMEOUT\`).`,
    'Server → client events carry one payload object and are validated by the clients too.',
    '',
    '## Error codes',
    '',
    ...ERROR_CODES.map((c) => `- \`${c}\``),
    '',
  ];
  out.push(
    '## TURN relay',
    '',
    'When the server has a relay (`TURN_URLS`), the answers to `media:join` and `media:restartIce`',
    'carry `iceServers`: the relay URLs with one credential minted for the caller at that moment',
    '(TURN REST scheme, as coturn checks it with `use-auth-secret`: username',
    '`<expiry unix seconds>:<kiosk or staff id>`, credential base64(HMAC-SHA1(TURN_SECRET, username)),',
    'valid `TURN_CREDENTIAL_TTL_S`). Every transport build follows a join (call start, media restart,',
    'rejoin, page reload) and an ICE restart brings its own, so a credential is never older than the',
    'transport it serves. Clients pass them to their transports with `iceTransportPolicy: "all"`: the',
    'relay is a fallback ICE picks only when no direct pair works. Without a relay, `iceServers` is `[]`.',
    '',
  );
  out.push('## Namespaces', '');
  for (const nsp of namespaces) {
    out.push(`### \`${nsp.path}\``, '', `Authentication: ${nsp.auth}.`, '');
    out.push(`- Requests: ${nsp.requests.map((r) => `\`${r.name}\``).join(', ')}`);
    out.push(`- Events: ${nsp.events.map((e) => `\`${e.name}\``).join(', ')}`, '');
  }
  const requests = [
    ...new Map(namespaces.flatMap((n) => n.requests).map((r) => [r.name, r])).values(),
  ];
  const events = [...new Map(namespaces.flatMap((n) => n.events).map((e) => [e.name, e])).values()];
  out.push('## Requests (client → server)', '');
  for (const r of requests) {
    out.push(
      `### \`${r.name}\``,
      '',
      r.description,
      '',
      'Payload:',
      '',
      '```json',
      schemaText(r.request),
      '```',
      '',
    );
    out.push('Answer (`data`):', '', '```json', schemaText(r.response), '```', '');
  }
  out.push('## Events (server → client)', '');
  for (const e of events) {
    out.push(
      `### \`${e.name}\``,
      '',
      e.description,
      '',
      '```json',
      schemaText(e.payload),
      '```',
      '',
    );
  }
  return out.join('\n');
}
