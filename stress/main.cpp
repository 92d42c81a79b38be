// main.cpp -- splinter_stress: one program, driven by flags (options.h).
//
//   load       multi-process single-writer / multi-reader load with oracles
//   killloop   the same, with the writer SIGKILLed and taken over repeatedly
//   powerloss  hybrid flushed/final page images of a file bus
//   expiry     keys with deadlines under the writer kill loop (expiry.cpp)
//   writer, reader   the child processes of load and killloop (internal)
//
// Exit status: 0 no violation, 1 violation (a "VIOLATION:" line says which),
// 2 usage or setup error, 3 a child crashed (signal or sanitizer report).
#include "expiry.h"
#include "load.h"
#include "options.h"
#include "powerloss.h"
#include "roles.h"

int main(int argc, char **argv) {
  const stress::Options o = stress::parse_options(argc, argv);
  if (o.mode == "reader") return stress::run_reader(o);
  if (o.mode == "writer") return stress::run_writer(o);
  if (o.mode == "powerloss") return stress::run_powerloss(o);
  if (o.mode == "expiry") return stress::run_expiry(o);
  return stress::run_load(o);
}
