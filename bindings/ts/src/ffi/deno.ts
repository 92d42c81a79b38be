/** The Deno loader: Deno.dlopen over the table of abi.ts. Blocking calls get
 * a second, `nonblocking` symbol (run on Deno's blocking thread pool). */
import { callbacks, LIBRARY_SONAME, type Param, type Result, type SymbolDef, symbols } from "./abi.ts";
import { libraryPath, type Native, type Ptr } from "./native.ts";

const PARAM: Record<Param, Deno.NativeType> = {
  i32: "i32", u32: "u32", i64: "i64", u64: "u64", usize: "usize", handle: "pointer", buf: "buffer", fn: "function",
};
const RESULT: Record<Result, Deno.NativeResultType> = { void: "void", i32: "i32", u64: "u64", ptr: "pointer" };
const CALLBACK_PARAM: Record<Param | "ptr", Deno.NativeType> = { ...PARAM, ptr: "pointer" };
const ASYNC = "$async";

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: use the default
  }
}

// deno-lint-ignore no-explicit-any
type Any = any;

export function loadDeno(): Native {
  const path = libraryPath(env, LIBRARY_SONAME);
  const defs: Record<string, Deno.ForeignFunction> = {};
  for (const [name, def] of Object.entries(symbols) as [string, SymbolDef][]) {
    const parameters = def.params.map((p) => PARAM[p]);
    defs[name] = { parameters, result: RESULT[def.result] };
    if (def.blocking) defs[name + ASYNC] = { name, parameters, result: RESULT[def.result], nonblocking: true };
  }
  const lib = Deno.dlopen(path, defs);
  const fn: Record<string, Any> = {};
  const async: Record<string, Any> = {};
  for (const [name, def] of Object.entries(symbols) as [string, SymbolDef][]) {
    const f = (lib.symbols as Any)[name];
    // u64 results come back as number | bigint: the API always sees bigint.
    fn[name] = def.result === "u64" ? (...a: unknown[]) => BigInt(f(...a)) : f;
    if (def.blocking) {
      const g = (lib.symbols as Any)[name + ASYNC];
      async[name] = def.result === "u64" ? async (...a: unknown[]) => BigInt(await g(...a)) : g;
    }
  }
  return {
    runtime: "deno",
    path,
    fn: fn as Native["fn"],
    async: async as Native["async"],
    callback(kind, f) {
      const def = callbacks[kind];
      const cb = new Deno.UnsafeCallback({ parameters: def.params.map((p) => CALLBACK_PARAM[p]), result: "i32" }, f as Any);
      return { pointer: cb.pointer as unknown as Ptr, close: () => cb.close() };
    },
    view(pointer, offset, length) {
      return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(pointer as unknown as Deno.PointerObject, length, offset));
    },
    pointer(address) {
      return Deno.UnsafePointer.create(address) as unknown as Ptr;
    },
  };
}
