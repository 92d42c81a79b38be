/** A Bun worker that makes one blocking call at a time for bun.ts (bun:ffi has
 * no asynchronous calls). dlopen of the same path returns the library the main
 * thread loaded, so handles (pointers) are valid here. */
import { dlopen } from "bun:ffi";
import { bunDefinitions, type WorkerAnswer, type WorkerRequest } from "./bun.ts";

declare const self: Worker;
// deno-lint-ignore no-explicit-any
let lib: any;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const { path, name, args } = event.data;
  let answer: WorkerAnswer;
  try {
    lib ??= dlopen(path, bunDefinitions());
    const result = lib.symbols[name](...args);
    answer = { result, buffers: args.map((a) => (ArrayBuffer.isView(a) ? a : null)) };
  } catch (e) {
    answer = { error: String(e) };
  }
  self.postMessage(answer);
};
