#!/usr/bin/env bash
# Where the time goes: CPU profiles (node --cpu-prof) of every node process of a rules-mode run of
# N generated indicators on embedded defaults (runner + service endpoint, database daemon), then
# their self time by category (analyze.py). Usage: bench/profile/run.sh [N] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-10000}
out=${2:-$(mktemp -d /tmp/classify-profile.XXXX)}
data=$(mktemp -d /tmp/classify-profile-data.XXXX)
mkdir -p "$out"
node dist/cli/main.js catalog generate --count "$count" --seed 7 --out "$data/catalog.ndjson"
# Node refuses --cpu-prof in NODE_OPTIONS, so each node process is started with it by hand: the
# database daemon first (the run finds it serving the data dir), then the run (runner + endpoint).
node --cpu-prof --cpu-prof-dir="$out" --cpu-prof-name=database.cpuprofile dist/db/daemon-main.js "$data" >"$out/daemon.log" 2>&1 &
until CLASSIFY_DATA_DIR=$data node dist/cli/main.js db status >/dev/null 2>&1; do sleep 0.5; done
CLASSIFY_DATA_DIR=$data node --cpu-prof --cpu-prof-dir="$out" --cpu-prof-name=run.cpuprofile \
  dist/cli/main.js run --catalog "$data/catalog.ndjson" --mode rules --report "$out/report.json"
CLASSIFY_DATA_DIR=$data node dist/cli/main.js engine stop >/dev/null 2>&1 || true
CLASSIFY_DATA_DIR=$data node dist/cli/main.js db stop >/dev/null 2>&1 || true
sleep 2
python3 bench/profile/analyze.py "$out"
rm -rf "$data"
echo "profiles: $out"
