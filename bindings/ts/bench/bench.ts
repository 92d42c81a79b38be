/**
 * What a binding costs: get and set through the public API and through the
 * bare FFI symbol (the loader's function, no wrapper), on the table of the C
 * benchmark's headline case (bench/bench_splinter_ops.cpp,
 * splinter/{get,set}/slots:1024/value:64/key:16/load:50/tomb:0): a 1024-slot
 * shm bus, 512 live 16-byte keys ("k" and 15 digits), 64-byte values, the
 * keys visited in one fixed shuffled order; gets through a reader handle,
 * sets overwrite live keys through the writer handle.
 *
 * Shared by the three entries (node.ts, bun.ts, deno.ts), which pass the
 * runtime's API module and its loader, and print the result as one JSON line.
 *
 * Measures (each: `ops` calls in one loop, timed as a whole):
 *   get       bus.get(key): string key, a new Uint8Array per call
 *   getInto   bus.getInto(key, buffer): string key, the caller's buffer
 *   set       bus.set(key, value): string key, Uint8Array value
 *   ffiGet    splinter_get through the FFI: NUL-terminated key bytes made once
 *   ffiSet    splinter_set through the FFI: the same
 * After one warm-up round, `reps` rounds run every measure in turn
 * (interleaved, so that a change of machine load touches all of them); the
 * result is the median per measure, and the spread: half the min-max range
 * over the rounds, relative to the median (as in docs/PERFORMANCE.md).
 *
 * Clock: the process's CPU time (user + system, all threads), which, unlike
 * the wall clock, does not count time the shared machine gave to others; it
 * does count the runtime's own threads (JIT, GC) working for the loop. The
 * wall-clock medians are in the result too. The C benchmark's cpu_time is the
 * benchmark thread's CPU time.
 */
import type * as Api from "@splinter/bus";
import type { Native, Ptr } from "../src/ffi/native.ts";

type Splinter = typeof Api;

export const MEASURES = ["get", "getInto", "set", "ffiGet", "ffiSet"] as const;
export type Measure = (typeof MEASURES)[number];

export interface Options {
  /** Calls per measure per round. */
  ops: number;
  /** Timed rounds (after one warm-up round). */
  reps: number;
}

export interface Result {
  runtime: string;
  runtimeVersion: string;
  ffi: string;
  library: string;
  libraryVersion: string;
  case: string;
  ops: number;
  reps: number;
  clock: "process CPU time";
  /** Median ns per call, process CPU time. */
  ns: Record<Measure, number>;
  /** Half the min-max range over the rounds, relative to the median (0.1 = ±10 %). */
  spread: Record<Measure, number>;
  /** Median ns per call, wall clock. */
  wallNs: Record<Measure, number>;
}

const SLOTS = 1024;
const KEYS = 512; // load 50 %
const KEY_LEN = 16;
const VALUE_LEN = 64;
const SHM = 1; // splinter_backing: SPLINTER_SHM
const READER = 0;
const WRITER = 1;

/** make_key of bench/common.cpp: family, then right-aligned '0'-padded decimal digits, len bytes in all. */
function makeKey(family: string, i: number, len: number): string {
  return family + String(i).padStart(len - 1, "0");
}

/** value_bytes of bench/common.cpp. */
function valueBytes(n: number): Uint8Array {
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) v[i] = (i * 131 + 7) & 0xff;
  return v;
}

