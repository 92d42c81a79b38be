/** The binding's tests on Node (compiled to .build/tests/): node --test .build/tests/node.test.js */
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as S from "@splinter/bus";
import { cases } from "./cases.ts";

const peer = [process.execPath, fileURLToPath(new URL("./peer.js", import.meta.url))];
for (const c of cases(S, { peer })) test(c.name, { timeout: 60_000 }, c.fn);
