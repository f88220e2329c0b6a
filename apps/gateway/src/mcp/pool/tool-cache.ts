// The pool's tool list, fetched once from a ready child and kept: callTool checks names against it (UNKNOWN_TOOL),
// and it knows which tools are read-only (configured, or annotated readOnlyHint by the server) for retries.
import { GatewayError } from '../../shared/errors.js';
import type { ToolInfo } from '../types.js';
import { poolShutDown } from './errors.js';
import type { WorkerFleet } from './fleet.js';

export interface ToolCacheSettings {
  /** How long listing waits for a ready child. */
  unavailableWaitMs: number;
  /** Bound on the worker's tools/list. */
  callTimeoutMs: number;
}

export class ToolCache {
  #tools: ToolInfo[] | null = null;
  #names = new Set<string>();
  #loading: Promise<ToolInfo[]> | null = null;
  #nextRequestId = 0;
  readonly #readOnly: Set<string>;

  constructor(
    private readonly fleet: Pick<WorkerFleet, 'waitForReady' | 'readyWorker'>,
    private readonly settings: ToolCacheSettings,
    readOnlyTools: readonly string[],
    private readonly isClosing: () => boolean,
  ) {
    this.#readOnly = new Set(readOnlyTools);
  }

  /** The tools, from the cache or (one request at a time) from a ready child. */
  list(): Promise<ToolInfo[]> {
    if (this.#tools) return Promise.resolve(this.#tools);
    this.#loading ??= this.#fetch().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  /** Throws UNKNOWN_TOOL for a name the server did not list; before the list is known, every name passes. */
  assertKnown(name: string): void {
    if (this.#tools && !this.#names.has(name)) throw new GatewayError('UNKNOWN_TOOL', `Unknown tool "${name}"`);
  }

  isReadOnly(name: string): boolean {
    return this.#readOnly.has(name);
  }

  async #fetch(): Promise<ToolInfo[]> {
    if (this.isClosing()) throw poolShutDown();
    await this.fleet.waitForReady(this.settings.unavailableWaitMs);
    const handle = this.fleet.readyWorker();
    if (!handle) throw new GatewayError('TOOL_UNAVAILABLE', 'No MCP server is available to list the tools');
    const { tools, readOnly } = await handle.listTools(++this.#nextRequestId, this.settings.callTimeoutMs);
    for (const name of readOnly) this.#readOnly.add(name);
    this.#names = new Set(tools.map((tool) => tool.name));
    this.#tools = tools;
    return tools;
  }
}
