// Process-level helpers of the pool's main thread: the environment a child starts with, and the last-resort kill
// of a child whose worker could not close it (the worker thread hung or crashed).

const INHERITED_ENV = ['PATH', 'HOME', 'NODE_ENV', 'LOG_LEVEL'] as const;
const TERM_GRACE_MS = 2_000;

/**
 * The child's environment: the few inherited variables it needs to run at all, plus what the caller gives. This
 * is not configuration (config.ts owns that), so it is the one place outside config.ts that reads process.env.
 * The SDK's StdioClientTransport adds its own short list on top (HOME, LOGNAME, PATH, SHELL, TERM, USER).
 */
export function childEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM, then SIGKILL if the process is still there after a grace period. Resolves true if it had to signal.
 * (A child whose worker thread is gone may stay a zombie until this process exits: nothing is left to reap it.)
 */
export async function terminate(pid: number): Promise<boolean> {
  if (!isRunning(pid)) return false;
  send(pid, 'SIGTERM');
  for (let waited = 0; waited < TERM_GRACE_MS && isRunning(pid); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (isRunning(pid)) send(pid, 'SIGKILL');
  return true;
}
