# What an organiser's analyst would write with jq instead of `innolab tally`, run as `jq -s -S -c -f tally.jq
# FILES...` (files in name order): live ideas, flagship, digital, per table ("N|table", N the file's position),
# per agency (lower case; "" for none) and per stage. An idea's agency follows innolab's rule: its own, else the
# first of its authors found on the roster (at the idea's table first, then anywhere) who has one.
# Counting is done with group_by: jq 1.6 copies an object on every `.[$k] += 1`, which on thousands of keys
# is 10x slower, and an analyst who cares about speed would find that out too.
def ws: . == " " or . == "\t" or . == "\n" or . == "\r";
def trim_ws: if type != "string" then "" elif (.[0:1] | ws) or (.[-1:] | ws)
  then sub("^\\s+"; "") | sub("\\s+$"; "") else . end;
def first_wins(pairs): reduce pairs as $e ({}; if has($e[0]) then . else .[$e[0]] = $e[1] end);
def counts(f): group_by(f) | map({key: (.[0] | f), value: length}) | from_entries;

[ range(0; length) as $i | .[$i] as $s
  | first_wins($s.groups | to_entries[] | [.value.id, .key]) as $gidx
  | first_wins($s.groups | to_entries[] | .key as $g | .value.members[]?
      | ["\($g)|\(.name | trim_ws | ascii_downcase)", .]) as $at
  | first_wins($s.groups[].members[]? | [(.name | trim_ws | ascii_downcase), .]) as $any
  | $s.ideas[] | select(.deleted != true)
  | $gidx[.group] as $g
  | {
      group: "\($i)|\(.group)", stage, flagship: (.flagship == true), digital: (.digital == true),
      agency: ((.agency | trim_ws) as $own
        | if $own != "" then $own
          else (first((.author // "") | split(";")[] | trim_ws | select(. != "") | ascii_downcase
                 | (if $g == null then null else $at["\($g)|\(.)"] end) // $any[.]
                 | select(. != null) | (.agency | trim_ws) | select(. != "")) // "")
          end
        | ascii_downcase)
    }
]
| {
    ideas: length,
    flagship: map(select(.flagship)) | length,
    digital: map(select(.digital)) | length,
    by_stage: counts(.stage),
    by_group: counts(.group),
    by_agency: counts(.agency)
  }
