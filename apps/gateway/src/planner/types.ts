// A planner turns a natural-language prompt into tool calls. The rules planner is a pure parse (prompt → Plan);
// LLM planners (later) run a tool-use loop, so the gateway talks to every planner through `Planner.run`.
import type { ToolName } from '@leadlovers/tools';

export type Language = 'pt' | 'en';

export type Plan =
  | {
      kind: 'call';
      tool: ToolName;
      arguments: Record<string, unknown>;
      language: Language;
    }
  | {
      kind: 'needs-input';
      tool: ToolName;
      /** Argument names the user must still give, e.g. ['email']. */
      missing: string[];
      /** Arguments understood so far, so a client can complete and resend. */
      arguments: Record<string, unknown>;
      message: string;
      language: Language;
    }
  | {
      kind: 'unknown';
      message: string;
      examples: string[];
      language: Language;
    };
