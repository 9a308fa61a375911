#!/usr/bin/env bash
# Serving benchmark: countryhub with a hot cache against nginx serving the
# same body as a static file, under wrk, on 127.0.0.1. Installs nginx and wrk
# (and matplotlib for the plot) through scripts/install-deps.sh when missing,
# then runs bench/serve_bench.py with the same arguments.
#
#   bench/serve.sh --quick                      # CI check: one 2 s round per server
#   bench/serve.sh --results r.json --plot p.png  # full run: 16/64/256 connections, 5 rounds
#   bench/serve.sh --help                       # every option
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/scripts/install-deps.sh" nginx-light wrk
# The plot is the only use of matplotlib, so the CI check does without it.
# NOTE: apt refused once to resolve nginx-light, wrk and python3-matplotlib in
# one call on Debian 12 ("generated breaks") but installed each alone, hence
# the separate call.
for argument in "$@"; do
  case "$argument" in
    --plot | --plot=*) "$root/scripts/install-deps.sh" python3-matplotlib ;;
  esac
done

exec python3 "$root/bench/serve_bench.py" "$@"
