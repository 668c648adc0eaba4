#!/usr/bin/env python3
"""What an organiser's analyst would write instead of `innolab tally`: the same counts (live ideas, flagship,
digital, per table, per agency, per stage) over session files, with the json module and collections.Counter.
An idea's agency follows innolab's rule: its own, else the first of its authors found on the roster (at the
idea's table first, then anywhere) who has one; agencies compare without regard to case.

usage: tally_equiv.py DIR    (every *.json in DIR, by name; prints the counts as JSON)"""

import json
import os
import sys
from collections import Counter


def main():
    folder = sys.argv[1]
    names = sorted(n for n in os.listdir(folder)
                   if n.endswith(".json") and not n.startswith(".") and not n.endswith(".tally.json")
                   and ".emergency-" not in n)
    ideas = flagship = digital = 0
    by_stage, by_group, by_agency = Counter(), Counter(), Counter()
    for s_index, name in enumerate(names):
        with open(os.path.join(folder, name), "rb") as f:
            session = json.load(f)
        group_index = {}
        at_table, anywhere = {}, {}
        for g, group in enumerate(session["groups"]):
            group_index.setdefault(group["id"], g)
            for member in group.get("members", []):
                key = member["name"].strip().lower()
                at_table.setdefault((g, key), member)
                anywhere.setdefault(key, member)
        for idea in session["ideas"]:
            if idea.get("deleted"):
                continue
            ideas += 1
            flag = bool(idea.get("flagship"))
            flagship += flag
            digital += bool(idea.get("digital"))
            by_stage[idea["stage"]] += 1
            by_group[f"{s_index}|{idea['group']}"] += 1
            g = group_index.get(idea["group"])
            agency = (idea.get("agency") or "").strip()
            if not agency:
                for author in (idea.get("author") or "").split(";"):
                    key = author.strip().lower()
                    if not key:
                        continue
                    member = at_table.get((g, key)) if g is not None else None
                    member = member or anywhere.get(key)
                    if member and (member.get("agency") or "").strip():
                        agency = member["agency"].strip()
                        break
            by_agency[agency.lower()] += 1
    json.dump({"ideas": ideas, "flagship": flagship, "digital": digital, "by_stage": by_stage,
               "by_group": by_group, "by_agency": by_agency}, sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
