// Entry of the browser bundle (one ESM file, served by the gateway at /client.js): the same API as the package.
// Only types come from @leadlovers/protocol, so zod stays out of the bundle.
export * from './index.js';
