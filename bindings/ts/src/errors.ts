/** Status codes of splinter.h and SplinterError, the one error class of the binding. */
import { native } from "./ffi/native.ts";
import type { Report } from "./report.ts";

/** The status codes of include/splinter/splinter.h, by name without the SPLINTER_E_ prefix. */
export const Status = {
  OK: 0,
  NOT_FOUND: -1,
  INVALID: -2,
  KEY_TOO_LONG: -3,
  TOO_LARGE: -4,
  BUFFER: -5,
  FULL: -6,
  BUSY: -7,
  READ_ONLY: -8,
  TIMEOUT: -9,
  EXISTS: -10,
  NO_BUS: -11,
  CORRUPT: -12,
  VERSION: -13,
  AGAIN: -14,
  SYSTEM: -15,
  COMPACTED: -16,
} as const;

export type StatusName = Exclude<keyof typeof Status, "OK">;
export type StatusCode = (typeof Status)[StatusName];

const NAMES = new Map<number, StatusName>(
  Object.entries(Status).filter(([n]) => n !== "OK").map(([n, c]) => [c, n as StatusName]),
);

/**
 * A call failed. `status` is the library's code (Status.BUSY, ...), `name` its
 * name ("BUSY"), `detail` the library's one-line reason (splinter_last_error),
 * possibly "". `needed` is set for BUFFER (the value's length), `report` for
 * CORRUPT / VERSION from check or recover (the findings so far).
 */
export class SplinterError extends Error {
  readonly status: number;
  override readonly name: StatusName | `UNKNOWN_${number}`;
  readonly detail: string;
  declare needed?: number;
  declare report?: Report;

  constructor(status: number, detail = "", message?: string) {
    const name = NAMES.get(status) ?? (`UNKNOWN_${status}` as const);
    super(detail || message || name);
    this.status = status;
    this.name = name;
    this.detail = detail;
  }
}

/** A C string at pointer (NUL-terminated, at most max bytes scanned): its bytes. */
export function cBytes(pointer: unknown, max = 4096): Uint8Array | null {
  if (!pointer) return null; // null, 0 or 0n: NULL in every runtime
  const n = native();
  const view = n.view(pointer as never, 0, max);
  let len = 0;
  while (len < max && view[len] !== 0) len++; // byte by byte: never reads past the NUL
  return view.slice(0, len);
}

const decoder = new TextDecoder();

/** A C string at pointer, decoded as UTF-8 ("" for NULL). */
export function cString(pointer: unknown, max = 4096): string {
  const bytes = cBytes(pointer, max);
  return bytes ? decoder.decode(bytes) : "";
}

/** The error for a status the library just returned on this thread (reads splinter_last_error). */
export function failure(status: number): SplinterError {
  const n = native();
  const detail = cString(n.fn.splinter_last_error());
  return new SplinterError(status, detail, cString(n.fn.splinter_strerror(status)));
}

/** The error for a status returned on another thread (its last_error is not readable here). */
export function failureElsewhere(status: number): SplinterError {
  return new SplinterError(status, "", cString(native().fn.splinter_strerror(status)));
}

/** Throws unless status is OK. */
export function check(status: number): void {
  if (status !== 0) throw failure(status);
}
