/** The Node loader: koffi over the table of abi.ts. Blocking calls use
 * koffi's asynchronous calls (run on libuv's worker threads). */
import * as koffi from "koffi";
import { callbacks, LIBRARY_SONAME, type Param, type Result, type SymbolDef, symbols } from "./abi.ts";
import { libraryPath, type Native, type Ptr } from "./native.ts";

const PARAM: Record<Param, string> = {
  i32: "int32_t", u32: "uint32_t", i64: "int64_t", u64: "uint64_t", usize: "size_t", handle: "void *", buf: "void *", fn: "void *",
};
const RESULT: Record<Result, string> = { void: "void", i32: "int32_t", u64: "uint64_t", ptr: "void *" };
const CALLBACK_PARAM: Record<Param | "ptr", string> = { ...PARAM, ptr: "void *" };

// deno-lint-ignore no-explicit-any
type Any = any;

export function loadNode(): Native {
  const path = libraryPath((n) => process.env[n], LIBRARY_SONAME);
  const lib = koffi.load(path);
  const fn: Record<string, Any> = {};
  const async: Record<string, Any> = {};
  for (const [name, def] of Object.entries(symbols) as [string, SymbolDef][]) {
    const f = lib.func(name, RESULT[def.result], def.params.map((p) => PARAM[p]));
    // u64 results come back as number | bigint: the API always sees bigint.
    fn[name] = def.result === "u64" ? (...a: unknown[]) => BigInt(f(...a)) : f;
    if (def.blocking) {
      async[name] = (...a: unknown[]) =>
        new Promise((resolve, reject) =>
          f.async(...a, (err: unknown, r: unknown) => (err ? reject(err) : resolve(def.result === "u64" ? BigInt(r as number) : r)))
        );
    }
  }
  const protos = new Map<string, Any>();
  return {
    runtime: "node",
    path,
    fn: fn as Native["fn"],
    async: async as Native["async"],
    callback(kind, f) {
      let proto = protos.get(kind);
      if (!proto) {
        proto = koffi.proto(`splinter_${kind}_fn`, "int32_t", callbacks[kind].params.map((p) => CALLBACK_PARAM[p]));
        protos.set(kind, proto);
      }
      const pointer = koffi.register(f, koffi.pointer(proto));
      return { pointer: pointer as unknown as Ptr, close: () => koffi.unregister(pointer) };
    },
    view(pointer, offset, length) {
      return new Uint8Array(koffi.view((pointer as unknown as bigint) + BigInt(offset), length));
    },
    pointer(address) {
      return (address === 0n ? null : address) as unknown as Ptr;
    },
  };
}
