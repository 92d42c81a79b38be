/** The benchmark on Node (compiled to .build/bench/node.js): node .build/bench/node.js [--ops N] [--reps N] */
import process from "node:process";
import * as koffi from "koffi";
import * as S from "@splinter/bus";
import { loadNode } from "../src/ffi/node.ts";
import { parseOptions, run } from "./bench.ts";

const rt = { name: "node", version: process.versions.node, ffi: `koffi ${koffi.version}`, pid: process.pid, cpuUsage: () => process.cpuUsage() };
console.log(JSON.stringify(run(S, loadNode(), rt, parseOptions(process.argv.slice(2)))));
