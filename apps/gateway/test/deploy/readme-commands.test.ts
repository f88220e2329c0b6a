// The READMEs' commands run as printed: every `pnpm …` line of their shell blocks is a script of package.json (or
// `pnpm install`), never a name pnpm hands to npm (`pnpm token` ran npm's own `token` command), and runs — with
// `--help` appended, so nothing starts — to the script's own usage line, which proves its arguments, exactly as
// printed, are accepted. Every `pnpm <name>` mentioned in the prose names a script too. Needs the build (the
// production commands run compiled JavaScript).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO } from '../helpers/compiled.js';

const READMES = ['README.md', 'deploy/README.md', 'deploy/artillery/README.md', 'bench/README.md', 'apps/console/README.md'];
const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** pnpm's own commands a README may print; anything else must be a script. */
const BUILTINS = new Set(['install', 'deploy']);
/**
 * Scripts that chain commands (`pnpm build`: tsc, then the bundle; `pnpm test`: the suite itself, which cannot run
 * inside itself): a trailing --help would reach only their last command, so they are checked for what they call.
 */
const COMPOSITE = new Set(Object.keys(scripts).filter((name) => (scripts[name] ?? '').includes('&&')));

interface Command {
  file: string;
  line: string;
  script: string;
  args: string[];
}

/** Splits a shell word list the way the READMEs write them (single and double quotes, no escapes). */
function words(text: string): string[] {
  return [...text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The `pnpm …` commands in the fenced shell blocks of a README (after env assignments, split at && and ;). */
function shellCommands(file: string): Command[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const blocks = [...text.matchAll(/```(?:bash|sh|shell)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
      .flatMap((line) => line.split(/&&|;/).map((part) => ({ line, part: part.trim() })))
      .flatMap(({ line, part }) => {
        const tokens = words(part);
        while (tokens.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(tokens[0]!)) tokens.shift();
        if (tokens[0] !== 'pnpm' || !tokens[1]) return [];
        return [{ file, line, script: tokens[1], args: tokens.slice(2) }];
      }),
  );
}

/** `pnpm <name>` mentioned in prose (inline code spans). */
function proseMentions(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/`pnpm ([a-z][\w:-]*)[^`]*`/g)].map((m) => m[1] ?? '');
}

const commands = READMES.flatMap(shellCommands);

describe("the READMEs' pnpm commands", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it('finds the commands (the extraction works), including the set-up-and-run and the test commands', () => {
    expect(commands.length).toBeGreaterThan(10);
    const first = commands.filter((command) => command.file === 'README.md').map((command) => command.script);
    expect(first.slice(0, 4)).toEqual(['install', 'build', 'start', 'test']);
  });

  it('each names a script of package.json or pnpm install, never a name pnpm would hand to npm', () => {
    const unknown = commands.filter((command) => !BUILTINS.has(command.script) && !(command.script in scripts));
    expect(unknown.map((command) => `${command.file}: ${command.line}`)).toEqual([]);
    const mentioned = READMES.flatMap((file) => proseMentions(file).map((name) => ({ file, name })));
    expect(mentioned.length).toBeGreaterThan(10);
    expect(mentioned.filter(({ name }) => !BUILTINS.has(name) && !(name in scripts))).toEqual([]);
    // The chained scripts call scripts that exist.
    expect([...COMPOSITE]).toEqual(expect.arrayContaining(['build', 'test']));
    for (const name of COMPOSITE) {
      for (const [, called] of (scripts[name] ?? '').matchAll(/\bpnpm ([\w:-]+)/g)) expect(called && called in scripts, `${name} → pnpm ${called}`).toBe(true);
    }
  });

  const runnable = commands.filter((command) => !BUILTINS.has(command.script) && !COMPOSITE.has(command.script) && command.script in scripts);
  const unique = [...new Map(runnable.map((command) => [`${command.script} ${command.args.join(' ')}`, command])).values()];

  it.each(unique.map((command) => [`pnpm ${command.script} ${command.args.join(' ')}`.trim(), command] as const))('%s --help prints its own usage', (_, command) => {
    const run = spawnSync('pnpm', ['--silent', command.script, ...command.args, '--help'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENV_FILE: '/nonexistent' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toContain(`usage: pnpm ${command.script}`);
  }, 90_000);
});
