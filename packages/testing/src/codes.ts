// The error code a call ends with, for tests that table many inputs against their expected codes: 'OK' when it
// resolves, the error's code when it rejects with an instance of `errorType` (the gateway's GatewayError, the MCP
// server's ToolError), and anything else spelled out so it cannot match. `const codeOf = codeReader(GatewayError)`.
export function codeReader(errorType: abstract new (...args: never[]) => { code: string }): (promise: Promise<unknown>) => Promise<string> {
  return async (promise) => {
    try {
      await promise;
      return 'OK';
    } catch (err) {
      return err instanceof errorType ? err.code : `UNEXPECTED ${String(err)}`;
    }
  };
}
