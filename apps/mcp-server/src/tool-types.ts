// Typed arguments and outputs of the 8 tools, derived from the shapes in @leadlovers/tools.
// The package's own ToolArgs/ToolOutput go through ReturnType<typeof toolInputSchema<N>>, which TypeScript 5.9
// resolves to Record<string, never>; these index the shapes directly and give the real object types.
import type { TOOLS, ToolName } from '@leadlovers/tools';
import type { z } from 'zod';

/** Arguments as a handler receives them, after the input schema parsed them (trimmed, lower-cased email…). */
export type ToolArgs<N extends ToolName> = z.output<z.ZodObject<(typeof TOOLS)[N]['input']>>;
/** The structuredContent of a successful call. */
export type ToolOutput<N extends ToolName> = z.output<z.ZodObject<(typeof TOOLS)[N]['output']>>;
