/**
 * The table of ci/bench-ts (compiled to .build/bench/table.js):
 *   node .build/bench/table.js RESULTS.jsonl [C.json]
 * RESULTS.jsonl: one line per runtime, as bench/{node,bun,deno}.ts print;
 * C.json: splinter_bench --benchmark_format=json output with the median
 * aggregates of splinter/get and splinter/set of the same case (optional).
 * Prints a Markdown table: median ns per call (process CPU time; C: the
 * benchmark thread's CPU time) with the spread, and the ratios to C.
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import type { Measure, Result } from "./bench.ts";

interface GBenchRun {
  name: string;
  run_type?: string;
  aggregate_name?: string;
  cpu_time: number;
  time_unit: string;
}

const UNIT: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

const [resultsPath, cPath] = process.argv.slice(2);
if (!resultsPath) throw new Error("usage: table.js RESULTS.jsonl [C.json]");
const results = readFileSync(resultsPath, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Result);
if (results.length === 0) throw new Error(`${resultsPath}: no results`);

/** The C median cpu_time (ns) of splinter/OP for the results' case, if C.json has it. */
function cMedian(op: "get" | "set"): number | undefined {
  if (!cPath) return undefined;
  // Google Benchmark writes NaN (and inf) for counters' spreads, which JSON has not: read them as null.
  const text = readFileSync(cPath, "utf8").replace(/:\s*-?(?:nan|NaN|inf|Infinity)\b/g, ": null");
  const runs = (JSON.parse(text) as { benchmarks: GBenchRun[] }).benchmarks;
  const want = `splinter/${op}/${results[0]!.case}`;
  const r = runs.find((b) => b.run_type === "aggregate" && b.aggregate_name === "median" && b.name.startsWith(want + "_"));
  return r ? r.cpu_time * (UNIT[r.time_unit] ?? NaN) : undefined;
}

const cGet = cMedian("get");
const cSet = cMedian("set");
const ns = (x: number | undefined) => (x === undefined ? "-" : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const cell = (r: Result, m: Measure) => `${ns(r.ns[m])} ±${Math.round(r.spread[m] * 100)}%`;
const ratio = (x: number, c: number | undefined) => (c === undefined ? "-" : `${(x / c).toFixed(1)}x`);

const rows = [
  "| runtime | FFI | get | getInto | set | FFI get | FFI set | get / C | set / C | FFI get / C | FFI set / C |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
];
if (cGet !== undefined || cSet !== undefined) rows.push(`| C (splinter_bench) | - | ${ns(cGet)} | - | ${ns(cSet)} | - | - | 1.0x | 1.0x | - | - |`);
for (const r of results) {
  rows.push(
    `| ${r.runtime} ${r.runtimeVersion} | ${r.ffi} | ${cell(r, "get")} | ${cell(r, "getInto")} | ${cell(r, "set")} | ${cell(r, "ffiGet")} | ${cell(r, "ffiSet")} | ` +
      `${ratio(r.ns.get, cGet)} | ${ratio(r.ns.set, cSet)} | ${ratio(r.ns.ffiGet, cGet)} | ${ratio(r.ns.ffiSet, cSet)} |`,
  );
}
console.log(`case ${results[0]!.case}; ns per call, median of ${results[0]!.reps} rounds of ${results[0]!.ops} calls (process CPU time; C: thread CPU time)\n`);
console.log(rows.join("\n"));
