# Sourced by the ci/ scripts: logging and shared helpers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ci: FAILED: %s\n' "$*" >&2; exit 1; }
# Make sure a preset is configured and built (idempotent).
build_preset() {
  local preset="$1"; shift
  say "build preset $preset"
  cmake --preset "$preset" "$@" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
