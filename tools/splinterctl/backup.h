// backup.h -- the copy of a bus that `recover` writes before it changes
// anything: the backing object's bytes, as they are, in a new regular file.
#ifndef SPLINTERCTL_BACKUP_H
#define SPLINTERCTL_BACKUP_H

#include "cli.h"

#include <optional>
#include <string>

namespace splinterctl {

// Where the backup of `bus` goes unless --backup names a path: next to the
// object, with ".backup" appended. For a shm bus that is /dev/shm/NAME.backup,
// which `--shm NAME.backup` opens (like the file one, with `--file`).
std::string default_backup_path(const BusAddress &bus);

enum class BackupResult { written, no_bus, failed };

// Copies the bus's backing object (read-only; it need not be a valid bus) to
// `path`: written to a temporary name in the same directory, synced, then
// linked into place -- never over an existing file unless `overwrite`. On
// `failed` the reason is printed and nothing is left at `path`; `no_bus` means
// the object does not exist (nothing printed: the caller reports it).
BackupResult write_backup(const BusAddress &bus, const std::string &path, bool overwrite);

}  // namespace splinterctl

#endif  // SPLINTERCTL_BACKUP_H
