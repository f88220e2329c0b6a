// The MCP children's LEADLOVERS_* variables. The gateway does not re-declare them: it forwards them to every child
// as they are (raw strings) and checks them once, at start-up, with the MCP server's own schema, so a value a
// child would refuse stops the gateway with the variable's name instead of making every child exit.
import { LEADLOVERS_VARIABLES, readConfig, type ConfigIssue } from '@leadlovers/mcp-server/config';

export type { ConfigIssue };

export interface LeadLoversSettings {
  /** True when a LeadLovers token configuration is present: the MCP children then use the REST API. */
  readonly restApi: boolean;
  /** The REST API the children call, when restApi (the server's default if LEADLOVERS_API_URL is unset). */
  readonly apiUrl: string | undefined;
  /** The children's embedded store, resolved as they resolve it (used when no token is configured). */
  readonly dbPath: string;
  /**
   * The LEADLOVERS_* variables that are set, exactly as given, for the MCP server children (they hold the account →
   * token rules: a call for an account without its own token is refused, never served with another's).
   */
  readonly childEnv: Readonly<Record<string, string>>;
}

export type LeadLoversReading = { ok: true; settings: LeadLoversSettings } | { ok: false; issues: ConfigIssue[] };

export function readLeadLoversSettings(source: Record<string, string | undefined>): LeadLoversReading {
  const childEnv: Record<string, string> = {};
  for (const name of LEADLOVERS_VARIABLES) {
    const value = source[name];
    // Empty is unset for the children too; leaving it out keeps `LEADLOVERS_DB_PATH=` meaning "the default".
    if (value !== undefined && value !== '') childEnv[name] = value;
  }
  // Exactly what each child will parse: the same variables, the same schema, the same token rules.
  const reading = readConfig(childEnv);
  if (!reading.ok) return reading;
  const { leadlovers, dbPath } = reading.config;
  return { ok: true, settings: { restApi: leadlovers !== null, apiUrl: leadlovers?.apiUrl, dbPath, childEnv } };
}
