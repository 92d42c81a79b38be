/**
 * The "resources" op of the conformance adapter (conformance/PROTOCOL.md):
 * this process's CPU time (user + system, every thread, in microseconds),
 * open file descriptors and memory mappings. node:fs and node:process exist
 * on Deno, Bun and Node alike.
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

export function resources(): { cpu_us: number; fds: number; maps: number } {
  const cpu = process.cpuUsage();
  const maps = readFileSync("/proc/self/maps", "latin1");
  let lines = 0;
  for (let i = maps.indexOf("\n"); i >= 0; i = maps.indexOf("\n", i + 1)) lines++;
  return { cpu_us: cpu.user + cpu.system, fds: readdirSync("/proc/self/fd").length, maps: lines };
}
