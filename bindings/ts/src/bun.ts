/** Splinter for Bun: the API of api.ts over the bun loader (ffi/bun.ts). */
import { loadBun } from "./ffi/bun.ts";
import { useLoader } from "./ffi/native.ts";

useLoader(loadBun);

export * from "./api.ts";
