/** Splinter for Node: the API of api.ts over the node loader (ffi/node.ts). */
import { loadNode } from "./ffi/node.ts";
import { useLoader } from "./ffi/native.ts";

useLoader(loadNode);

export * from "./api.ts";
