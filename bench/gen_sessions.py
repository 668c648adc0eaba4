#!/usr/bin/env python3
"""Writes synthetic session files for bench/compare.sh: a year (or several) of labs, each on the built-in plan
moved to its own dates, with a roster of members and agencies, and ideas of every kind: deleted and flagship
ones, agencies typed in another case or with stray spaces, authors from the table, from another table, two
authors at once, unknown authors and none. Deterministic for a given --seed.

usage: gen_sessions.py --plan PLAN.json --out DIR [--sessions 1000] [--ideas 100] [--seed 1]
PLAN.json is what `innolab plan default` prints."""

import argparse
import datetime as dt
import json
import os
import random

AGENCIES = [
    "Dinas Kesehatan", "DPMPTSP", "Sekretariat Daerah", "Dinas PUPR", "Dinas Lingkungan Hidup", "Disdukcapil",
    "Dinas Sosial", "Dinas Pendidikan", "Bappedalitbang", "Dinas Perhubungan", "Dinas Kominfo", "BPKAD",
    "Dinas Pertanian", "Satpol PP", "BPBD", "Dinas Pariwisata", "Dinas Koperasi dan UKM", "Inspektorat", "RSUD",
    "Kecamatan Cibeber", "Kecamatan Grogol", "Kecamatan Jombang", "Dinas Perdagangan", "Dinas Ketahanan Pangan",
    "BKPSDM", "Dinas Perikanan", "Dinas Tenaga Kerja", "Dinas Pemuda dan Olahraga", "DP3AKB", "Bapenda",
]
FIRST = ["Budi", "Rina", "Sari", "Agus", "Dewi", "Hendra", "Wati", "Eko", "Ani", "Joko", "Lina", "Yudi", "Tri",
         "Nur", "Iwan", "Siti", "Bambang", "Ratna", "Dedi", "Maya"]
LAST = ["Santoso", "Wijaya", "Lestari", "Saputra", "Hidayat", "Kusuma", "Pratama", "Rahayu", "Nugroho", "Sitompul"]
WORDS = ["antrean", "online", "puskesmas", "posyandu", "keliling", "izin", "usaha", "mikro", "cukup", "dengan",
         "NIK", "lapor", "jalan", "rusak", "foto", "bank", "sampah", "sekolah", "ramah", "disabilitas", "satu",
         "data", "kependudukan", "layanan", "terpadu", "digital", "aplikasi", "warga", "kelurahan", "pasar", "UMKM",
         "pajak", "air", "bersih", "stunting", "gizi", "ambulans", "desa", "perpustakaan", "keliling"]
STAGES = ["drum_up", "diagnose", "design", "deliver", "display", "none"]
FORMS = ["governance", "public_service", "other_affairs"]


def stamp(day, minutes, offset):
    when = dt.datetime.combine(day, dt.time(0, 0)) + dt.timedelta(minutes=minutes)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + offset


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def session(plan_template, index, ideas, rng):
    plan = json.loads(json.dumps(plan_template))
    first = dt.date(2019, 1, 7) + dt.timedelta(days=3 * index)
    base = dt.date.fromisoformat(plan["days"][0]["date"])
    for day in plan["days"]:
        day["date"] = (dt.date.fromisoformat(day["date"]) - base + first).isoformat()
    plan["title"] = f"Laboratorium Inovasi {index + 1:04d}"
    plan["target_ideas"] = 50 + 10 * (index % 6)
    offset = plan["utc_offset"]
    capture = [(d, b) for d in plan["days"] for b in d["blocks"] if b["captures_ideas"]]
    all_blocks = [(d, b) for d in plan["days"] for b in d["blocks"]]

    tables = 6 + index % 3
    groups = []
    for t in range(1, tables + 1):
        members = []
        for m in range(rng.randint(3, 6)):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            agency = rng.choice(AGENCIES) if rng.random() < 0.9 else None
            member = {"name": name, "role": rng.choice(["head", "representative", "staff"]),
                      "present": rng.random() < 0.9}
            if agency:
                member["agency"] = agency
            members.append(member)
        groups.append({"id": f"meja-{t}", "name": f"Meja {t}", "members": members})

    out_ideas = []
    for i in range(1, ideas + 1):
        g = rng.randrange(tables)
        group = groups[g]
        day, block = rng.choice(capture)
        start = minutes(block["start"]) + rng.randrange(max(1, minutes(block["end"]) - minutes(block["start"])))
        created = stamp(dt.date.fromisoformat(day["date"]), start, offset)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 10)))
        idea = {"id": i, "group": group["id"]}
        r = rng.random()
        if r < 0.22:
            idea["agency"] = rng.choice(AGENCIES)
        elif r < 0.26:
            idea["agency"] = rng.choice(AGENCIES).upper()
        elif r < 0.28:
            idea["agency"] = "  " + rng.choice(AGENCIES).lower() + " "
        r = rng.random()
        pick = lambda grp: rng.choice(grp["members"])["name"]  # noqa: E731
        if r < 0.55:
            idea["author"] = pick(group)
        elif r < 0.62:
            idea["author"] = pick(groups[rng.randrange(tables)])
        elif r < 0.67:
            idea["author"] = f"{pick(group)}; {pick(group)}"
        elif r < 0.70:
            idea["author"] = pick(group).upper()
        elif r < 0.75:
            idea["author"] = f"{rng.choice(FIRST)} Tamu"
        idea["title"] = title[0].upper() + title[1:]
        if rng.random() < 0.1:
            idea["detail"] = "Uraian singkat: siapa, apa, bagaimana.\nLangkah pertama minggu depan."
        idea["stage"] = block["stage"] if rng.random() < 0.95 else rng.choice(STAGES)
        idea["block"] = block["id"]
        if rng.random() < 0.6:
            idea["form"] = rng.choice(FORMS)
        idea["digital"] = rng.random() < 0.4
        idea["flagship"] = rng.random() < 0.04
        idea["created_at"] = created
        idea["updated_at"] = created
        idea["deleted"] = rng.random() < 0.08
        out_ideas.append(idea)

    day, block = rng.choice(all_blocks)
    duration = 60 * (minutes(block["end"]) - minutes(block["start"]))
    last = max((i["updated_at"] for i in out_ideas), default=stamp(first, 7 * 60, offset))
    return {
        "schema_version": 1,
        "created_at": stamp(first, 7 * 60, offset),
        "updated_at": last,
        "plan": plan,
        "groups": groups,
        "ideas": out_ideas,
        "progress": {"block": block["id"], "timer": {"block": block["id"], "duration_secs": duration,
                                                      "running": False, "remaining_secs": duration}},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--ideas", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with open(args.plan, encoding="utf-8") as f:
        template = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    for index in range(args.sessions):
        s = session(template, index, args.ideas, rng)
        name = f"{s['plan']['days'][0]['date']}-lab-{index + 1:04d}.json"
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            json.dump(s, f, ensure_ascii=False, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
