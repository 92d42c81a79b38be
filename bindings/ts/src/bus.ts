/** Bus: a handle on a Splinter bus (include/splinter/splinter.h is the specification of every call). */
import { layouts } from "./ffi/abi.ts";
import { native, type Ptr } from "./ffi/native.ts";
import { cKey, epochArg, type Key, u32Arg, type Value, valueBytes } from "./bytes.ts";
import { check, cString, failure, failureElsewhere, SplinterError, Status } from "./errors.ts";
import { type Report, reporting } from "./report.ts";

/** Where a bus lives: POSIX shared memory (/dev/shm/NAME, gone at reboot) or a regular file. */
export type Backing = "shm" | "file";
/** A handle's role: any number of readers, one writer at a time. */
export type Role = "reader" | "writer";

const BACKING: Record<Backing, number> = { shm: 1, file: 2 };
const ROLE: Record<Role, number> = { reader: 0, writer: 1 };

/** Longest key, in bytes. */
export const KEY_MAX = 63;
/** The region format version this binding was written for (docs/FORMAT.md). */
export const FORMAT_VERSION = 5;
/** Most earlier values kept per key (CreateOptions.historyDepth). */
export const HISTORY_MAX = 62;
/** Most entries of the change feed (CreateOptions.changeRing). */
export const RING_MAX = 1 << 24;
/** The longest ttl setTtl accepts, in ms (SPLINTER_TTL_MAX_MS: 2^40, about 35 years). */
export const TTL_MAX_MS = 2 ** 40;
const OP: Record<number, "set" | "unset" | "expire"> = { 1: "set", 2: "unset", 3: "expire" };
/** A waiting poll returns to JS at least this often (ms), so that close() and abort signals take effect. */
export const POLL_SLICE_MS = 100;

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const decoder = new TextDecoder();

/** One live key, as list() gives it. */
export interface Entry {
  /** The key decoded as UTF-8 (invalid bytes become U+FFFD); keyBytes is exact. */
  readonly key: string;
  readonly keyBytes: Uint8Array;
  readonly valueLength: number;
  readonly epoch: bigint;
}

/** A value with the epoch of the set that wrote it. */
export interface Versioned {
  readonly value: Uint8Array;
  readonly epoch: bigint;
}

/** What watch() yields: the epoch the wait saw, and (for a key) the value then, null once unset. */
export interface Change {
  readonly epoch: bigint;
  readonly value?: Uint8Array | null;
}

export interface Info {
  readonly formatVersion: number;
  readonly backing: Backing;
  readonly role: Role;
  readonly slots: number;
  readonly maxValueSize: number;
  readonly liveKeys: number;
  readonly tombstones: number;
  readonly longestProbe: number;
  readonly regionSize: number;
  readonly busEpoch: bigint;
  /** Pid of the writer holding the bus, 0 when none does. */
  readonly writerPid: number;
  /** Readers blocked in poll now. */
  readonly waiters: number;
  /** Entries the change feed holds. */
  readonly changeRing: number;
  /** Earlier values kept per key. */
  readonly historyDepth: number;
  /** Lookups stop after this many slots (docs/FORMAT.md F22). */
  readonly probeLimit: number;
  /** The oldest epoch the change feed holds, 0n when it holds none. */
  readonly feedOldest: bigint;
}

/** One committed mutation of the change feed (changes()). */
export interface FeedChange {
  readonly epoch: bigint;
  readonly op: "set" | "unset" | "expire";
  /** The key decoded as UTF-8 (invalid bytes become U+FFFD); keyBytes is exact. */
  readonly key: string;
  readonly keyBytes: Uint8Array;
}

/** What changes() returns: the changes in epoch order, and the epoch to resume from. */
export interface Changes {
  readonly changes: readonly FeedChange[];
  /** The last change's epoch, or `since` when there was none. */
  readonly last: bigint;
}

export interface CreateOptions {
  slots: number;
  maxValueSize: number;
  backing?: Backing;
  /** Permission bits of the new object (default 0o600). */
  mode?: number;
  /** Earlier values kept per key besides the current one, 0..HISTORY_MAX (default 0): see history(). */
  historyDepth?: number;
  /** Entries of the change feed (changes()), rounded up to a power of two, at most RING_MAX;
   * 0 (default): the slots rounded up to a power of two, clamped to 1024..65536. */
  changeRing?: number;
}

