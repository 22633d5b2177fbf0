#!/usr/bin/env bash
# Installs promtool for the metrics test (`promtool check metrics` on the service's /metrics):
# Debian's prometheus package is downloaded and only its promtool binary unpacked into
# .tools/prometheus/, so no Prometheus server is installed, enabled or started. Idempotent and
# quiet: does nothing when promtool is on PATH or already unpacked.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=.tools/prometheus
if command -v promtool >/dev/null 2>&1; then
  echo "promtool found: $(command -v promtool)"
  exit 0
fi
if [ -x "$TOOLS/usr/bin/promtool" ]; then
  echo "promtool found: $TOOLS/usr/bin/promtool"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No promtool on PATH and no apt-get to fetch it: install Prometheus's promtool (only the metrics test needs it)" >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

echo "Fetching promtool (from Debian's prometheus package, for the metrics test)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! { $SUDO apt-get update -qq && (cd "$work" && apt-get download -qq prometheus); } >"$work/log" 2>&1; then
  cat "$work/log" >&2
  echo "Fetching the prometheus package failed (see above)" >&2
  exit 1
fi
mkdir -p "$TOOLS"
dpkg-deb -x "$work"/prometheus_*.deb "$work/unpacked"
mkdir -p "$TOOLS/usr/bin"
cp "$work/unpacked/usr/bin/promtool" "$TOOLS/usr/bin/promtool"
echo "promtool unpacked: $TOOLS/usr/bin/promtool ($("$TOOLS/usr/bin/promtool" --version 2>&1 | head -1))"
