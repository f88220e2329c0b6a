// A ToolRunner that times every tool call into gateway_tool_call_duration_seconds (by tool and outcome code)
// and otherwise passes through to the runner it wraps.
import { toGatewayError } from '../shared/errors.js';
import { codeLabel, toolLabel, type GatewayMetrics } from './metrics.js';
import type { ToolRunner } from '../mcp/types.js';

export function meterToolCalls(runner: ToolRunner, metrics: Pick<GatewayMetrics, 'toolCallDuration'>): ToolRunner {
  return {
    listTools: () => runner.listTools(),
    stats: () => runner.stats(),
    close: () => runner.close(),
    async callTool(request) {
      const stop = metrics.toolCallDuration.startTimer({ tool: toolLabel(request.name) });
      try {
        const result = await runner.callTool(request);
        // A tool's own failure (NOT_FOUND, …) still answered; a backend fault is TOOL_FAILED on the wire.
        stop({ code: result.ok ? 'OK' : codeLabel(result.code === 'BACKEND_ERROR' ? 'TOOL_FAILED' : result.code) });
        return result;
      } catch (err) {
        stop({ code: codeLabel(toGatewayError(err).code) });
        throw err;
      }
    },
  };
}
