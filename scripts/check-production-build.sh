#!/usr/bin/env bash
# The Dockerfile's steps without Docker, in a scratch copy of the checkout, so the recipe cannot rot:
# build (server to dist/, console to client/dist), prune dev dependencies, start the JavaScript
# build as production starts it, and wait for readiness; then check the console and the API
# description answer and that no TypeScript runner is left. Run by .ci/run after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/st-prod-build.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== copy the checkout (tracked and new files, as the Docker context takes them)"
git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules$' | (cd "$root" && xargs -0 cp --parents -t "$work" 2>/dev/null || true)
cp package.json package-lock.json "$work/"
# The installed dependencies (what `npm ci` in the Dockerfile's build stage makes), copied whole:
# never hard-linked, because npm rewrites files such as node_modules/.package-lock.json in place
# and pruning a linked copy would rewrite the original's.
cp -a "$(readlink -f node_modules)" "$work/node_modules"

cd "$work"
echo "== build"
npm run --silent build
test -f dist/server/main.js
test -f client/dist/index.html

echo "== prune dev dependencies"
npm prune --omit=dev --no-audit --no-fund --silent
if [ -d node_modules/tsx ] || [ -d node_modules/typescript ] || [ -d node_modules/vite ]; then
  echo "dev dependencies are still installed after pruning" >&2
  exit 1
fi

echo "== start from the build"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
mkdir -p data
NODE_ENV=production PORT="$port" PUBLIC_BASE_URL=https://servicetorg.invalid DATABASE_URL="sqlite:$work/data/check.sqlite" DEMO_DATA=off LOG_LEVEL=warn \
  node dist/server/main.js >"$work/server.log" 2>&1 &
pid=$!

ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "the build did not become ready; its output:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
curl -fsS "http://127.0.0.1:$port/health/ready"; echo
# The console is served (not the 503 of an unbuilt one), and so is the API description.
curl -fsS -o /dev/null "http://127.0.0.1:$port/"
curl -fsS "http://127.0.0.1:$port/api/openapi.json" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{if(JSON.parse(s).openapi!=='3.1.0')process.exit(1)})"

echo "== production build checked in $(($(date +%s) - started)) s"
