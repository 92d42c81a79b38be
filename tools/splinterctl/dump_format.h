// dump_format.h -- the portable JSON document of `dump --json` / `load`:
//
//   {"format": "splinter-dump", "version": 1, "source": "shm:NAME",
//    "slots": N, "max_value_size": N, "bus_epoch": N,
//    "entries": [{"key": "k", "epoch": 7, "value": "text"},
//                {"key": "bin", "epoch": 9, "value_base64": "AAEC"}, ...]}
//
// Entries are in epoch order. A key or value that is not valid UTF-8 is
// stored as "key_base64" / "value_base64". Epochs are informative: a bus
// assigns its own epochs, so `load` restores keys and values (exactly), in
// the document's order; `load --create` makes the bus with "slots" and
// "max_value_size".
//
// `dump --salvage --json` adds "skipped": what it could not export, each
//   {"slot": null, "key": "k", "reason": "..."}   a listed key whose get failed
//   {"slot": 3, "key": "k\x01", "reason": "F7 slot 3 ..."}   a slot no list shows
// (a slot's key is check's escaped text). `load` ignores it.
#ifndef SPLINTERCTL_DUMP_FORMAT_H
#define SPLINTERCTL_DUMP_FORMAT_H

#include <string_view>

namespace splinterctl {
inline constexpr std::string_view kDumpFormat = "splinter-dump";
inline constexpr int kDumpVersion = 1;
}  // namespace splinterctl

#endif  // SPLINTERCTL_DUMP_FORMAT_H
