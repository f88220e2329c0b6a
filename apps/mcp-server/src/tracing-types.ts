// What the server sees of tracing (tracing.ts loads the implementation, tracing-otel.ts, only when it is on).
export interface ServerTracing {
  /** Runs one tool call inside its span, the child of `_meta.traceparent` when present. */
  inToolSpan<T extends { isError?: boolean | undefined }>(tool: string, meta: Record<string, unknown> | undefined, work: () => Promise<T>): Promise<T>;
  /** fetch with a span per request (method and path only: the token travels in the query string). */
  wrapFetch(fetchImpl: typeof fetch): typeof fetch;
  shutdown(): Promise<void>;
}