export interface OpenOptions {
  role?: Role;
  backing?: Backing;
}

export interface PollOptions {
  /** Aborting rejects the poll with the signal's reason (within POLL_SLICE_MS). */
  signal?: AbortSignal;
}

export interface WatchOptions extends PollOptions {
  /** Start after this epoch (default: the current one, so only later changes are yielded). */
  since?: bigint | number;
}

function backingArg(backing: Backing): number {
  const b = BACKING[backing];
  if (b === undefined) throw new TypeError(`backing is "shm" or "file", not ${String(backing)}`);
  return b;
}

/** splinter_ttl's answer for a key that never expires (UINT64_MAX). */
const NO_DEADLINE = (1n << 64n) - 1n;

/** A ttl argument in ms: a number in (0, TTL_MAX_MS], a fraction rounded up. */
function ttlArg(ttlMs: number): bigint {
  if (typeof ttlMs !== "number") throw new TypeError(`ttlMs is a number, not ${ttlMs === null ? "null" : typeof ttlMs}`);
  if (!(ttlMs > 0) || ttlMs > TTL_MAX_MS) {
    throw new RangeError(`ttlMs must be a number of ms in (0, 2^40] (use set for a key that never expires): ${ttlMs}`);
  }
  return BigInt(Math.ceil(ttlMs));
}

/** The splinter_bus ** out-parameter of create/open, turned into the runtime's pointer. */
function openWith(call: (out: BigUint64Array) => number): Ptr {
  const out = new BigUint64Array(1);
  check(call(out));
  return native().pointer(out[0]!);
}

/**
 * A key validated and hashed once by the library (splinter_key_init), for hot
 * loops: pass it wherever a Bus method takes a key and the call skips the
 * key's validation and hashing. Plain data (`raw`, the 80-byte splinter_key):
 * it serves every bus and may be shared freely; the library re-checks it on
 * every use and refuses a garbled one with INVALID.
 */
export class PreparedKey {
  /** The splinter_key struct. */
  readonly raw: Uint8Array;
  /** The key as the string calls take it (NUL-terminated), for history. */
  readonly cString: Uint8Array;

  constructor(key: Key) {
    const c = cKey(key);
    const raw = new Uint8Array(80);
    check(native().fn.splinter_key_init(raw, c));
    this.raw = raw;
    this.cString = c;
  }
}

/** A key argument: a string, its bytes, or a PreparedKey. */
export type AnyKey = Key | PreparedKey;

/**
 * A handle on a bus: the writer (from create, or open with role "writer") or
 * a reader. Release it with close(), or `using bus = Bus.open(...)`.
 * Reads and polls never block the event loop: poll() waits on another thread.
 */
export class Bus implements Disposable {
  readonly name: string;
  readonly backing: Backing;
  #handle: Ptr;
  #closing = false;
  #pending = 0; // polls waiting on another thread: the handle is released when the last returns
  #scratch = new Uint8Array(256);
  #len = new BigUint64Array(1);
  #epoch = new BigUint64Array(1);

  private constructor(handle: Ptr, name: string, backing: Backing) {
    this.#handle = handle;
    this.name = name;
    this.backing = backing;
  }

  /** Creates a new bus and returns its writer handle (EXISTS if anything has that name). */
  static create(name: string, options: CreateOptions): Bus {
    const { slots, maxValueSize, backing = "shm", mode = 0o600, historyDepth = 0, changeRing = 0 } = options;
    const b = backingArg(backing);
    const opts = new Uint8Array(layouts.options.size);
    const d = new DataView(opts.buffer);
    const f = layouts.options.fields;
    d.setUint32(f.size[0], layouts.options.size, LITTLE);
    d.setUint32(f.slots[0], u32Arg(slots, "slots"), LITTLE);
    d.setUint32(f.max_value_size[0], u32Arg(maxValueSize, "maxValueSize"), LITTLE);
    d.setUint32(f.mode[0], u32Arg(mode, "mode"), LITTLE);
    d.setUint32(f.change_ring[0], u32Arg(changeRing, "changeRing"), LITTLE);
    d.setUint32(f.history_depth[0], u32Arg(historyDepth, "historyDepth"), LITTLE);
    const h = openWith((out) => native().fn.splinter_create_ex(out, b, cKey(name, "name"), opts));
    return new Bus(h, name, backing);
  }

