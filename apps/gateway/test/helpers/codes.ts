// The error code a call ends with, for tests that table many inputs against their expected codes: 'OK' when it
// resolves, the GatewayError's code when it rejects with one, and anything else spelled out so it cannot match.
import { GatewayError } from '../../src/shared/errors.js';

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (err) {
    return err instanceof GatewayError ? err.code : `UNEXPECTED ${String(err)}`;
  }
}
