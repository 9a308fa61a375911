#!/usr/bin/env bash
# Builds countryhub and starts the service on its embedded defaults: SQLite
# in ./countryhub.db, listening on 127.0.0.1:8080, fetching from Spotify.
# Extra arguments go to `countryhub serve`, e.g. --replay examples/replay.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Build output goes to stderr so that stdout carries only the service's own.
"$root/scripts/install-deps.sh" >&2
"$root/scripts/build.sh" >&2
exec "${BUILD_DIR:-$root/build}/src/countryhub" serve "$@"
