// Renders the repository's nginx.conf for a local run: the documented substitutions at the top of that file and
// nothing else (upstream servers, listen ports, certificate paths, pid/log/temp paths). Every substitution must
// match, so a change to nginx.conf that the renderer does not understand fails loudly instead of drifting.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NginxRenderOptions {
  /** host:port of each gateway node, in node order. */
  upstreams: readonly string[];
  httpPort: number;
  httpsPort: number;
  /** Address nginx listens on (default 127.0.0.1). */
  listenHost?: string;
  certPath: string;
  keyPath: string;
  /** nginx's prefix directory (-p): pid, logs/ and cache/ go under it. */
  prefixDir: string;
}

const UPSTREAM_LINE = /^([ \t]*)server gateway-\d+:4444((?:[ \t]+[^;\n]*)?);[ \t]*\n/gm;

export function renderNginxConf(template: string, options: NginxRenderOptions): string {
  if (options.upstreams.length === 0) throw new Error('renderNginxConf: at least one upstream is needed');
  const host = options.listenHost ?? '127.0.0.1';
  let text = template;

  // 1. upstream servers: the first `server gateway-N:4444 …;` line becomes one line per node, the others go.
  const lines = [...text.matchAll(UPSTREAM_LINE)];
  const first = lines[0];
  if (!first) throw new Error('nginx.conf: no `server gateway-N:4444 …;` line in upstream gateway');
  const indent = first[1] ?? '';
  const params = first[2] ?? '';
  let seen = 0;
  text = text.replace(UPSTREAM_LINE, () => {
    seen += 1;
    return seen === 1 ? options.upstreams.map((address) => `${indent}server ${address}${params};\n`).join('') : '';
  });

  // 2.–5. literal substitutions, each of which must be present.
  const prefix = options.prefixDir.replace(/\/+$/, '');
  const replacements: Array<[from: string, to: string, exactlyOnce: boolean]> = [
    ['listen 80;', `listen ${host}:${options.httpPort};`, true],
    ['listen 443 ssl;', `listen ${host}:${options.httpsPort} ssl;`, true],
    ['https://$host$request_uri', `https://$host:${options.httpsPort}$request_uri`, true],
    ['/run/secrets/tls_cert', options.certPath, true],
    ['/run/secrets/tls_key', options.keyPath, true],
    ['/var/run/nginx.pid', join(prefix, 'nginx.pid'), true],
    ['/var/log/nginx/', `${prefix}/logs/`, false],
    ['/var/cache/nginx/', `${prefix}/cache/`, false],
  ];
  // Comment lines (the documentation at the top quotes the very strings replaced) are left as they are.
  const directives = text.split('\n').map((line) => ({ line, comment: /^\s*#/.test(line) }));
  for (const [from, to, exactlyOnce] of replacements) {
    const count = directives.reduce((sum, { line, comment }) => sum + (comment ? 0 : line.split(from).length - 1), 0);
    if (count === 0 || (exactlyOnce && count !== 1)) {
      throw new Error(`nginx.conf: expected ${exactlyOnce ? 'exactly one' : 'at least one'} "${from}", found ${count} (see the substitutions documented at its top)`);
    }
    for (const entry of directives) if (!entry.comment) entry.line = entry.line.split(from).join(to);
  }
  return directives.map(({ line }) => line).join('\n');
}

export function renderNginxConfFile(templatePath: string, options: NginxRenderOptions): string {
  return renderNginxConf(readFileSync(templatePath, 'utf8'), options);
}
