#!/usr/bin/env bash
# Side by side (issue 7): generates a year of labs (1,000 sessions x 100 ideas, deleted and flagship ideas mixed
# in, rosters with agencies), checks that `innolab tally`, a jq program and a Python script agree on the counts,
# races them on the same files (rounds alternated, medians and ratios), then measures the whole-process and TUI
# targets: tally on one file, first frame, idle CPU with a running timer, resident memory with 10,000 ideas.
#
#   bench/compare.sh                 everything (about 3 minutes, most of it jq)
#   bench/compare.sh race            only the data set, the agreement check and the race
#   bench/compare.sh race10k         the race over 10,000 sessions x 100 ideas (issue 14; without jq: minutes)
#   bench/compare.sh tui             only one-file tally, first frame, idle CPU and memory
# Environment: ROUNDS (race rounds, default 5), DATA (data folder, default target/bench-data),
# INNOLAB_BIN (a different innolab binary to measure; default the release build made here), PYTHON (the
# interpreter; default the real one behind `python3`, not a version manager's shim, which adds its own time).
# Needs: cargo, python3 (standard library only), jq. Numbers are only comparable on an otherwise idle machine:
# the load average is printed before and after. `taskset -c 0 bench/compare.sh race` gives one-core figures.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
ROUNDS=${ROUNDS:-5}
DATA=${DATA:-target/bench-data}
export LANG=C INNOLAB_NOW=${INNOLAB_NOW:-2022-11-03T13:42:10+07:00}
PYTHON=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}

echo "== build (release)"
cargo build --release --locked --bin innolab --example parse_only 2>&1 | tail -1
BIN=$(realpath "${INNOLAB_BIN:-target/release/innolab}")
PARSE=$(realpath target/release/examples/parse_only)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(rustc --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

labs=$DATA/labs
big=$DATA/big
if [ ! -f "$DATA/.complete" ]; then
    echo "== generating $labs (1,000 sessions x 100 ideas) and $big (one session of 10,000 ideas)"
    rm -rf "$DATA" && mkdir -p "$DATA"
    "$BIN" plan default --start-date 2019-01-07 > "$DATA/plan.json"
    "$PYTHON" bench/gen_sessions.py --plan "$DATA/plan.json" --out "$labs" --sessions 1000 --ideas 100 --seed 1
    "$PYTHON" bench/gen_sessions.py --plan "$DATA/plan.json" --out "$big" --sessions 1 --ideas 10000 --seed 2
    touch "$DATA/.complete"
fi
if [ "$what" = race10k ] && [ ! -f "$DATA/.complete10k" ]; then
    echo "== generating $DATA/labs10k (10,000 sessions x 100 ideas, about 550 MB)"
    rm -rf "$DATA/labs10k"
    "$PYTHON" bench/gen_sessions.py --plan "$DATA/plan.json" --out "$DATA/labs10k" --sessions 10000 --ideas 100 --seed 1
    touch "$DATA/.complete10k"
fi
mapfile -t files < <(ls "$labs"/*.json | sort)
first=${files[0]}
last=${files[${#files[@]}-1]}
one_big=$(ls "$big"/*.json)
echo "== validating a few of them with innolab itself"
"$BIN" validate "$first" "$last" "$one_big"

if [ "$what" = all ] || [ "$what" = race ]; then
    out=$DATA/out && mkdir -p "$out"
    echo "== do innolab, jq and Python agree on the counts (live ideas, flagship, digital, per table, agency, stage)?"
    "$BIN" tally --format json "$labs" > "$out/innolab.tally.json"
    "$PYTHON" bench/run.py canon "$out/innolab.tally.json" "$labs" > "$out/innolab.counts.json"
    "$PYTHON" bench/tally_equiv.py "$labs" > "$out/python.counts.json"
    jq -s -S -c -f bench/tally.jq "${files[@]}" > "$out/jq.counts.json"
    "$PYTHON" bench/run.py same "$out/innolab.counts.json" "$out/python.counts.json" "$out/jq.counts.json"
    "$PYTHON" -c 'import json,sys; c=json.load(open(sys.argv[1])); print("agreed:", c["ideas"], "live ideas,",
        c["flagship"], "flagship,", c["digital"], "digital,", len(c["by_group"]), "tables,", len(c["by_agency"]),
        "agencies (incl. none)")' "$out/innolab.counts.json"
    echo "== race over ${#files[@]} files, $ROUNDS rounds alternated (wall time of each whole process)"
    "$PYTHON" bench/run.py tally-race "$ROUNDS" "$BIN" "$PARSE" "$labs"
fi

if [ "$what" = race10k ]; then
    echo "== race over 10,000 files, $ROUNDS rounds alternated (jq left out: it takes minutes)"
    "$PYTHON" bench/run.py tally-race "$ROUNDS" "$BIN" "$PARSE" "$DATA/labs10k" nojq
fi

if [ "$what" = all ] || [ "$what" = tui ]; then
    echo "== innolab tally on one session file, whole process (target <= 10 ms)"
    "$PYTHON" bench/run.py race 30 "tally --format json (100 ideas)" "$BIN tally --format json $first" \
        "tally, text (100 ideas)" "$BIN tally $first" \
        "tally --format json (10,000)" "$BIN tally --format json $one_big"
    echo "== first frame of the TUI, spawn to the end of its first screen, 200x60 pty (target <= 100 ms)"
    echo -n "100 ideas:    " && "$PYTHON" bench/run.py first-frame 10 "$BIN" "$first"
    echo -n "10,000 ideas: " && "$PYTHON" bench/run.py first-frame 10 "$BIN" "$one_big"
    echo "== TUI idle CPU with the timer running, 30 s, 10,000 ideas (target <= 1% of a core)"
    "$PYTHON" bench/run.py idle 30 "$BIN" "$one_big"
    echo "== resident memory with 10,000 ideas (target <= 30 MiB)"
    "$PYTHON" bench/run.py rss "$BIN" "$one_big"
    echo "== capturing ideas through the pty: Enter -> frame, UI and writer CPU per idea (issue 14)"
    echo -n "100 ideas:    " && "$PYTHON" bench/run.py capture 30 "$BIN" "$first"
    echo -n "10,000 ideas: " && "$PYTHON" bench/run.py capture 30 "$BIN" "$one_big"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
