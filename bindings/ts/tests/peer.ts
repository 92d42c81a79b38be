/**
 * A second process for the tests (tests/cases.ts): reads commands, one per
 * line, and answers each with one line.
 *   open NAME ROLE     -> "ok PID" | "error STATUS"
 *   set KEY VALUE      -> "epoch N"
 *   get KEY            -> "value V" | "absent"
 *   poll KEY SINCE MS  -> "epoch N" (once the poll returns)
 * At end of input it closes its handle and exits 0.
 */
import process from "node:process";
import { createInterface } from "node:readline";
import * as S from "@splinter/bus";

let bus: S.Bus | undefined;
const say = (line: string) => process.stdout.write(line + "\n");

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, a = "", b = "", c = ""] = line.split(" ");
  try {
    if (cmd === "open") {
      bus = S.Bus.open(a, { role: b as S.Role });
      say(`ok ${process.pid}`);
    } else if (cmd === "set") say(`epoch ${bus!.set(a, b)}`);
    else if (cmd === "get") {
      const v = bus!.getString(a);
      say(v === null ? "absent" : `value ${v}`);
    } else if (cmd === "poll") say(`epoch ${await bus!.poll(a, BigInt(b), Number(c))}`);
    else say(`error unknown command ${cmd}`);
  } catch (e) {
    say(`error ${e instanceof S.SplinterError ? e.name : String(e)}`);
  }
}
bus?.close();
