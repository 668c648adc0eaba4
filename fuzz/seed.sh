#!/usr/bin/env sh
# Seeds each target's corpus (fuzz/corpus/<target>, not in git) from the test fixtures. Run from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../tests/fixtures"

# seed TARGET FILE...: copies each file in, named after its folder and name so cases never collide.
seed() {
    target=$1
    shift
    mkdir -p "$here/corpus/$target"
    for f in "$@"; do
        cp "$f" "$here/corpus/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
}

seed session_loader "$fixtures/valid.json" "$fixtures"/bad/*.json
seed plan_loader "$fixtures"/bad_plans/*.json
python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["plan"], indent=2))' \
    "$fixtures/valid.json" > "$here/corpus/plan_loader/valid-plan.json"
seed ideas_csv "$fixtures"/bad_ideas/*.csv
printf 'table,title,agency,author,form,digital,detail\n1,Posyandu keliling,Dinas Kesehatan,Rina,public_service,ya,"dua\nbaris"\nMeja Dinas Kesehatan,SIP online,,,,tidak,\n' \
    > "$here/corpus/ideas_csv/good.csv"
printf 'meja;judul;opd\nmeja-4;Bank sampah;DLH\n' > "$here/corpus/ideas_csv/good-semicolon.csv"
seed roster_csv "$fixtures"/bad_rosters/*.csv
printf 'table,name,agency,role,present\nMeja 1,Budi Santoso,DPMPTSP,head,ya\n2,Rina,Dinas Kesehatan,sekretaris,\nMeja Tamu,Dedi,Diskominfo,kepala,tidak\n' \
    > "$here/corpus/roster_csv/good.csv"
# The TUI target: a valid session, then 0xFF, then events (key bytes, 250 = resize, 251 = tick).
mkdir -p "$here/corpus/tui_loaded"
for f in "$fixtures/valid.json" "$fixtures"/bad/id-overflow.json "$fixtures"/bad/timer-huge.json; do
    { cat "$f"; printf '\377\000\001\030\012\031\372\100\373\005\003\044\045\046'; } \
        > "$here/corpus/tui_loaded/$(basename "$f")"
done
for t in session_loader plan_loader ideas_csv roster_csv tui_loaded; do
    echo "$t: $(ls "$here/corpus/$t" | wc -l) files"
done
