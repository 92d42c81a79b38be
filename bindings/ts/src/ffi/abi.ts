/**
 * The C ABI of include/splinter/splinter.h as data: the one description that
 * every loader (deno.ts, bun.ts, node.ts) turns into its runtime's FFI calls.
 *
 * Adding a call to the binding is one entry in `symbols` (plus, for a new
 * callback signature, one in `callbacks`; for a new struct, one in `layouts`).
 * No loader names a symbol.
 *
 * Abstract types (the loaders map each to their FFI's own):
 *   i32, u32            32-bit integers                (JS number)
 *   i64, u64, usize     64-bit integers                (JS number | bigint in, bigint out)
 *   handle              an opaque pointer the library returned (a splinter_bus *)
 *   buf                 a pointer to JS memory (a TypedArray) or NULL: strings
 *                       (NUL-terminated bytes), out-parameters, structs, values
 *   fn                  a callback pointer made by Native.callback
 *   ptr                 (results, callback arguments) a pointer into C memory,
 *                       read with Native.view
 *
 * `blocking: true` marks a call that may wait (in the kernel) for a long
 * time: every loader also exposes it as a Promise run on another thread
 * (Native.async), so that waiting never blocks the event loop.
 */

export type Scalar = "i32" | "u32" | "i64" | "u64" | "usize";
export type Param = Scalar | "handle" | "buf" | "fn";
export type Result = "void" | "i32" | "u64" | "ptr";

export interface SymbolDef {
  readonly params: readonly Param[];
  readonly result: Result;
  readonly blocking?: boolean;
}

export interface CallbackDef {
  readonly params: readonly (Scalar | "ptr")[];
  readonly result: "i32";
}

export const symbols = {
  splinter_create: { params: ["buf", "i32", "buf", "u32", "u32", "u32"], result: "i32" },
  splinter_create_ex: { params: ["buf", "i32", "buf", "buf"], result: "i32" },
  splinter_open: { params: ["buf", "i32", "buf", "i32"], result: "i32" },
  splinter_close: { params: ["handle"], result: "void" },
  splinter_destroy: { params: ["i32", "buf"], result: "i32" },
  splinter_set: { params: ["handle", "buf", "buf", "usize", "buf"], result: "i32" },
  splinter_set_ttl: { params: ["handle", "buf", "buf", "usize", "u64", "buf"], result: "i32" },
  splinter_expire: { params: ["handle", "u32", "buf"], result: "i32" },
  splinter_ttl: { params: ["handle", "buf", "buf"], result: "i32" },
  splinter_unset: { params: ["handle", "buf", "buf"], result: "i32" },
  splinter_flush: { params: ["handle"], result: "i32" },
  splinter_get: { params: ["handle", "buf", "buf", "usize", "buf", "buf"], result: "i32" },
  splinter_list: { params: ["handle", "fn", "buf"], result: "i32" },
  splinter_changes: { params: ["handle", "u64", "fn", "buf", "buf"], result: "i32" },
  splinter_history: { params: ["handle", "buf", "fn", "buf"], result: "i32" },
  splinter_poll: { params: ["handle", "buf", "u64", "i64", "buf"], result: "i32", blocking: true },
  splinter_set_spin: { params: ["handle", "u32"], result: "i32" },
  splinter_key_init: { params: ["buf", "buf"], result: "i32" },
  splinter_get_k: { params: ["handle", "buf", "buf", "usize", "buf", "buf"], result: "i32" },
  splinter_set_k: { params: ["handle", "buf", "buf", "usize", "buf"], result: "i32" },
  splinter_unset_k: { params: ["handle", "buf", "buf"], result: "i32" },
  splinter_poll_k: { params: ["handle", "buf", "u64", "i64", "buf"], result: "i32", blocking: true },
  splinter_epoch: { params: ["handle"], result: "u64" },
  splinter_info_get: { params: ["handle", "buf"], result: "i32" },
  splinter_check: { params: ["i32", "buf", "fn", "buf", "buf"], result: "i32" },
  splinter_check_bus: { params: ["handle", "fn", "buf", "buf"], result: "i32" },
  splinter_recover: { params: ["i32", "buf", "fn", "buf", "buf"], result: "i32" },
  splinter_strerror: { params: ["i32"], result: "ptr" },
  splinter_status_name: { params: ["i32"], result: "ptr" },
  splinter_last_error: { params: [], result: "ptr" },
  splinter_version: { params: [], result: "ptr" },
} as const satisfies Record<string, SymbolDef>;

export const callbacks = {
  /** int (*)(void *ctx, const char *key, size_t value_len, uint64_t epoch) */
  list: { params: ["ptr", "ptr", "usize", "u64"], result: "i32" },
  /** splinter_change_fn: int (*)(void *ctx, uint64_t epoch, int op, const char *key) */
  change: { params: ["ptr", "u64", "i32", "ptr"], result: "i32" },
  /** splinter_history_fn: int (*)(void *ctx, uint64_t epoch, const void *value, size_t len) */
  history: { params: ["ptr", "u64", "ptr", "usize"], result: "i32" },
  /** splinter_finding_fn: int (*)(void *ctx, const splinter_finding *finding) */
  finding: { params: ["ptr", "ptr"], result: "i32" },
} as const satisfies Record<string, CallbackDef>;

/** Struct layouts (LP64): byte offset and type of each field, and the size. */
export const layouts = {
  options: {
    size: 24,
    fields: {
      size: [0, "u32"], slots: [4, "u32"], max_value_size: [8, "u32"], mode: [12, "u32"],
      change_ring: [16, "u32"], history_depth: [20, "u32"],
    },
  },
  info: {
    size: 80,
    fields: {
      format_version: [0, "u32"], backing: [4, "u32"], role: [8, "u32"], slots: [12, "u32"],
      max_value_size: [16, "u32"], live_keys: [20, "u32"], tombstones: [24, "u32"],
      longest_probe: [28, "u32"], region_size: [32, "u64"], bus_epoch: [40, "u64"],
      writer_pid: [48, "i32"], waiters: [52, "u32"], change_ring: [56, "u32"], history_depth: [60, "u32"],
      probe_limit: [64, "u32"], reserved: [68, "u32"], feed_oldest: [72, "u64"],
    },
  },
  finding: {
    size: 40,
    fields: { rule: [0, "u32"], severity: [4, "i32"], fix: [8, "i32"], slot: [16, "i64"], key: [24, "ptr"], detail: [32, "ptr"] },
  },
  report: {
    size: 24,
    fields: { findings: [0, "u32"], repaired: [4, "u32"], rolled_back: [8, "u32"], dropped: [12, "u32"], worst: [16, "i32"], trimmed: [20, "u32"] },
  },
} as const;

export type SymbolName = keyof typeof symbols;
export type CallbackName = keyof typeof callbacks;
export type BlockingName = { [K in SymbolName]: (typeof symbols)[K] extends { blocking: true } ? K : never }[SymbolName];

/** The shared library's default name (its SONAME, major version 1). */
export const LIBRARY_SONAME = "libsplinter.so.1";
