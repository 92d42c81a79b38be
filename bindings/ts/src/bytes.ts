/** Keys, names and values between JS and the C ABI. */
import { SplinterError, Status } from "./errors.ts";

/** A key: a string (its UTF-8 bytes) or raw bytes; 1..63 bytes, no NUL byte. */
export type Key = string | Uint8Array;
/** A value: raw bytes, or a string (stored as its UTF-8 bytes). */
export type Value = Uint8Array | string;

const encoder = new TextEncoder();

/** The NUL-terminated bytes the C ABI takes for a key or a name. A NUL inside
 * would cut the key short in C: refused with INVALID, as the library refuses bad keys. */
export function cKey(key: Key, what = "key"): Uint8Array {
  let bytes: Uint8Array;
  if (typeof key === "string") bytes = encoder.encode(key);
  else if (key instanceof Uint8Array) bytes = key;
  else throw new TypeError(`a ${what} is a string or a Uint8Array, not ${describe(key)}`);
  if (bytes.indexOf(0) >= 0) throw new SplinterError(Status.INVALID, `${what} contains a NUL byte`);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** A value's bytes: a Uint8Array as is, a string as UTF-8; anything else is a TypeError. */
export function valueBytes(value: Value): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  throw new TypeError(`a value is a Uint8Array or a string, not ${describe(value)}`);
}

/** An epoch argument: a bigint or a safe non-negative integer number. */
export function epochArg(epoch: bigint | number, what = "epoch"): bigint {
  if (typeof epoch === "bigint") {
    if (epoch < 0n || epoch >= 1n << 64n) throw new RangeError(`${what} out of range: ${epoch}`);
    return epoch;
  }
  if (typeof epoch === "number") {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`${what} must be a non-negative integer: ${epoch}`);
    return BigInt(epoch);
  }
  throw new TypeError(`${what} is a bigint or a number, not ${describe(epoch)}`);
}

/** A uint32 argument (geometry, mode, spin budget). */
export function u32Arg(n: number, what: string): number {
  if (typeof n !== "number") throw new TypeError(`${what} is a number, not ${describe(n)}`);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${what} must be an integer in 0..2^32-1: ${n}`);
  return n;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}
