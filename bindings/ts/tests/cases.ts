/**
 * The binding's own behaviours, shared by the three runners (deno.test.ts,
 * bun.test.ts, node.test.ts register each case with their runtime's test
 * runner). Conformance with the reference is checked by splinter-conformance.
 * Processes coordinate by answers on pipes, never by durations.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import type * as Api from "@splinter/bus";

type Splinter = typeof Api;

export interface Case {
  name: string;
  fn: () => Promise<void> | void;
}

export interface Env {
  /** The command that runs tests/peer.ts on this runtime (argv). */
  peer: string[];
}

let counter = 0;
/** A shared-memory name unique to this process and test. */
function uniqueName(): string {
  return `splinter-ts-${process.pid}-${++counter}`;
}

const text = (s: string) => new TextEncoder().encode(s);

/** A child process running tests/peer.ts: one command line in, one answer line out. */
class Peer {
  readonly #child;
  readonly #lines: AsyncIterator<string>;
  readonly #exited: Promise<number | null>;

  constructor(argv: string[]) {
    const [cmd, ...args] = argv;
    this.#child = spawn(cmd!, args, { stdio: ["pipe", "pipe", "inherit"], env: process.env });
    this.#exited = new Promise((resolve) => this.#child.on("exit", (code) => resolve(code)));
    this.#lines = createInterface({ input: this.#child.stdout! })[Symbol.asyncIterator]();
  }

  /** Sends a command; resolves with its answer line (which may come much later, e.g. for poll). */
  send(line: string): Promise<string> {
    this.#child.stdin!.write(line + "\n");
    return this.#lines.next().then((r) => {
      if (r.done) throw new Error(`peer exited before answering ${line}`);
      return r.value;
    });
  }

  /** Closes its input (it closes its handle and exits); resolves with its exit status. */
  async end(): Promise<number | null> {
    this.#child.stdin!.end();
    return await this.#exited;
  }
}

function isError(S: Splinter, name: Api.StatusName) {
  return (e: unknown) => {
    assert.ok(e instanceof S.SplinterError, `expected a SplinterError, got ${String(e)}`);
    assert.equal(e.name, name);
    assert.equal(e.status, S.Status[name]);
    assert.ok(e instanceof Error);
    return true;
  };
}

