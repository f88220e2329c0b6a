// The machinery failures the pool's callers see, as the GatewayErrors the ToolRunner contract (../types.ts)
// promises: the pool is shut down, its queue is full, the caller cancelled. Built fresh for every caller.
import { GatewayError } from '../../shared/errors.js';

export function poolShutDown(): GatewayError {
  return new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool is shut down');
}

export function poolBusy(maxQueue: number): GatewayError {
  return new GatewayError('BUSY', `The MCP pool is busy (${maxQueue} calls already waiting); try again shortly`);
}

/** The caller's own abort reason when it is a GatewayError (e.g. the socket's TIMEOUT), else a plain cancel. */
export function callCancelled(signal: AbortSignal | undefined): GatewayError {
  return signal?.reason instanceof GatewayError ? signal.reason : new GatewayError('TIMEOUT', 'The tool call was cancelled');
}
