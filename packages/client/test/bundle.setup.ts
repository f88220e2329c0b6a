// Vitest global setup (both configs): the tests run on the sources, and a gateway serves /client.js from the file
// `pnpm build` writes, so the run writes that file once, fresh, before any test starts.
import * as esbuild from 'esbuild';
import { writeBrowserBundle } from '../build.js';

export default async function setup(): Promise<void> {
  await writeBrowserBundle(esbuild);
}
