#!/usr/bin/env bash
# Installs Debian's chromium for the settings page's browser test (test/settings-page.e2e-spec.ts
# drives it with playwright-core, which downloads no browser of its own). Idempotent and quiet:
# does nothing when a browser is already there (CHROMIUM_PATH, or chromium on PATH).
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then
  echo "Browser found: ${CHROMIUM_PATH}"
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then
  echo "Browser found: $(command -v chromium)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "No chromium on PATH and no apt-get to install one: install Chromium and set CHROMIUM_PATH to it" >&2
  echo "(only the settings page's browser test needs it)." >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

echo "Installing Debian's chromium (for the settings page's browser test)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Without recommends (printing, notification and power daemons); fonts so screenshots have text.
# Quiet unless it fails.
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium fonts-liberation fonts-dejavu-core; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "Installing chromium failed (see above)" >&2
  exit 1
fi

command -v chromium >/dev/null 2>&1 || { echo "chromium did not install" >&2; exit 1; }
echo "Browser installed: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
