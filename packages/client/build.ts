// Builds the browser bundle of the SDK: src/browser.ts and socket.io-client in one minified ESM file (the
// gateway serves it at /client.js). esbuild is passed in because it is a dependency of the gateway, not of this
// package: the caller that serves the file owns the bundler.
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
