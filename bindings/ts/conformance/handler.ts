/**
 * The TypeScript binding's conformance adapter (conformance/PROTOCOL.md), the
 * same on every runtime: it only translates requests into calls of the
 * binding and its results (or SplinterError) into answers. The per-runtime
 * mains (deno.ts, bun.ts, node.ts) read stdin and write stdout.
 */
import type * as Api from "@splinter/bus";
import { type Json, parse, stringify } from "./json.ts";

type Splinter = typeof Api;
type Req = { [key: string]: Json };
type Answer = { [key: string]: unknown };

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toB64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

class AdapterError extends Error {}

function str(req: Req, field: string): string {
  const v = req[field];
  if (typeof v !== "string") throw new AdapterError(`field ${field}: expected a string`);
  return v;
}

function int(req: Req, field: string): number {
  const v = req[field];
  if (typeof v !== "number" || !Number.isInteger(v)) throw new AdapterError(`field ${field}: expected an integer`);
  return v;
}

function epoch(req: Req, field: string): bigint {
  const v = req[field];
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new AdapterError(`field ${field}: expected an integer`);
}

function keyOf(req: Req): Api.Key {
  if ("key_b64" in req) return fromB64(str(req, "key_b64"));
  return str(req, "key");
}

function backingOf(req: Req): Api.Backing {
  const b = str(req, "backing");
  if (b !== "shm" && b !== "file") throw new AdapterError(`bad backing ${b}`);
  return b;
}

function report(r: Api.Report): Answer {
  return {
    findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, fix: f.fix, slot: f.slot, key: f.key, detail: f.detail })),
    worst: r.worst,
    repaired: r.repaired,
    rolled_back: r.rolledBack,
    dropped: r.dropped,
  };
}

export class Adapter {
  readonly #S: Splinter;
  readonly #name: string;
  readonly #pid: number;
  readonly #resources: () => Answer;
  readonly #buses = new Map<string, Api.Bus>();
  readonly #pkeys = new Map<string, Api.PreparedKey>();

  /** resources: what the runtime reports of its process (the "resources" op; resources.ts). */
  constructor(S: Splinter, name: string, pid: number, resources: () => Answer) {
    this.#S = S;
    this.#name = name;
    this.#pid = pid;
    this.#resources = resources;
  }

