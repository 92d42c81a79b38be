/** The benchmark on Deno: deno run -A bench/deno.ts [--ops N] [--reps N] */
import process from "node:process";
import * as S from "@splinter/bus";
import { loadDeno } from "../src/ffi/deno.ts";
import { parseOptions, run } from "./bench.ts";

const rt = { name: "deno", version: Deno.version.deno, ffi: "Deno.dlopen", pid: Deno.pid, cpuUsage: () => process.cpuUsage() };
console.log(JSON.stringify(run(S, loadDeno(), rt, parseOptions(Deno.args))));
