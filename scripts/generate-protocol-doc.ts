// Writes docs/protocol.md from the zod schemas in shared/src/protocol.
import fs from 'node:fs';
import { describeProtocol } from '../shared/src/protocol/describe';

fs.writeFileSync(new URL('../docs/protocol.md', import.meta.url), describeProtocol());
console.log('docs/protocol.md written');
