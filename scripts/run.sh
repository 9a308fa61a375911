#!/usr/bin/env bash
# Builds countryhub and runs it on its embedded defaults. Until the server
# lands, this normalizes a bundled captured response and prints the hub.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
exec "${BUILD_DIR:-$root/build}/src/countryhub" normalize \
  "$root/tests/fixtures/composed/hub_us.json" --country us --pretty "$@"
