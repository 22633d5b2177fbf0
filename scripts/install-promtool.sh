#!/usr/bin/env bash
# Installs promtool (Debian's prometheus package) for the metrics test, which checks the service's
# /metrics with `promtool check metrics`. Idempotent and quiet: does nothing when promtool is there.
# Only promtool is used: the prometheus server the package also installs is stopped and disabled.
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
  echo "promtool found: $(command -v promtool)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No promtool on PATH and no apt-get to install it: install Prometheus's promtool (only the metrics test needs it)" >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

echo "Installing promtool (Debian's prometheus package, for the metrics test)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# policy-rc.d 101: the package's server is not started (nothing here needs it, and its port 9090 stays free).
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && created_policy=1
fi
status=0
{ $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus; } >"$log" 2>&1 || status=$?
[ -z "$created_policy" ] || $SUDO rm -f "$policy"
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  echo "Installing promtool failed (see above)" >&2
  exit 1
fi
command -v promtool >/dev/null 2>&1 || { echo "promtool did not install" >&2; exit 1; }
echo "promtool installed: $(command -v promtool) ($(promtool --version 2>&1 | head -1))"
