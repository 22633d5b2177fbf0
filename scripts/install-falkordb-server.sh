#!/usr/bin/env bash
# Installs a Redis-compatible server that can load the FalkorDB module (>= 7.2).
# The module itself (falkordb.so) comes from the npm package @falkordblite/linux-x64.
# Its bundled redis-server needs glibc >= 2.38; on Debian 12 (glibc 2.36) we use
# valkey-server 8 from bookworm-backports instead (Debian 12's redis-server 7.0 refuses the module).
set -euo pipefail

have_usable_server() {
  local bin ver major minor
  for bin in valkey-server redis-server; do
    command -v "$bin" >/dev/null 2>&1 || continue
    ver=$("$bin" --version 2>/dev/null | sed -n 's/.* v=\([0-9]*\.[0-9]*\).*/\1/p')
    major=${ver%%.*}; minor=${ver#*.}
    if [ -n "$major" ] && { [ "$major" -gt 7 ] || { [ "$major" -eq 7 ] && [ "$minor" -ge 2 ]; }; }; then
      echo "FalkorDB host server found: $(command -v "$bin") ($ver)"
      return 0
    fi
  done
  return 1
}

have_usable_server && exit 0
installed_now=1

if ! command -v apt-get >/dev/null 2>&1; then
  echo "No valkey-server/redis-server >= 7.2 on PATH and no apt-get to install one." >&2
  echo "Install valkey-server (>= 7.2) or redis-server (>= 7.2), or set FALKORDB_URL to an external FalkorDB" >&2
  echo "(e.g. docker run -p 6379:6379 falkordb/falkordb)." >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ "$codename" = "bookworm" ]; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "Adding Debian bookworm-backports to apt sources"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null
else
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valkey-server >/dev/null \
    || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

# The package's own service (started by its install) would hold port 6379; we start our own
# servers on demand. Stop exactly that service, through its own init script or unit and pid file:
# never by process name, which would also kill every other valkey on a shared host.
stop_package_service() {
  local name=$1 pidfile=$2 pid
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now "$name" >/dev/null 2>&1 || true
    return
  fi
  if [ -x "/etc/init.d/$name" ]; then $SUDO "/etc/init.d/$name" stop >/dev/null 2>&1 || true; fi
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  # Only the package's server: the process its pid file names, if it is that server.
  if [ -n "$pid" ] && grep -qs "$name" "/proc/$pid/cmdline" 2>/dev/null; then $SUDO kill "$pid" 2>/dev/null || true; fi
}
if [ "$installed_now" = 1 ]; then
  stop_package_service valkey-server /run/valkey/valkey-server.pid
  stop_package_service redis-server /run/redis/redis-server.pid
fi

have_usable_server || { echo "Installed server is older than 7.2; FalkorDB cannot load." >&2; exit 1; }
