import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeProtocol } from '../../shared/src/protocol/describe';
import { kioskNamespace, staffNamespace } from '@visio/shared/protocol';

it('docs/protocol.md is generated from the current schemas (run `npm run docs:protocol`)', () => {
  const committed = fs.readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  expect(committed).toBe(describeProtocol());
  for (const def of [
    ...kioskNamespace.requests,
    ...staffNamespace.requests,
    ...kioskNamespace.events,
  ]) {
    expect(committed).toContain(`\`${def.name}\``);
  }
});
