#!/usr/bin/env bash
# Installs what is missing, builds the app and serves it on 127.0.0.1 (see scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx vite build --logLevel warn
exec npx tsx scripts/start.ts "$@"
