/**
 * What a loader gives the API: the calls of abi.ts, typed from that table,
 * plus the few pointer primitives the API needs. Each runtime's loader
 * (deno.ts, bun.ts, node.ts) implements this interface and nothing more.
 */
import type { BlockingName, CallbackName, Param, Result, Scalar, SymbolName, callbacks, symbols } from "./abi.ts";

/** A pointer as the runtime's FFI represents it (an object, a number or a bigint): opaque here. */
export type Ptr = { readonly __splinterPointer: unique symbol } | null;

type ParamType<P extends Param> = P extends "i32" | "u32" ? number
  : P extends "i64" | "u64" | "usize" ? number | bigint
  : P extends "buf" ? ArrayBufferView | null
  : Ptr; // handle, fn

type ResultType<R extends Result> = R extends "void" ? void : R extends "i32" ? number : R extends "u64" ? bigint : Ptr;

type CallbackParamType<P extends Scalar | "ptr"> = P extends "ptr" ? Ptr : P extends "i32" | "u32" ? number : number | bigint;

type Params<T extends readonly unknown[], M> = { -readonly [I in keyof T]: M extends "param" ? ParamType<T[I] & Param> : CallbackParamType<T[I] & (Scalar | "ptr")> };

export type Args<K extends SymbolName> = Params<(typeof symbols)[K]["params"], "param">;
export type Fn<K extends SymbolName> = (...args: Args<K>) => ResultType<(typeof symbols)[K]["result"]>;
export type AsyncFn<K extends SymbolName> = (...args: Args<K>) => Promise<ResultType<(typeof symbols)[K]["result"]>>;
export type CallbackArgs<K extends CallbackName> = Params<(typeof callbacks)[K]["params"], "callback">;

/** A C function pointer that calls back into JS; close() it once the call that used it returned. */
export interface Callback {
  readonly pointer: Ptr;
  close(): void;
}

export interface Native {
  readonly runtime: "deno" | "bun" | "node";
  /** The library path given to dlopen. */
  readonly path: string;
  /** Every call of abi.ts, synchronous. */
  readonly fn: { readonly [K in SymbolName]: Fn<K> };
  /** The blocking calls of abi.ts, run on another thread. TypedArrays passed
   * must not be touched until the promise settles (they may be written then). */
  readonly async: { readonly [K in BlockingName]: AsyncFn<K> };
  /** A callback of the given signature; fn runs on the calling thread, during the C call. */
  callback<K extends CallbackName>(kind: K, fn: (...args: CallbackArgs<K>) => number): Callback;
  /** length bytes of C memory at pointer + offset, without copying (valid while the memory is). */
  view(pointer: Ptr, offset: number, length: number): Uint8Array;
  /** The runtime's pointer for an address read from C memory (null for 0). */
  pointer(address: bigint): Ptr;
}

let loader: (() => Native) | undefined;
let loaded: Native | undefined;

/** Called once by the runtime's entry module (src/deno.ts, src/bun.ts, src/node.ts). */
export function useLoader(load: () => Native): void {
  loader = load;
}

/** The loaded library (dlopen on first use, so that importing never fails). */
export function native(): Native {
  if (loaded) return loaded;
  if (!loader) throw new Error("splinter: no loader; import the package through its runtime entry (deno, bun or node)");
  try {
    loaded = loader();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`splinter: cannot load the C library ($SPLINTER_LIBRARY, else libsplinter.so.1 on the loader's path): ${why}`, { cause: e });
  }
  return loaded;
}

/** The library to load: $SPLINTER_LIBRARY, else the SONAME on the loader's path. */
export function libraryPath(env: (name: string) => string | undefined, soname: string): string {
  const path = env("SPLINTER_LIBRARY");
  return path && path.length > 0 ? path : soname;
}
