/** The benchmark on Bun: bun bench/bun.ts [--ops N] [--reps N] */
import process from "node:process";
import * as S from "@splinter/bus";
import { loadBun } from "../src/ffi/bun.ts";
import { parseOptions, run } from "./bench.ts";

const rt = { name: "bun", version: Bun.version, ffi: "bun:ffi", pid: process.pid, cpuUsage: () => process.cpuUsage() };
console.log(JSON.stringify(run(S, loadBun(), rt, parseOptions(process.argv.slice(2)))));