  #bus(req: Req): Api.Bus {
    const b = this.#buses.get(str(req, "bus"));
    if (!b) throw new AdapterError(`no open bus ${String(req.bus)}`);
    return b;
  }

  #pkey(req: Req): Api.PreparedKey {
    const k = this.#pkeys.get(str(req, "pkey"));
    if (!k) throw new AdapterError(`no prepared key ${String(req.pkey)}`);
    return k;
  }

  async #handle(req: Req): Promise<Answer> {
    const S = this.#S;
    const op = str(req, "op");
    switch (op) {
      case "resources":
        return this.#resources();
      case "hello":
        return { adapter: this.#name, library: S.libraryVersion(), pid: this.#pid, format_version: S.FORMAT_VERSION };
      case "create":
        this.#buses.set(str(req, "bus"), S.Bus.create(str(req, "name"), {
          slots: int(req, "slots"), maxValueSize: int(req, "max_value_size"), backing: backingOf(req),
          mode: "mode" in req ? int(req, "mode") : 0,
          changeRing: "change_ring" in req ? int(req, "change_ring") : 0,
          historyDepth: "history_depth" in req ? int(req, "history_depth") : 0,
        }));
        return {};
      case "open": {
        const role = str(req, "role");
        if (role !== "reader" && role !== "writer") throw new AdapterError(`bad role ${role}`);
        this.#buses.set(str(req, "bus"), S.Bus.open(str(req, "name"), { role, backing: backingOf(req) }));
        return {};
      }
      case "close":
        this.#bus(req).close();
        this.#buses.delete(str(req, "bus"));
        return {};
      case "destroy":
        S.destroy(str(req, "name"), { backing: backingOf(req) });
        return {};
      case "set":
        return { epoch: this.#bus(req).set(keyOf(req), fromB64(str(req, "value_b64"))) };
      case "unset":
        return { epoch: this.#bus(req).unset(keyOf(req)) };
      case "set_ttl": {
        const bus = this.#bus(req);
        const key = keyOf(req);
        const value = fromB64(str(req, "value_b64"));
        try {
          return { epoch: bus.setTtl(key, value, int(req, "ttl_ms")) };
        } catch (e) {
          // The binding refuses a ttl out of range before the call, as the library does (INVALID).
          if (e instanceof RangeError) return { status: "INVALID", detail: e.message };
          throw e;
        }
      }
      case "ttl": {
        const left = this.#bus(req).ttl(keyOf(req));
        if (left === null) return { status: "NOT_FOUND" };
        return { ttl_ms: left === Infinity ? (1n << 64n) - 1n : BigInt(left) };
      }
      case "expire":
        return { removed: this.#bus(req).expire("max" in req ? int(req, "max") : 0) };
      case "key_init":
        this.#pkeys.set(str(req, "pkey"), new S.PreparedKey(keyOf(req)));
        return {};
      case "key_garble": { // not a library call: one bit of the prepared key's plain data flipped
        const raw = this.#pkey(req).raw;
        const byte = int(req, "byte");
        if (byte >= raw.length) throw new AdapterError("byte is beyond the prepared key");
        raw[byte] = raw[byte]! ^ 1;
        return {};
      }
      case "set_k":
        return { epoch: this.#bus(req).set(this.#pkey(req), fromB64(str(req, "value_b64"))) };
      case "unset_k":
        return { epoch: this.#bus(req).unset(this.#pkey(req)) };
      case "get_k": {
        const entry = this.#bus(req).getEntry(this.#pkey(req));
        if (!entry) return { status: "NOT_FOUND" };
        return { value_b64: toB64(entry.value), epoch: entry.epoch };
      }
      case "poll_k":
        return { epoch: await this.#bus(req).poll(this.#pkey(req), epoch(req, "since"), int(req, "timeout_ms")) };
      case "get": {
        const bus = this.#bus(req);
        if ("cap" in req) {
          const buf = new Uint8Array(int(req, "cap"));
          try {
            const got = bus.getInto(keyOf(req), buf);
            if (!got) return { status: "NOT_FOUND" };
            return { value_b64: toB64(buf.subarray(0, got.length)), epoch: got.epoch };
          } catch (e) {
            if (e instanceof S.SplinterError && e.name === "BUFFER") return { status: "BUFFER", len: e.needed, detail: e.detail };
            throw e;
          }
        }
        const entry = bus.getEntry(keyOf(req));
        if (!entry) return { status: "NOT_FOUND" };
        return { value_b64: toB64(entry.value), epoch: entry.epoch };
      }
      case "list":
        return { entries: [...this.#bus(req).list()].map((e) => ({ key_b64: toB64(e.keyBytes), len: e.valueLength, epoch: e.epoch })) };
      case "changes": {
        const c = this.#bus(req).changes(epoch(req, "since"));
        return { changes: c.changes.map((e) => ({ epoch: e.epoch, op: e.op, key_b64: toB64(e.keyBytes) })), last: c.last };
      }
      case "history": {
        const values = this.#bus(req).history(keyOf(req));
        // A live key has at least its current value: empty is the binding's "absent".
        if (values.length === 0) return { status: "NOT_FOUND" };
        return { history: values.map((v) => ({ epoch: v.epoch, value_b64: toB64(v.value) })) };
      }
      case "poll": {
        const key = "key" in req || "key_b64" in req ? keyOf(req) : null;
        return { epoch: await this.#bus(req).poll(key, epoch(req, "since"), int(req, "timeout_ms")) };
      }
      case "epoch":
        return { epoch: this.#bus(req).epoch };
      case "info": {
        const i = this.#bus(req).info();
        return {
          format_version: i.formatVersion, backing: i.backing, role: i.role, slots: i.slots, max_value_size: i.maxValueSize,
          live_keys: i.liveKeys, tombstones: i.tombstones, longest_probe: i.longestProbe, region_size: i.regionSize,
          bus_epoch: i.busEpoch, writer_pid: i.writerPid, waiters: i.waiters, change_ring: i.changeRing,
          history_depth: i.historyDepth, probe_limit: i.probeLimit, feed_oldest: i.feedOldest,
        };
      }
      case "flush":
        this.#bus(req).flush();
        return {};
      case "set_spin":
        this.#bus(req).setSpin(int(req, "spin_us"));
        return {};
      case "check":
        return report("bus" in req ? this.#bus(req).check() : S.check(str(req, "name"), { backing: backingOf(req) }));
      case "recover":
        return report(S.recover(str(req, "name"), { backing: backingOf(req) }));
      default:
        return { status: "UNSUPPORTED", detail: `unknown op ${op}` };
    }
  }

  /** One request line in, one answer line out (without the newline). */
  async answer(line: string): Promise<string> {
    let req: Json;
    try {
      req = parse(line);
    } catch (e) {
      return stringify({ status: "ADAPTER_ERROR", detail: `unparsable request: ${String(e)}` });
    }
    let out: Answer;
    if (req === null || typeof req !== "object" || Array.isArray(req)) {
      out = { status: "ADAPTER_ERROR", detail: "a request is a JSON object" };
    } else {
      try {
        out = await this.#handle(req);
        out.status ??= "OK";
      } catch (e) {
        if (e instanceof this.#S.SplinterError) {
          out = { status: e.name, detail: e.detail };
          if (e.report) Object.assign(out, report(e.report));
        } else {
          out = { status: "ADAPTER_ERROR", detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
        }
      }
      if ("id" in req) out.id = req.id;
    }
    return stringify(out);
  }

  /** At end of input: close every handle. */
  closeAll(): void {
    for (const bus of this.#buses.values()) bus.close();
    this.#buses.clear();
  }
}

/** Splits a byte stream into lines (UTF-8). */
export async function* lines(stream: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) yield line;
    }
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield buffered;
}

/** The adapter's loop: every line answered, in order, each written (and flushed) before the next is read. */
export async function serve(adapter: Adapter, input: AsyncIterable<Uint8Array>, write: (line: string) => void): Promise<void> {
  for await (const line of lines(input)) write((await adapter.answer(line)) + "\n");
  adapter.closeAll();
}