  /** Opens an existing bus as a reader (default) or as the writer (BUSY if another holds it). */
  static open(name: string, options: OpenOptions = {}): Bus {
    const { role = "reader", backing = "shm" } = options;
    const r = ROLE[role];
    if (r === undefined) throw new TypeError(`role is "reader" or "writer", not ${String(role)}`);
    const b = backingArg(backing);
    const h = openWith((out) => native().fn.splinter_open(out, b, cKey(name, "name"), r));
    return new Bus(h, name, backing);
  }

  // ---- lifetime ----

  /** Releases the handle (and the writer role). Idempotent. Polls still
   * waiting reject with INVALID; the handle is released once they have returned. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#pending === 0) this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  get closed(): boolean {
    return this.#closing;
  }

  #release(): void {
    const h = this.#handle;
    this.#handle = null;
    if (h) native().fn.splinter_close(h);
  }

  #h(): Ptr {
    if (this.#closing) throw new SplinterError(Status.INVALID, "the bus is closed");
    return this.#handle;
  }

  // ---- mutations (writer) ----

  /** Sets key to value (bytes, or a string stored as UTF-8); returns the new epoch. */
  set(key: AnyKey, value: Value): bigint {
    const bytes = valueBytes(value);
    const n = native();
    check(key instanceof PreparedKey
      ? n.fn.splinter_set_k(this.#h(), key.raw, bytes, bytes.length, this.#epoch)
      : n.fn.splinter_set(this.#h(), cKey(key), bytes, bytes.length, this.#epoch));
    return this.#epoch[0]!;
  }

  /** As set, and the key expires ttlMs milliseconds from now (a fraction rounds
   * up): from then on it is absent to every reader. A later setTtl replaces the
   * deadline; a plain set clears it. ttlMs must be a number in (0, TTL_MAX_MS]:
   * anything else is a RangeError (a TypeError if not a number). */
  setTtl(key: AnyKey, value: Value, ttlMs: number): bigint {
    const ms = ttlArg(ttlMs);
    const bytes = valueBytes(value);
    const k = key instanceof PreparedKey ? key.cString : cKey(key);
    check(native().fn.splinter_set_ttl(this.#h(), k, bytes, bytes.length, ms, this.#epoch));
    return this.#epoch[0]!;
  }

  /** Writer: removes up to max expired keys now (0 = all of them), each a
   * mutation of its own (op "expire" in the change feed); returns how many.
   * Expired keys are absent to readers anyway: call it on a timer when the
   * writer is otherwise idle and followers need the feed current. */
  expire(max = 0): number {
    const out = new Uint32Array(1);
    check(native().fn.splinter_expire(this.#h(), u32Arg(max, "max"), out));
    return out[0]!;
  }

  /** Removes key; returns the epoch of the removal. NOT_FOUND if absent. */
  unset(key: AnyKey): bigint {
    const n = native();
    check(key instanceof PreparedKey
      ? n.fn.splinter_unset_k(this.#h(), key.raw, this.#epoch)
      : n.fn.splinter_unset(this.#h(), cKey(key), this.#epoch));
    return this.#epoch[0]!;
  }

  /** Makes committed mutations durable (file backing; nothing to do for shm). */
  flush(): void {
    check(native().fn.splinter_flush(this.#h()));
  }

  // ---- reads ----

  /** The value and its epoch, or null if the key is absent. */
  getEntry(key: AnyKey): Versioned | null {
    const prepared = key instanceof PreparedKey;
    const k = key instanceof PreparedKey ? key.raw : cKey(key);
    const h = this.#h();
    const n = native();
    for (;;) {
      const buf = this.#scratch;
      const rc = prepared
        ? n.fn.splinter_get_k(h, k, buf, buf.length, this.#len, this.#epoch)
        : n.fn.splinter_get(h, k, buf, buf.length, this.#len, this.#epoch);
      if (rc === Status.BUFFER) { // larger than the scratch buffer: grow and retry (it may change meanwhile)
        this.#scratch = new Uint8Array(Math.max(Number(this.#len[0]), buf.length * 2));
        continue;
      }
      if (rc === Status.NOT_FOUND) return null;
      check(rc);
      return { value: buf.slice(0, Number(this.#len[0])), epoch: this.#epoch[0]! };
    }
  }

  /** The value's bytes, or null if the key is absent. */
  get(key: AnyKey): Uint8Array | null {
    return this.getEntry(key)?.value ?? null;
  }

  /** The value decoded as UTF-8, or null if the key is absent. */
  getString(key: AnyKey): string | null {
    const v = this.get(key);
    return v === null ? null : decoder.decode(v);
  }

  /** Copies the value into buffer; returns its length and epoch, or null if absent.
   * BUFFER (with `needed`) if it does not fit. */
  getInto(key: AnyKey, buffer: Uint8Array): { length: number; epoch: bigint } | null {
    if (!(buffer instanceof Uint8Array)) throw new TypeError("getInto needs a Uint8Array");
    const n = native();
    const rc = key instanceof PreparedKey
      ? n.fn.splinter_get_k(this.#h(), key.raw, buffer, buffer.length, this.#len, this.#epoch)
      : n.fn.splinter_get(this.#h(), cKey(key), buffer, buffer.length, this.#len, this.#epoch);
    if (rc === Status.NOT_FOUND) return null;
    if (rc === Status.BUFFER) {
      const e = failure(rc);
      e.needed = Number(this.#len[0]);
      throw e;
    }
    check(rc);
    return { length: Number(this.#len[0]), epoch: this.#epoch[0]! };
  }

  /** The key's remaining time to live in ms (at least 1), Infinity if it
   * never expires, or null if it is absent or expired (as getEntry). */
  ttl(key: AnyKey): number | null {
    const k = key instanceof PreparedKey ? key.cString : cKey(key);
    const out = new BigUint64Array(1);
    const rc = native().fn.splinter_ttl(this.#h(), k, out);
    if (rc === Status.NOT_FOUND) return null;
    check(rc);
    return out[0] === NO_DEADLINE ? Infinity : Number(out[0]);
  }

  has(key: Key): boolean {
    return this.getEntry(key) !== null;
  }

  /** Every live key with its value length and epoch, in slot order. The walk
   * runs when iteration starts (a snapshot of the keys live then). */
  *list(): IterableIterator<Entry> {
    const n = native();
    const h = this.#h();
    const entries: Entry[] = [];
    let thrown: unknown;
    const callback = n.callback("list", (_ctx, key, valueLength, epoch) => {
      try {
        const keyBytes = cKeyBytes(key);
        entries.push({ key: decoder.decode(keyBytes), keyBytes, valueLength: Number(valueLength), epoch: BigInt(epoch) });
        return 0;
      } catch (e) {
        thrown = e;
        return 1;
      }
    });
    let rc: number;
    try {
      rc = n.fn.splinter_list(h, callback.pointer, null);
    } finally {
      callback.close();
    }
    if (thrown !== undefined) throw thrown;
    check(rc);
    yield* entries;
  }

  /**
   * Every committed mutation with an epoch after since, in epoch order, up to
   * the bus epoch now, and the epoch to resume from. COMPACTED (a
   * SplinterError) when the feed no longer holds the change after since, or
   * since is ahead of the bus: resynchronise with list(). To follow the bus:
   * `let last = since; for (;;) { await bus.poll(null, last); ({ last } = use(bus.changes(last))); }`.
   */
  changes(since: bigint | number): Changes {
    const s = epochArg(since, "since");
    const n = native();
    const h = this.#h();
    const changes: FeedChange[] = [];
    let thrown: unknown;
    const callback = n.callback("change", (_ctx, epoch, op, key) => {
      try {
        const kind = OP[op];
        if (kind === undefined) throw new SplinterError(Status.CORRUPT, `changes: unknown op ${op}`);
        const keyBytes = cKeyBytes(key);
        changes.push({ epoch: BigInt(epoch), op: kind, key: decoder.decode(keyBytes), keyBytes });
        return 0;
      } catch (e) {
        thrown = e;
        return 1;
      }
    });
    const last = new BigUint64Array(1);
    let rc: number;
    try {
      rc = n.fn.splinter_changes(h, s, callback.pointer, null, last);
    } finally {
      callback.close();
    }
    if (thrown !== undefined) throw thrown;
    check(rc);
    return { changes, last: last[0]! };
  }

  /**
   * The key's current value and up to historyDepth earlier ones, newest first,
   * each with the epoch of the set that wrote it (values of one moment, each
   * verified against its checksum); since the key was last created (an unset
   * ends a history). Empty when the key is absent.
   */
  history(key: AnyKey): Versioned[] {
    const k = key instanceof PreparedKey ? key.cString : cKey(key);
    const n = native();
    const h = this.#h();
    const values: Versioned[] = [];
    let thrown: unknown;
    const callback = n.callback("history", (_ctx, epoch, value, len) => {
      try {
        const length = Number(len);
        values.push({ value: length === 0 ? new Uint8Array(0) : n.view(value, 0, length).slice(), epoch: BigInt(epoch) });
        return 0;
      } catch (e) {
        thrown = e;
        return 1;
      }
    });
    let rc: number;
    try {
      rc = n.fn.splinter_history(h, k, callback.pointer, null);
    } finally {
      callback.close();
    }
    if (thrown !== undefined) throw thrown;
    if (rc === Status.NOT_FOUND) return [];
    check(rc);
    return values;
  }

  /** The live keys (decoded as UTF-8), in slot order. */
  *keys(): IterableIterator<string> {
    for (const e of this.list()) yield e.key;
  }

  /**
   * Waits until key's epoch (or, with key null, the bus epoch) differs from
   * `since`, and resolves with the new epoch. timeoutMs: 0 checks once,
   * negative or Infinity waits without limit. Rejects with TIMEOUT when it
   * passes. The wait runs on another thread: the event loop keeps running.
   */
  async poll(key: AnyKey | null, since: bigint | number, timeoutMs = -1, options: PollOptions = {}): Promise<bigint> {
    const prepared = key instanceof PreparedKey;
    const k = key === null || key === undefined ? null : key instanceof PreparedKey ? key.raw : cKey(key);
    const s = epochArg(since, "since");
    if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) throw new TypeError("timeoutMs is a number");
    const n = native();
    const out = new BigUint64Array(1);
    // A first check that does not wait, here (arguments are judged with the library's detail).
    const rc = prepared ? n.fn.splinter_poll_k(this.#h(), k, s, 0, out) : n.fn.splinter_poll(this.#h(), k, s, 0, out);
    if (rc === Status.OK) return out[0]!;
    if (rc !== Status.TIMEOUT) throw failure(rc);
    if (timeoutMs === 0) throw failure(rc);
    const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
    this.#pending++;
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        if (this.#closing) throw new SplinterError(Status.INVALID, "the bus was closed while a poll waited");
        const left = deadline - performance.now();
        if (left <= 0) throw failureElsewhere(Status.TIMEOUT);
        const slice = Math.min(Math.ceil(left), POLL_SLICE_MS);
        const status = prepared
          ? await n.async.splinter_poll_k(this.#handle, k, s, slice, out)
          : await n.async.splinter_poll(this.#handle, k, s, slice, out);
        if (status === Status.OK) return out[0]!;
        if (status !== Status.TIMEOUT) throw failureElsewhere(status);
      }
    } finally {
      if (--this.#pending === 0 && this.#closing) this.#release();
    }
  }

  /**
   * poll that blocks the calling thread until it returns: for a Worker or a
   * script with nothing else to do, never for a thread that runs an event loop
   * others depend on. Returns the new epoch; TIMEOUT as poll.
   */
  pollSync(key: AnyKey | null, since: bigint | number, timeoutMs = -1): bigint {
    const s = epochArg(since, "since");
    if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) throw new TypeError("timeoutMs is a number");
    const ms = timeoutMs < 0 || timeoutMs === Infinity ? -1 : Math.ceil(timeoutMs);
    const out = new BigUint64Array(1);
    const n = native();
    check(key instanceof PreparedKey
      ? n.fn.splinter_poll_k(this.#h(), key.raw, s, ms, out)
      : n.fn.splinter_poll(this.#h(), key === null || key === undefined ? null : cKey(key), s, ms, out));
    return out[0]!;
  }

  /**
   * Yields each change of key (its epoch and value, null once unset), or of
   * the bus epoch when key is omitted, until the loop stops (break) or the
   * signal aborts. Changes in quick succession may be seen once, as the latest.
   */
  async *watch(key?: Key | null, options: WatchOptions = {}): AsyncGenerator<Change, void, undefined> {
    const k = key ?? null;
    let since = options.since !== undefined ? epochArg(options.since, "since") : k === null ? this.epoch : (this.getEntry(k)?.epoch ?? 0n);
    for (;;) {
      const epoch = await this.poll(k, since, -1, options);
      if (k === null) {
        since = epoch;
        yield { epoch };
      } else {
        const entry = this.getEntry(k); // may be newer than the poll saw: report what was read
        since = entry?.epoch ?? 0n;
        yield { epoch: since, value: entry?.value ?? null };
      }
    }
  }

  /** How long (µs, 0..1,000,000; 0 = never) a poll on this handle spins before sleeping in the kernel.
   * Until called, adaptive: a poll spins briefly only while the writer outpaces it (splinter_set_spin). */
  setSpin(microseconds: number): void {
    check(native().fn.splinter_set_spin(this.#h(), u32Arg(microseconds, "microseconds")));
  }

  /** The bus epoch: the number of committed mutations. */
  get epoch(): bigint {
    return native().fn.splinter_epoch(this.#h());
  }

  info(): Info {
    const out = new Uint8Array(layouts.info.size);
    check(native().fn.splinter_info_get(this.#h(), out));
    const d = new DataView(out.buffer);
    const f = layouts.info.fields;
    const u32 = (field: readonly [number, string]) => d.getUint32(field[0], LITTLE);
    return {
      formatVersion: u32(f.format_version),
      backing: u32(f.backing) === BACKING.file ? "file" : "shm",
      role: u32(f.role) === ROLE.writer ? "writer" : "reader",
      slots: u32(f.slots),
      maxValueSize: u32(f.max_value_size),
      liveKeys: u32(f.live_keys),
      tombstones: u32(f.tombstones),
      longestProbe: u32(f.longest_probe),
      regionSize: Number(d.getBigUint64(f.region_size[0], LITTLE)),
      busEpoch: d.getBigUint64(f.bus_epoch[0], LITTLE),
      writerPid: d.getInt32(f.writer_pid[0], LITTLE),
      waiters: u32(f.waiters),
      changeRing: u32(f.change_ring),
      historyDepth: u32(f.history_depth),
      probeLimit: u32(f.probe_limit),
      feedOldest: d.getBigUint64(f.feed_oldest[0], LITTLE),
    };
  }

  /** Validates a snapshot of this handle's mapping against docs/FORMAT.md. */
  check(): Report {
    const h = this.#h();
    return reporting((fn, out) => native().fn.splinter_check_bus(h, fn, null, out));
  }

  toString(): string {
    return `Bus(${JSON.stringify(this.name)}, ${this.backing}${this.#closing ? ", closed" : ""})`;
  }
}

/** A key handed to the list callback: its bytes (keys are at most KEY_MAX bytes). */
function cKeyBytes(pointer: Ptr): Uint8Array {
  const n = native();
  const view = n.view(pointer, 0, KEY_MAX + 1);
  let len = 0;
  while (len <= KEY_MAX && view[len] !== 0) len++;
  return view.slice(0, len);
}

/** Removes the bus's name (open handles keep working). Refuses what is not a bus. */
export function destroy(name: string, options: { backing?: Backing } = {}): void {
  check(native().fn.splinter_destroy(backingArg(options.backing ?? "shm"), cKey(name, "name")));
}

/** Validates the named bus without changing it. CORRUPT / VERSION (with .report) if its header is unusable. */
export function checkBus(name: string, options: { backing?: Backing } = {}): Report {
  const b = backingArg(options.backing ?? "shm");
  const nm = cKey(name, "name");
  return reporting((fn, out) => native().fn.splinter_check(b, nm, fn, null, out));
}

/** Takes the writer role and repairs everything the validator finds; returns what was done. */
export function recover(name: string, options: { backing?: Backing } = {}): Report {
  const b = backingArg(options.backing ?? "shm");
  const nm = cKey(name, "name");
  return reporting((fn, out) => native().fn.splinter_recover(b, nm, fn, null, out));
}

/** The library's version string. */
export function libraryVersion(): string {
  return cString(native().fn.splinter_version());
}
