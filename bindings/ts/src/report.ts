/** check and recover: findings of the validator (docs/FORMAT.md rules), typed. */
import { layouts } from "./ffi/abi.ts";
import { native, type Ptr } from "./ffi/native.ts";
import { cString, failure, type SplinterError, Status } from "./errors.ts";

export const Severity = { RECOVERABLE: 1, UNRECOVERABLE: 2, FATAL: 3 } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
export const Fix = { NONE: 0, REPAIR: 1, ROLLBACK: 2, DROP: 3, TRIM: 4 } as const;
export type Fix = (typeof Fix)[keyof typeof Fix];

/** One violated rule of docs/FORMAT.md (splinter_finding). */
export interface Finding {
  /** N of rule "FN" in docs/FORMAT.md. */
  readonly rule: number;
  readonly severity: Severity;
  /** What recovery does (did) about it. */
  readonly fix: Fix;
  /** The slot index, or -1 for the header. */
  readonly slot: number;
  /** The slot's key, printable-escaped, or "". */
  readonly key: string;
  readonly detail: string;
}

/** What check or recover found (and, for recover, did). */
export interface Report {
  readonly findings: readonly Finding[];
  readonly repaired: number;
  readonly rolledBack: number;
  readonly dropped: number;
  /** Findings fixed by trimming a key's history (Fix.TRIM). */
  readonly trimmed: number;
  /** The highest severity seen, 0 when clean. */
  readonly worst: 0 | Severity;
  readonly clean: boolean;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function readFinding(pointer: Ptr): Finding {
  const n = native();
  const f = layouts.finding.fields;
  const bytes = n.view(pointer, 0, layouts.finding.size).slice();
  const d = new DataView(bytes.buffer);
  return {
    rule: d.getUint32(f.rule[0], LITTLE),
    severity: d.getInt32(f.severity[0], LITTLE) as Severity,
    fix: d.getInt32(f.fix[0], LITTLE) as Fix,
    slot: Number(d.getBigInt64(f.slot[0], LITTLE)),
    key: cString(n.pointer(d.getBigUint64(f.key[0], LITTLE))),
    detail: cString(n.pointer(d.getBigUint64(f.detail[0], LITTLE))),
  };
}

/**
 * Runs a check/recover call with a finding callback and a report out-struct.
 * OK gives the report; CORRUPT / VERSION throw a SplinterError carrying it;
 * anything else throws plainly.
 */
export function reporting(call: (fn: Ptr, out: Uint8Array) => number): Report {
  const n = native();
  const findings: Finding[] = [];
  let thrown: unknown;
  const callback = n.callback("finding", (_ctx, finding) => {
    try {
      findings.push(readFinding(finding));
      return 0;
    } catch (e) {
      thrown = e;
      return 1; // stops the walk
    }
  });
  const out = new Uint8Array(layouts.report.size);
  let status: number;
  let error: SplinterError | undefined;
  try {
    status = call(callback.pointer, out);
    if (status !== 0) error = failure(status);
  } finally {
    callback.close();
  }
  if (thrown !== undefined) throw thrown;
  const r = layouts.report.fields;
  const d = new DataView(out.buffer);
  const worst = d.getInt32(r.worst[0], LITTLE) as 0 | Severity;
  const report: Report = {
    findings,
    repaired: d.getUint32(r.repaired[0], LITTLE),
    rolledBack: d.getUint32(r.rolled_back[0], LITTLE),
    dropped: d.getUint32(r.dropped[0], LITTLE),
    trimmed: d.getUint32(r.trimmed[0], LITTLE),
    worst,
    clean: worst === 0,
  };
  if (error) {
    if (status! === Status.CORRUPT || status! === Status.VERSION) error.report = report;
    throw error;
  }
  return report;
}
