#!/usr/bin/env bash
# Installs what the app and its tests need on a fresh Debian machine: the npm packages from the lockfile
# and Debian's Chromium (Playwright cannot download browsers here). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium for the browser tests; Apache httpd with mod_dav, the second real WebDAV server
# the tests upload to, and nginx, which runs the deployment recipe in deploy/ and, with dav-ext, serves
# WebDAV itself (all started by the tests themselves on 127.0.0.1, never as system services).
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
# nginx's WebDAV PROPFIND module: the third real server of the tests (it hides dot names from listings).
[ -f /usr/lib/nginx/modules/ngx_http_dav_ext_module.so ] || need_apt+=(libnginx-mod-http-dav-ext)
# rclone, what a lab would use instead of the app: the benchmark runs it beside the app, same path.
[ -x /usr/bin/rclone ] || need_apt+=(rclone)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need_apt[*]}. Run: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  echo "setup: apt-get install ${need_apt[*]}"
  # Keep apt from starting Apache's default site on *:80: servers here bind to 127.0.0.1 only.
  policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  [ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d
  if pgrep -x apache2 >/dev/null; then apache2ctl stop 2>/dev/null || true; fi
  if pgrep -x nginx >/dev/null; then nginx -s stop 2>/dev/null || true; fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
