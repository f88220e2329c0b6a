// `pnpm build`'s last step: writes the SDK's browser bundle (packages/client/dist/bundle/client.js), which the
// gateway serves at /client.js. Run with tsx at build time only (`tsx packages/client/scripts/write-bundle.ts`).
import * as esbuild from 'esbuild';
import { BUNDLE_FILE, writeBrowserBundle } from '../build.js';

const bytes = await writeBrowserBundle(esbuild);
process.stdout.write(`browser bundle: ${BUNDLE_FILE} (${Math.round(bytes / 1024)} KB)\n`);
