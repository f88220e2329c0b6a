// The Node/V8 flags a gateway process runs with (package.json `start`, deploy/Dockerfile, the local cluster and the
// bench). --max-semi-space-size=64: each request allocates a few short-lived objects (socket.io packets, the
// pipeline's promises, the MCP call), and at hundreds of requests in flight V8's default 16 MB young generation
// fills before they are done, so they get copied into the old generation and die there, costing major GCs and
// hundreds of MB of RSS kept after a peak. With 64 MB they die young: measured with `pnpm bench`, CPU per prompt
// about -15 % and RSS above idle at 1000 clients about half (bench/README.md).
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
