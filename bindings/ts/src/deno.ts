/** Splinter for Deno: the API of api.ts over the deno loader (ffi/deno.ts). */
import { loadDeno } from "./ffi/deno.ts";
import { useLoader } from "./ffi/native.ts";

useLoader(loadDeno);

export * from "./api.ts";
