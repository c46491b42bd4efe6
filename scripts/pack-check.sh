#!/usr/bin/env bash
# Installs mockgraph as a user would, from `npm pack`'s tarball into an empty project (without the optional SQLite
# dependency, as on a machine with no compiler), and runs the installed CLI: serve, token, contract (JUnit), lint-docs,
# and --data refused with one line naming the fix.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
cd "$work"
npm init -y > /dev/null
npm install --no-audit --no-fund --omit=optional -D "$work/$tarball" > install.log 2>&1 || { cat install.log; exit 1; }
test -x node_modules/.bin/mockgraph
npx mockgraph --version
npx mockgraph token --scp SecurityEvents.Read.All > token.txt
test -s token.txt
port=4719
npx mockgraph serve --port "$port" --quiet > serve.log 2>&1 &
server=$!
for _ in $(seq 1 50); do
  node -e "fetch('http://127.0.0.1:$port/_mockgraph/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && break
  sleep 0.2
done
npx mockgraph contract --base-url "http://127.0.0.1:$port/beta" --reporter junit --out contract.xml
grep -q 'failures="0" errors="0"' contract.xml
npx mockgraph lint-docs node_modules/mockgraph/contract-tests/docs/add-ipsecurityprofiles.md > lint.txt
kill "$server"; wait "$server" 2>/dev/null || true
set +e
npx mockgraph serve --port 0 --data ./sandbox.db > data.log 2>&1
status=$?
set -e
test "$status" -eq 2
grep -q 'better-sqlite3' data.log
echo "pack check: installed from $tarball; serve, token, contract (JUnit, 0 failures), lint-docs and the --data refusal work"
