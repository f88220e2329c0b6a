// Who is calling: the gateway passes the caller's identity with every tool call, under this `_meta` key.
export const CALLER_META_KEY = 'leadlovers/caller';
export interface CallerMeta {
  account: string;
  userId: string;
  requestId?: string;
}
