// Builds the browser bundle of the SDK: src/browser.ts and socket.io-client in one minified ESM file, written once
// to dist/bundle/client.js (the gateway serves that file at /client.js). `pnpm build` writes it
// (scripts/write-bundle.ts), and so does the test run's global setup, since tests run on the sources. esbuild is
// passed in: it is a build-time (development) dependency, never loaded by a running gateway.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of esbuild's API used here (esbuild's own `build` satisfies it). */
export interface Bundler {
  build(options: {
    entryPoints: string[];
    bundle: true;
    platform: 'browser';
    format: 'esm';
    minify: boolean;
    target: string[];
    write: false;
    legalComments: 'eof';
    logLevel: 'silent';
  }): Promise<{ outputFiles?: Array<{ text: string }> }>;
}

export const BROWSER_ENTRY = fileURLToPath(new URL('./src/browser.ts', import.meta.url));
/** Where the bundle is written; the package exports it as `@leadlovers/client/bundle`. */
export const BUNDLE_FILE = fileURLToPath(new URL('./dist/bundle/client.js', import.meta.url));

export async function buildBrowserBundle(bundler: Bundler, { minify = true }: { minify?: boolean } = {}): Promise<string> {
  const result = await bundler.build({
    entryPoints: [BROWSER_ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify,
    // Browsers of the last few years: native classes, async/await, optional chaining.
    target: ['es2020'],
    write: false,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const text = result.outputFiles?.[0]?.text;
  if (!text) throw new Error('esbuild produced no output for the browser bundle');
  return text;
}

/**
 * Builds the bundle and writes it to `file` (BUNDLE_FILE by default); returns its size in bytes. Written beside it
 * and renamed, so a gateway reading the file meanwhile gets the old bytes or the new ones, never half of them.
 */
export async function writeBrowserBundle(bundler: Bundler, file = BUNDLE_FILE): Promise<number> {
  const text = await buildBrowserBundle(bundler);
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, text);
  await rename(partial, file);
  return Buffer.byteLength(text);
}
