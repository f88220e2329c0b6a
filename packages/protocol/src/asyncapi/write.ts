// `pnpm asyncapi`: (re)writes packages/protocol/asyncapi.json from the zod schemas; `pnpm asyncapi --check` exits 1
// when the checked-in file differs from what the schemas give (CI, and the suite's own comparison).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsyncApiDocument } from './document.js';

export const ASYNCAPI_FILE = fileURLToPath(new URL('../../asyncapi.json', import.meta.url));
const PACKAGE_FILE = fileURLToPath(new URL('../../package.json', import.meta.url));

export function protocolVersion(): string {
  return (JSON.parse(readFileSync(PACKAGE_FILE, 'utf8')) as { version: string }).version;
}

function main(): number {
  const wanted = renderAsyncApiDocument(protocolVersion());
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(ASYNCAPI_FILE, 'utf8');
    } catch {
      // missing: reported as stale below
    }
    if (current === wanted) return 0;
    process.stderr.write(`${ASYNCAPI_FILE} is stale: run pnpm asyncapi and commit it\n`);
    return 1;
  }
  writeFileSync(ASYNCAPI_FILE, wanted);
  process.stdout.write(`wrote ${ASYNCAPI_FILE}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
