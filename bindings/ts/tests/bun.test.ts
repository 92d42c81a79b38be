/** The binding's tests on Bun: bun test tests/bun.test.ts */
import { test } from "bun:test";
import * as S from "@splinter/bus";
import { cases } from "./cases.ts";

const peer = [process.execPath, new URL("./peer.ts", import.meta.url).pathname];
for (const c of cases(S, { peer })) test(c.name, c.fn, 60_000);
