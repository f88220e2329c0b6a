// Typed arguments and outputs of the 8 tools, as the handlers see them (defined once in @leadlovers/tools).
export type { ToolArgs, ToolOutput } from '@leadlovers/tools';
