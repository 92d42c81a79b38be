/** Conformance adapter on Deno: deno run -A conformance/deno.ts */
import * as S from "@splinter/bus";
import { Adapter, serve } from "./handler.ts";
import { resources } from "./resources.ts";

const encoder = new TextEncoder();
function write(line: string): void {
  const bytes = encoder.encode(line);
  for (let off = 0; off < bytes.length;) off += Deno.stdout.writeSync(bytes.subarray(off));
}

await serve(new Adapter(S, "ts-deno", Deno.pid, resources), Deno.stdin.readable, write);