/** 0..n-1 in a fixed pseudo-random order (Fisher-Yates over a 32-bit LCG). */
function shuffled(n: number, seed: number): number[] {
  const v = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function cpuMicros(cpuUsage: () => { user: number; system: number }): number {
  const u = cpuUsage();
  return u.user + u.system;
}

export interface Runtime {
  name: string;
  version: string;
  ffi: string;
  pid: number;
  /** process.cpuUsage of node:process (Node, Bun and Deno all have it). */
  cpuUsage: () => { user: number; system: number };
}

/** Runs the benchmark; throws if any call fails or returns other bytes than were set. */
export function run(S: Splinter, native: Native, rt: Runtime, options: Options): Result {
  const { ops, reps } = options;
  const name = `splinter-ts-bench-${rt.pid}`;
  const keys = shuffled(KEYS, 7).map((i) => makeKey("k", i, KEY_LEN));
  const encoder = new TextEncoder();
  const cKeys = keys.map((k) => encoder.encode(k + "\0"));
  const value = valueBytes(VALUE_LEN);
  const mask = KEYS - 1; // KEYS is a power of two: i & mask visits the order again and again
  const fn = native.fn;

  /** A handle of the bare C ABI on the bus (role READER or WRITER). */
  const openRaw = (role: number): Ptr => {
    const out = new BigUint64Array(1);
    const rc = fn.splinter_open(out, SHM, encoder.encode(name + "\0"), role);
    if (rc !== 0) throw new Error(`splinter_open: status ${rc}`);
    return native.pointer(out[0]!);
  };

  const cpu: Record<Measure, number[]> = { get: [], getInto: [], set: [], ffiGet: [], ffiSet: [] };
  const wall: Record<Measure, number[]> = { get: [], getInto: [], set: [], ffiGet: [], ffiSet: [] };
  const held: { reader?: Api.Bus; raw?: Ptr } = {}; // closed in the finally below
  const writer0 = S.Bus.create(name, { slots: SLOTS, maxValueSize: VALUE_LEN });
  try {
    try {
      for (let i = 0; i < KEYS; i++) writer0.set(makeKey("k", i, KEY_LEN), value); // in key order, as the C fixture
    } finally {
      writer0.close();
    }
    const reader = (held.reader = S.Bus.open(name));
    const rawReader = (held.raw = openRaw(READER));
    const buffer = new Uint8Array(VALUE_LEN);
    const len = new BigUint64Array(1);

    // Each loop returns 0 when every call succeeded (and read 64 bytes), so no failure goes unseen.
    const loops: Record<Measure, () => number> = {
      get() {
        let bytes = 0;
        for (let i = 0; i < ops; i++) bytes += reader.get(keys[i & mask]!)!.length;
        return bytes === ops * VALUE_LEN ? 0 : 1;
      },
      getInto() {
        let bytes = 0;
        for (let i = 0; i < ops; i++) bytes += reader.getInto(keys[i & mask]!, buffer)!.length;
        return bytes === ops * VALUE_LEN ? 0 : 1;
      },
      set() {
        const writer = S.Bus.open(name, { role: "writer" });
        try {
          for (let i = 0; i < ops; i++) writer.set(keys[i & mask]!, value);
        } finally {
          writer.close();
        }
        return 0;
      },
      ffiGet() {
        let bad = 0;
        for (let i = 0; i < ops; i++) bad |= fn.splinter_get(rawReader, cKeys[i & mask]!, buffer, VALUE_LEN, len, null);
        return bad | (Number(len[0]) === VALUE_LEN ? 0 : 1);
      },
      ffiSet() {
        const writer = openRaw(WRITER);
        let bad = 0;
        try {
          for (let i = 0; i < ops; i++) bad |= fn.splinter_set(writer, cKeys[i & mask]!, value, VALUE_LEN, null);
        } finally {
          fn.splinter_close(writer);
        }
        return bad;
      },
    };

    for (let round = -1; round < reps; round++) { // round -1: warm-up, not recorded
      for (const m of MEASURES) {
        const c0 = cpuMicros(rt.cpuUsage);
        const w0 = performance.now();
        const bad = loops[m]();
        const w1 = performance.now();
        const c1 = cpuMicros(rt.cpuUsage);
        if (bad !== 0) throw new Error(`${m}: a call failed or read another length than was set`);
        if (round >= 0) {
          cpu[m].push(((c1 - c0) * 1e3) / ops);
          wall[m].push(((w1 - w0) * 1e6) / ops);
        }
      }
    }
    // The bytes read are the bytes written.
    const got = reader.get(keys[0]!);
    if (got === null || got.length !== VALUE_LEN || got.some((b, i) => b !== value[i])) throw new Error("get returned other bytes than were set");
  } finally {
    if (held.raw) fn.splinter_close(held.raw);
    held.reader?.close();
    S.destroy(name);
  }

  const per = (f: (xs: number[]) => number, from: Record<Measure, number[]>) =>
    Object.fromEntries(MEASURES.map((m) => [m, f(from[m])])) as Record<Measure, number>;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    runtime: rt.name,
    runtimeVersion: rt.version,
    ffi: rt.ffi,
    library: native.path,
    libraryVersion: S.libraryVersion(),
    case: `slots:${SLOTS}/value:${VALUE_LEN}/key:${KEY_LEN}/load:50/tomb:0`,
    ops,
    reps,
    clock: "process CPU time",
    ns: per((xs) => round3(median(xs)), cpu),
    spread: per((xs) => round3((Math.max(...xs) - Math.min(...xs)) / 2 / median(xs)), cpu),
    wallNs: per((xs) => round3(median(xs)), wall),
  };
}

/** --ops N and --reps N from argv (defaults: 200,000 calls, 9 rounds). */
export function parseOptions(argv: readonly string[]): Options {
  const options: Options = { ops: 200_000, reps: 9 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a !== "--ops" && a !== "--reps") throw new Error(`unknown argument ${a} (use --ops N, --reps N)`);
    const n = Number(argv[++i]);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${a} needs a positive integer`);
    options[a === "--ops" ? "ops" : "reps"] = n;
  }
  return options;
}
