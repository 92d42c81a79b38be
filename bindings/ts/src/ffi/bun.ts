/** The Bun loader: bun:ffi over the table of abi.ts. bun:ffi has no
 * asynchronous calls, so blocking calls run in Worker threads (bun_worker.ts)
 * that open the same library and call the same function on the same handle. */
import { dlopen, type FFIFunction, type FFITypeOrString, JSCallback, toArrayBuffer } from "bun:ffi";
import { callbacks, LIBRARY_SONAME, type Param, type Result, type SymbolDef, symbols } from "./abi.ts";
import { libraryPath, type Native, type Ptr } from "./native.ts";

const PARAM: Record<Param, FFITypeOrString> = {
  i32: "i32", u32: "u32", i64: "i64", u64: "u64", usize: "u64", handle: "ptr", buf: "ptr", fn: "ptr",
};
const RESULT: Record<Result, FFITypeOrString> = { void: "void", i32: "i32", u64: "u64", ptr: "ptr" };
const CALLBACK_PARAM: Record<Param | "ptr", FFITypeOrString> = { ...PARAM, ptr: "ptr" };

// deno-lint-ignore no-explicit-any
type Any = any;

/** The bun:ffi declarations of every symbol (also used by bun_worker.ts). */
export function bunDefinitions(): Record<string, FFIFunction> {
  const defs: Record<string, FFIFunction> = {};
  for (const [name, def] of Object.entries(symbols) as [string, SymbolDef][]) defs[name] = { args: def.params.map((p) => PARAM[p]), returns: RESULT[def.result] };
  return defs;
}

/** Request to a worker: call `name` with `args`; it answers the result and the buffers it was given, after the call. */
export interface WorkerRequest { path: string; name: string; args: unknown[] }
export interface WorkerAnswer { result?: unknown; buffers?: (ArrayBufferView | null)[]; error?: string }

/** Idle workers, reused; each serves one call at a time (a call may block it for long). */
class WorkerPool {
  #idle: Worker[] = [];
  constructor(private readonly path: string) {}

  call(name: string, args: unknown[]): Promise<unknown> {
    const worker = this.#idle.pop() ?? new Worker(new URL(`./bun_worker${import.meta.url.endsWith(".js") ? ".js" : ".ts"}`, import.meta.url));
    worker.ref(); // a pending call keeps the process alive, an idle worker does not
    return new Promise((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
        const answer = event.data;
        worker.unref();
        this.#idle.push(worker);
        if (answer.error !== undefined) return reject(new Error(answer.error));
        // The worker wrote its copies of the buffers: copy them back into the caller's.
        answer.buffers?.forEach((b, i) => {
          const mine = args[i];
          if (b && ArrayBuffer.isView(mine)) new Uint8Array(mine.buffer, mine.byteOffset, mine.byteLength).set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
        });
        resolve(answer.result);
      };
      worker.onerror = (event: ErrorEvent) => {
        worker.terminate();
        reject(new Error("splinter: worker failed: " + event.message));
      };
      worker.postMessage({ path: this.path, name, args } satisfies WorkerRequest);
    });
  }
}

export function loadBun(): Native {
  const path = libraryPath((n) => process.env[n], LIBRARY_SONAME);
  const lib = dlopen(path, bunDefinitions());
  const pool = new WorkerPool(path);
  const fn: Record<string, Any> = {};
  const async: Record<string, Any> = {};
  for (const [name, def] of Object.entries(symbols) as [string, SymbolDef][]) {
    fn[name] = (lib.symbols as Any)[name];
    if (def.blocking) {
      async[name] = def.result === "u64"
        ? async (...a: unknown[]) => BigInt((await pool.call(name, a)) as bigint)
        : (...a: unknown[]) => pool.call(name, a);
    }
  }
  return {
    runtime: "bun",
    path,
    fn: fn as Native["fn"],
    async: async as Native["async"],
    callback(kind, f) {
      const cb = new JSCallback(f as Any, { args: callbacks[kind].params.map((p) => CALLBACK_PARAM[p]), returns: "i32" });
      return { pointer: cb.ptr as unknown as Ptr, close: () => cb.close() };
    },
    view(pointer, offset, length) {
      return new Uint8Array(toArrayBuffer(pointer as Any, offset, length));
    },
    pointer(address) {
      return (address === 0n ? null : Number(address)) as unknown as Ptr;
    },
  };
}
