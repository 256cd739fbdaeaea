#!/usr/bin/env bash
# Every test: types, unit and conformance tests in Node, the browser conformance run, the end-to-end
# flows in Chromium against the built app, and the quick benchmark (so it cannot rot). Ends with one
# line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
mkdir -p .tmp
status=0

step() {
  echo "== $*"
  "$@" || status=1
}

step npx tsc -b
step npx prettier --check --log-level warn "src/**/*.{ts,tsx}" "test/**/*.ts" "e2e/**/*.ts" "scripts/**/*.ts" "*.ts"
step npx vite build --mode e2e --logLevel warn
step npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json
step npx playwright test
step npx tsx scripts/bench.ts --quick

npx tsx scripts/summary.ts .tmp/vitest.json .tmp/playwright.json || status=1
exit $status
