/** The public API, the same on every runtime (entries: deno.ts, bun.ts, node.ts). */
export { Bus, checkBus as check, PreparedKey, destroy, FORMAT_VERSION, HISTORY_MAX, KEY_MAX, libraryVersion, POLL_SLICE_MS, recover, RING_MAX, TTL_MAX_MS } from "./bus.ts";
export type { AnyKey, Backing, Change, Changes, CreateOptions, Entry, FeedChange, Info, OpenOptions, PollOptions, Role, Versioned, WatchOptions } from "./bus.ts";
export type { Key, Value } from "./bytes.ts";
export { SplinterError, Status } from "./errors.ts";
export type { StatusCode, StatusName } from "./errors.ts";
export { Fix, Severity } from "./report.ts";
export type { Finding, Report } from "./report.ts";
