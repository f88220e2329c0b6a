// From a draft to a Plan. Every argument is checked against the tool's own zod schema (the one the MCP server
// registers), so a plan never carries a value the tool would reject: a bad optional value is dropped, a
// missing or bad required one turns the plan into needs-input.
import { TOOLS, toolInputSchema } from '@leadlovers/tools';
import type { ToolName } from '@leadlovers/tools';
import type { ZodType } from 'zod';
import type { Language, Plan } from '../types.js';
import type { Draft } from './arguments.js';
import { EXAMPLES, needsInputMessage, unknownMessage } from './messages.js';

// zod compiles an object schema on its first parse, which costs far more than the parse itself: build each
// tool's strict schema once per process and reuse it (it is immutable).
const schemas = new Map<ToolName, ReturnType<typeof toolInputSchema>>();
function schemaOf(tool: ToolName): ReturnType<typeof toolInputSchema> {
  let schema = schemas.get(tool);
  if (schema === undefined) {
    schema = toolInputSchema(tool);
    schemas.set(tool, schema);
  }
  return schema;
}

/** Only the arguments the tool's schema accepts one by one (unknown keys and bad values are dropped). */
export function validArguments(tool: ToolName, args: Record<string, unknown>): Record<string, unknown> {
  const shape = TOOLS[tool].input as Record<string, ZodType>;
  const valid: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined && shape[key]?.safeParse(value).success) valid[key] = value;
  }
  return valid;
}

export function buildPlan(tool: ToolName, draft: Draft, language: Language): Plan {
  const args = validArguments(tool, draft.arguments);
  const missing = [...draft.missing];
  const parsed = missing.length === 0 ? schemaOf(tool).safeParse(args) : undefined;
  if (parsed?.success) return { kind: 'call', tool, arguments: parsed.data as Record<string, unknown>, language };
  // A required argument that was given but rejected is as missing as one never given.
  for (const issue of parsed?.error.issues ?? []) {
    const field = issue.path[0];
    if (typeof field === 'string' && !missing.includes(field)) missing.push(field);
  }
  const hint = { ...(draft.leadName ? { leadName: draft.leadName } : {}), ...(draft.either ? { either: draft.either } : {}) };
  return {
    kind: 'needs-input',
    tool,
    missing,
    arguments: args,
    message: needsInputMessage(tool, missing, language, hint),
    language,
  };
}

export function unknownPlan(language: Language, unsupported = false): Plan {
  return { kind: 'unknown', message: unknownMessage(language, unsupported), examples: [...EXAMPLES[language]], language };
}
