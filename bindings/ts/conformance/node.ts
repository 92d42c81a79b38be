/** Conformance adapter on Node (compiled to .build/conformance/node.js): node .build/conformance/node.js */
import { writeSync } from "node:fs";
import * as S from "@splinter/bus";
import { Adapter, serve } from "./handler.ts";
import { resources } from "./resources.ts";

// Node may leave fd 1 non-blocking (libuv sets O_NONBLOCK on the pipes it
// opens for process.stdio): a large answer then meets a full pipe with
// EAGAIN. Wait for the runner to drain it (1 ms between tries) and go on.
const pause = new Int32Array(new SharedArrayBuffer(4));
function write(line: string): void {
  const bytes = new TextEncoder().encode(line);
  for (let off = 0; off < bytes.length;) {
    try {
      off += writeSync(1, bytes, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

await serve(new Adapter(S, "ts-node", process.pid, resources), process.stdin, write);
