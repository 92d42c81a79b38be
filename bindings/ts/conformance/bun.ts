/** Conformance adapter on Bun: bun conformance/bun.ts */
import { writeSync } from "node:fs";
import * as S from "@splinter/bus";
import { Adapter, serve } from "./handler.ts";
import { resources } from "./resources.ts";

function write(line: string): void {
  const bytes = new TextEncoder().encode(line);
  for (let off = 0; off < bytes.length;) off += writeSync(1, bytes, off);
}

await serve(new Adapter(S, "ts-bun", process.pid, resources), Bun.stdin.stream(), write);