export function cases(S: Splinter, env: Env): Case[] {
  const list: Case[] = [];
  const test = (name: string, fn: Case["fn"]) => list.push({ name, fn });

  /** A fresh shm bus (writer handle) for fn; closed and destroyed afterwards. */
  async function withBus(fn: (w: Api.Bus, name: string) => Promise<void> | void, slots = 16, maxValueSize = 64) {
    const name = uniqueName();
    const w = S.Bus.create(name, { slots, maxValueSize });
    try {
      await fn(w, name);
    } finally {
      w.close();
      try {
        S.destroy(name);
      } catch { /* already destroyed by the test */ }
    }
  }

  test("set and get round-trip bytes; epochs are bigints, +1 per mutation", () =>
    withBus((w) => {
      const bytes = new Uint8Array([0, 1, 255, 7]);
      assert.equal(w.set("k", bytes), 1n);
      assert.deepEqual(w.get("k"), bytes);
      assert.deepEqual(w.getEntry("k"), { value: bytes, epoch: 1n });
      assert.equal(w.set("other", "x"), 2n);
      assert.equal(w.epoch, 2n);
    }));

  test("a PreparedKey reads, writes and polls as its key; a garbled one is INVALID", () =>
    withBus(async (w) => {
      const k = new S.PreparedKey("hot");
      const e = w.set(k, "v1");
      assert.equal(w.getString("hot"), "v1");
      assert.deepEqual(w.getEntry(k), w.getEntry("hot"));
      const buf = new Uint8Array(8);
      assert.deepEqual(w.getInto(k, buf), { length: 2, epoch: e });
      assert.equal(await w.poll(k, 0n, 0), e);
      assert.equal(w.pollSync(k, 0n, 0), e);
      assert.equal(w.history(k).length, 1);
      const bad = new S.PreparedKey("hot");
      bad.raw[5] = bad.raw[5]! ^ 1;
      assert.throws(() => w.get(bad), (err: Api.SplinterError) => err.status === S.Status.INVALID);
      assert.throws(() => w.set(bad, "x"), (err: Api.SplinterError) => err.status === S.Status.INVALID);
      assert.equal(w.unset(k), e + 1n);
      assert.equal(w.get(k), null);
      assert.throws(() => new S.PreparedKey(""), (err: Api.SplinterError) => err.status === S.Status.INVALID);
    }));

  test("a string value is stored as UTF-8 and getString decodes it", () =>
    withBus((w) => {
      w.set("greeting", "grüß dich");
      assert.deepEqual(w.get("greeting"), text("grüß dich"));
      assert.equal(w.getString("greeting"), "grüß dich");
    }));

  test("an absent key reads as null; an empty value is not absent", () =>
    withBus((w) => {
      assert.equal(w.get("missing"), null);
      assert.equal(w.getString("missing"), null);
      assert.equal(w.has("missing"), false);
      w.set("empty", new Uint8Array(0));
      assert.deepEqual(w.get("empty"), new Uint8Array(0));
      assert.equal(w.getString("empty"), "");
      assert.equal(w.has("empty"), true);
    }));

  test("set takes only a Uint8Array or a string: anything else is a TypeError", () =>
    withBus((w) => {
      for (const bad of [42, null, undefined, {}, [1, 2], new ArrayBuffer(2), new Int8Array(2), new Uint16Array(1), new DataView(new ArrayBuffer(1))]) {
        assert.throws(() => w.set("k", bad as unknown as Api.Value), TypeError, String(bad));
      }
      assert.equal(w.epoch, 0n);
      assert.throws(() => w.set(7 as unknown as string, "v"), TypeError);
    }));

  test("keys are counted in UTF-8 bytes: 63 fit, 64 are KEY_TOO_LONG, never truncated", () =>
    withBus((w) => {
      w.set("k".repeat(63), "ok");
      assert.throws(() => w.set("k".repeat(64), "no"), (e) => {
        isError(S, "KEY_TOO_LONG")(e);
        assert.match((e as Api.SplinterError).detail, /63/);
        return true;
      });
      assert.throws(() => w.set("é".repeat(32), "no"), isError(S, "KEY_TOO_LONG")); // 32 characters, 64 bytes
      assert.equal(w.get("k".repeat(63))?.length, 2);
    }));

  test("an empty key, or one with a NUL byte, is INVALID (not cut at the NUL)", () =>
    withBus((w) => {
      assert.throws(() => w.set("", "x"), isError(S, "INVALID"));
      assert.throws(() => w.set("a\0b", "x"), isError(S, "INVALID"));
      assert.throws(() => w.set(new Uint8Array([97, 0, 98]), "x"), isError(S, "INVALID"));
      assert.equal(w.get("a"), null);
      assert.equal(w.epoch, 0n);
    }));

  test("string and byte keys name the same key", () =>
    withBus((w) => {
      w.set("clé", "1");
      assert.equal(w.getString(text("clé")), "1");
    }));

  test("unset returns the epoch of the removal; an absent key is NOT_FOUND", () =>
    withBus((w) => {
      w.set("k", "v");
      assert.equal(w.unset("k"), 2n);
      assert.equal(w.get("k"), null);
      assert.throws(() => w.unset("k"), isError(S, "NOT_FOUND"));
      assert.equal(w.epoch, 2n);
    }));

  test("TOO_LARGE past max_value_size, FULL when every slot is live", () =>
    withBus((w) => {
      assert.throws(() => w.set("a", new Uint8Array(5)), isError(S, "TOO_LARGE"));
      w.set("a", new Uint8Array(4));
      assert.throws(() => w.set("b", "1"), isError(S, "FULL"));
    }, 1, 4));

  test("getInto copies into the caller's buffer; BUFFER carries the size needed", () =>
    withBus((w) => {
      w.set("k", "hello");
      const buf = new Uint8Array(8);
      assert.deepEqual(w.getInto("k", buf), { length: 5, epoch: 1n });
      assert.deepEqual(buf.subarray(0, 5), text("hello"));
      assert.throws(() => w.getInto("k", new Uint8Array(2)), (e) => {
        isError(S, "BUFFER")(e);
        assert.equal((e as Api.SplinterError).needed, 5);
        return true;
      });
      assert.equal(w.getInto("missing", buf), null);
    }));

  test("values larger than the first read buffer are read whole", () =>
    withBus((w) => {
      const big = new Uint8Array(5000).map((_, i) => i % 251);
      w.set("big", big);
      assert.deepEqual(w.get("big"), big);
    }, 4, 8192));

  test("list iterates live keys with exact key bytes, value lengths and epochs", () =>
    withBus((w) => {
      w.set("a", "1");
      w.set(new Uint8Array([0xff, 0xfe]), "22"); // not UTF-8
      w.set("c", "333");
      w.unset("c");
      const entries = [...w.list()];
      assert.equal(entries.length, 2);
      const byLen = entries.sort((x, y) => x.valueLength - y.valueLength);
      assert.deepEqual(byLen.map((e) => [e.key, e.valueLength, e.epoch]), [["a", 1, 1n], ["\ufffd\ufffd", 2, 2n]]);
      assert.deepEqual(byLen[1]!.keyBytes, new Uint8Array([0xff, 0xfe]));
      assert.deepEqual([...w.keys()].sort(), ["a", "\ufffd\ufffd"]);
    }));

  test("info describes the bus and the handle", () =>
    withBus((w) => {
      w.set("k", "v");
      const i = w.info();
      assert.equal(i.formatVersion, S.FORMAT_VERSION);
      assert.equal(i.backing, "shm");
      assert.equal(i.role, "writer");
      assert.equal(i.slots, 16);
      assert.equal(i.maxValueSize, 64);
      assert.equal(i.liveKeys, 1);
      assert.equal(i.busEpoch, 1n);
      assert.equal(i.writerPid, process.pid);
      assert.ok(i.regionSize > 0);
      // format 4's fields, past the old 56-byte struct: a short layout reads zeros or garbage here
      assert.deepEqual([i.changeRing, i.historyDepth, i.probeLimit, i.feedOldest], [1024, 0, 1, 1n]);
    }));

  /** A fresh shm bus created with options (historyDepth 2, changeRing 4) for fn. */
  async function withDeepBus(fn: (w: Api.Bus, name: string) => Promise<void> | void) {
    const name = uniqueName();
    const w = S.Bus.create(name, { slots: 16, maxValueSize: 64, historyDepth: 2, changeRing: 4 });
    try {
      await fn(w, name);
    } finally {
      w.close();
      S.destroy(name);
    }
  }

  test("create options show in info; out-of-range options are INVALID", () =>
    withDeepBus((w) => {
      const i = w.info();
      assert.deepEqual([i.formatVersion, i.historyDepth, i.changeRing, i.feedOldest], [S.FORMAT_VERSION, 2, 4, 0n]);
      const opts = { slots: 8, maxValueSize: 8 };
      assert.throws(() => S.Bus.create(uniqueName(), { ...opts, historyDepth: S.HISTORY_MAX + 1 }), isError(S, "INVALID"));
      assert.throws(() => S.Bus.create(uniqueName(), { ...opts, changeRing: S.RING_MAX + 1 }), isError(S, "INVALID"));
      assert.throws(() => S.Bus.create(uniqueName(), { ...opts, historyDepth: -1 }), RangeError);
    }));

  test("changes lists every mutation after since in epoch order, and the epoch to resume from", () =>
    withDeepBus((w) => {
      w.set("a", "1");
      w.set(new Uint8Array([0xff]), "2");
      w.unset("a");
      const { changes, last } = w.changes(0);
      assert.deepEqual(changes.map((c) => [c.epoch, c.op, c.key]), [[1n, "set", "a"], [2n, "set", "\ufffd"], [3n, "unset", "a"]]);
      assert.deepEqual(changes[1]!.keyBytes, new Uint8Array([0xff]));
      assert.equal(last, 3n);
      assert.deepEqual(w.changes(2).changes.map((c) => c.epoch), [3n]);
      assert.deepEqual(w.changes(3), { changes: [], last: 3n });
    }));

  test("changes past the ring, or ahead of the bus, is COMPACTED", () =>
    withDeepBus((w) => {
      for (let i = 0; i < 6; i++) w.set("k", String(i)); // the ring holds 4
      assert.throws(() => w.changes(0), isError(S, "COMPACTED"));
      assert.throws(() => w.changes(7), isError(S, "COMPACTED"));
      assert.equal(w.info().feedOldest, 3n);
      const { changes, last } = w.changes(2);
      assert.deepEqual([changes.map((c) => c.epoch), last], [[3n, 4n, 5n, 6n], 6n]);
    }));

  // Keys that expire. Expiry is waited for with a poll of the key: it wakes at
  // the deadline and reports the key absent (epoch 0) -- never with a sleep.
  test("a key set with a ttl expires: then absent to get, ttl, has and list", () =>
    withBus(async (w) => {
      const e = w.setTtl("lease", "v", 1);
      assert.equal(await w.poll("lease", e, -1), 0n);
      assert.equal(w.get("lease"), null);
      assert.equal(w.ttl("lease"), null);
      assert.equal(w.has("lease"), false);
      assert.deepEqual([...w.list()], []);
    }));

  test("ttl gives the ms left, Infinity without deadline, null when absent; a plain set clears the deadline", () =>
    withBus((w) => {
      w.setTtl("k", "v", 3_600_000);
      const left = w.ttl("k")!;
      assert.ok(Number.isInteger(left) && left > 3_500_000 && left <= 3_600_000, String(left));
      assert.equal(w.getString("k"), "v");
      w.set("k", "w");
      assert.equal(w.ttl("k"), Infinity);
      assert.equal(w.ttl("absent"), null);
      const p = new S.PreparedKey("p");
      w.setTtl(p, "v", 60_000);
      assert.ok(w.ttl(p)! <= 60_000);
    }));

  test("expire removes the expired keys, counts them and the feed shows op expire", async () => {
    const name = uniqueName();
    const w = S.Bus.create(name, { slots: 16, maxValueSize: 64, changeRing: 64 });
    try {
      // A set may remove an expired key lazily before expire is called: count those from the feed.
      const expireEntries = () => w.changes(0).changes.filter((c) => c.op === "expire").length;
      w.setTtl("c", "3", 3_600_000);
      const e1 = w.setTtl("a", "1", 1);
      const e2 = w.setTtl("b", "2", 1);
      assert.equal(await w.poll("a", e1, -1), 0n);
      assert.equal(await w.poll("b", e2, -1), 0n);
      const pending = 2 - expireEntries(); // "b" at least: no set came after it
      const before = w.epoch;
      assert.equal(w.expire(1), 1);
      assert.equal(w.expire(), pending - 1);
      assert.equal(w.expire(0), 0);
      assert.equal(w.epoch, before + BigInt(pending));
      assert.equal(expireEntries(), 2);
      assert.deepEqual([...w.list()].map((x) => x.key), ["c"]);
    } finally {
      w.close();
      S.destroy(name);
    }
  });

  test("a bad ttl is a RangeError (not a number: TypeError) and sets nothing", () =>
    withBus((w) => {
      for (const bad of [0, -1, NaN, Infinity, S.TTL_MAX_MS + 1]) {
        assert.throws(() => w.setTtl("k", "v", bad), (e: unknown) => e instanceof RangeError && /ttlMs/.test(e.message));
      }
      assert.throws(() => w.setTtl("k", "v", "1" as unknown as number), TypeError);
      assert.throws(() => w.expire(-1), RangeError);
      assert.equal(w.get("k"), null);
      assert.equal(w.epoch, 0n);
    }));

  test("history is newest first with epochs, up to the depth; absent is empty; unset ends it", () =>
    withDeepBus((w) => {
      for (const v of ["one", "two", "three", "four"]) w.set("k", v);
      const h = w.history("k");
      assert.deepEqual(h.map((x) => [new TextDecoder().decode(x.value), x.epoch]), [["four", 4n], ["three", 3n], ["two", 2n]]);
      assert.deepEqual(w.history("missing"), []);
      w.set("e", "");
      assert.deepEqual(w.history("e"), [{ value: new Uint8Array(0), epoch: 5n }]);
      w.unset("k");
      assert.deepEqual(w.history("k"), []);
      w.set("k", "new");
      assert.deepEqual(w.history("k").map((x) => x.epoch), [7n]);
      assert.throws(() => w.history("k".repeat(64)), isError(S, "KEY_TOO_LONG"));
    }));

  test("a reader cannot write (READ_ONLY); a second writer is BUSY", () =>
    withBus((w, name) => {
      w.set("k", "v");
      using r = S.Bus.open(name);
      assert.equal(r.info().role, "reader");
      assert.equal(r.getString("k"), "v");
      assert.throws(() => r.set("k", "x"), isError(S, "READ_ONLY"));
      assert.throws(() => S.Bus.open(name, { role: "writer" }), isError(S, "BUSY"));
    }));

  test("create of an existing name is EXISTS; open of a missing one is NO_BUS", () =>
    withBus((_w, name) => {
      assert.throws(() => S.Bus.create(name, { slots: 4, maxValueSize: 4 }), isError(S, "EXISTS"));
      assert.throws(() => S.Bus.open(name + "-missing"), isError(S, "NO_BUS"));
    }));

  test("close is idempotent; a closed handle is INVALID; `using` closes it", () =>
    withBus((w, name) => {
      const r = S.Bus.open(name);
      r.close();
      r.close();
      assert.equal(r.closed, true);
      assert.throws(() => r.get("k"), isError(S, "INVALID"));
      let escaped: Api.Bus;
      {
        using writer2 = (w.close(), S.Bus.open(name, { role: "writer" }));
        escaped = writer2;
        assert.equal(writer2.closed, false);
      }
      assert.equal(escaped.closed, true);
      S.Bus.open(name, { role: "writer" }).close(); // the role was released
    }));

  test("check reports a clean bus with no findings", () =>
    withBus((w, name) => {
      w.set("k", "v");
      const mine = w.check();
      assert.equal(mine.clean, true);
      assert.equal(mine.worst, 0);
      assert.deepEqual(mine.findings, []);
      assert.equal(S.check(name).clean, true);
    }));

  test("check of a damaged file bus throws CORRUPT carrying typed findings", () => {
    const dir = mkdtempSync(join(tmpdir(), "splinter-ts-"));
    const path = join(dir, "bus");
    try {
      S.Bus.create(path, { slots: 4, maxValueSize: 8, backing: "file" }).close();
      writeFileSync(path, new Uint8Array(4096)); // no magic: not a bus any more
      assert.throws(() => S.check(path, { backing: "file" }), (e) => {
        isError(S, "CORRUPT")(e);
        const report = (e as Api.SplinterError).report!;
        assert.ok(report.findings.length >= 1);
        const f = report.findings[0]!;
        assert.equal(f.severity, S.Severity.FATAL);
        assert.equal(f.slot, -1);
        assert.equal(typeof f.rule, "number");
        assert.ok(f.detail.length > 0);
        return true;
      });
      assert.throws(() => S.Bus.open(path, { backing: "file" }), isError(S, "CORRUPT"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("recover takes the writer role (BUSY while held) and reports a clean bus", () =>
    withBus((w, name) => {
      w.set("k", "v");
      assert.throws(() => S.recover(name), isError(S, "BUSY"));
      w.close();
      const report = S.recover(name);
      assert.equal(report.clean, true);
      assert.equal(report.repaired + report.rolledBack + report.dropped, 0);
    }));

  test("SplinterError has status, name and detail", () => {
    try {
      S.Bus.open(uniqueName());
      assert.fail("opened a bus that does not exist");
    } catch (e) {
      isError(S, "NO_BUS")(e);
      const err = e as Api.SplinterError;
      assert.match(err.detail, /no such bus/);
      assert.equal(err.message, err.detail);
      assert.equal(String(err).startsWith("NO_BUS: "), true);
    }
  });

  /** Waits through `wait`, while a timer sets the key: the events in the order they happened. */
  async function timerDuringWait(w: Api.Bus, wait: (since: bigint) => Promise<bigint>): Promise<string[]> {
    const events: string[] = [];
    const since = w.set("k", "before");
    const waited = wait(since).then((epoch) => events.push(`resolved ${epoch - since}`), (e) => events.push(`rejected ${e.name}`));
    // This callback can only run if the wait leaves the event loop free; it makes the change the wait waits for.
    setTimeout(() => {
      events.push("timer");
      w.set("k", "after");
    }, 0);
    await waited;
    return events;
  }

  test("poll resolves while the event loop keeps running timers", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      assert.deepEqual(await timerDuringWait(w, (since) => r.poll("k", since, 60_000)), ["timer", "resolved 1"]);
    }));

  test("negative control: a blocking wait starves the timer, and the check above sees it", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      // pollSync blocks this thread: the timer cannot run, so nothing changes and the wait times out first.
      // (async on purpose: its TIMEOUT becomes a rejected promise, like poll's.)
      // deno-lint-ignore require-await
      const events = await timerDuringWait(w, async (since) => r.pollSync("k", since, 200));
      assert.deepEqual(events, ["rejected TIMEOUT"]);
      await new Promise((resolve) => setTimeout(resolve, 0)); // let the starved timer run now (it sets the key)
      assert.equal(w.getString("k"), "after");
    }));

  test("poll returns at once when the epoch already differs, and resolves on a change", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      w.set("k", "1");
      assert.equal(await r.poll("k", 0n, 0), 1n);
      assert.equal(await r.poll(null, 0, 0), 1n); // the bus epoch
      const p = r.poll("k", 1n, -1);
      w.set("other", "x"); // another key: no wake-up for "k"
      w.unset("k"); // removal counts: the key's epoch goes to 0
      assert.equal(await p, 0n);
    }));

  test("poll rejects with TIMEOUT when nothing changes; 0 checks once", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      const since = w.set("k", "1");
      await assert.rejects(r.poll("k", since, 0), isError(S, "TIMEOUT"));
      await assert.rejects(r.poll("k", since, 20), isError(S, "TIMEOUT"));
      await assert.rejects(r.poll("k".repeat(64), 0n, 20), isError(S, "KEY_TOO_LONG"));
      await assert.rejects(r.poll("k", -1, 20), RangeError);
    }));

  test("close while a poll waits: the poll rejects with INVALID and the handle is released", () =>
    withBus(async (w, name) => {
      w.close();
      const writer = S.Bus.open(name, { role: "writer" });
      const since = writer.set("k", "1");
      const p = writer.poll("k", since, -1);
      writer.close();
      await assert.rejects(p, isError(S, "INVALID"));
      S.Bus.open(name, { role: "writer" }).close(); // not BUSY: the role went with the handle
    }));

  test("an aborted signal rejects a waiting poll", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      const since = w.set("k", "1");
      const ac = new AbortController();
      const p = r.poll("k", since, -1, { signal: ac.signal });
      ac.abort();
      await assert.rejects(p, (e: unknown) => (e as Error).name === "AbortError");
    }));

  test("watch yields each change of a key, null once unset, until the loop stops", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      w.set("k", "0");
      const seen: (string | null)[] = [];
      const it = r.watch("k");
      const first = it.next(); // starts watching after epoch 1
      w.set("k", "a");
      seen.push(decode((await first).value));
      w.unset("k");
      seen.push(decode((await it.next()).value));
      w.set("k", "b");
      seen.push(decode((await it.next()).value));
      await it.return();
      assert.deepEqual(seen, ["a", null, "b"]);
    }));

  test("watch without a key yields bus epochs", () =>
    withBus(async (w, name) => {
      using r = S.Bus.open(name);
      const epochs: bigint[] = [];
      const it = r.watch();
      const first = it.next();
      w.set("x", "1");
      epochs.push((await first).value!.epoch);
      w.set("y", "1");
      epochs.push((await it.next()).value!.epoch);
      await it.return();
      assert.deepEqual(epochs, [1n, 2n]);
    }));

  test("a reader here sees a writer in another process, and wakes on its set", () =>
    withBus(async (w, name) => {
      w.close();
      const peer = new Peer(env.peer);
      try {
        const [ok, pid] = (await peer.send(`open ${name} writer`)).split(" ");
        assert.equal(ok, "ok");
        using r = S.Bus.open(name);
        assert.equal(r.info().writerPid, Number(pid));
        assert.notEqual(Number(pid), process.pid);
        const p = r.poll("k", 0n, 60_000);
        assert.equal(await peer.send("set k from-the-peer"), "epoch 1");
        assert.equal(await p, 1n);
        assert.equal(r.getString("k"), "from-the-peer");
        assert.throws(() => S.Bus.open(name, { role: "writer" }), isError(S, "BUSY"));
      } finally {
        assert.equal(await peer.end(), 0);
      }
      S.Bus.open(name, { role: "writer" }).close(); // the peer's exit released the role
    }));

  test("a writer here wakes a poll in another process; the other process gets BUSY as writer", () =>
    withBus(async (w, name) => {
      const peer = new Peer(env.peer);
      try {
        assert.match(await peer.send(`open ${name} writer`), /^error BUSY/);
        assert.match(await peer.send(`open ${name} reader`), /^ok /);
        const answer = peer.send("poll k 0 60000"); // answered once the poll returns
        w.set("k", "from-here");
        assert.equal(await answer, "epoch 1");
        assert.equal(await peer.send("get k"), "value from-here");
      } finally {
        assert.equal(await peer.end(), 0);
      }
    }));

  return list;
}

function decode(v: Api.Change | void | undefined): string | null {
  if (!v || v.value === undefined || v.value === null) return null;
  return new TextDecoder().decode(v.value);
}
