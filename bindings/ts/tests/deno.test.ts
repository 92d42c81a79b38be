/** The binding's tests on Deno: deno test -A tests/deno.test.ts */
import * as S from "@splinter/bus";
import { cases } from "./cases.ts";

const peer = [Deno.execPath(), "run", "-A", new URL("./peer.ts", import.meta.url).pathname];
for (const c of cases(S, { peer })) Deno.test(c.name, c.fn);
