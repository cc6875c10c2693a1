#!/usr/bin/env bash
# test_selected_fixtures.sh — the annotated fixtures under fixtures/selected/<CODE>/, each run with only CODE
# selected: every `# expect: CODE[@COL]` annotation must be reported (at that column) and nothing else. For rules
# that would flag most other fixtures if run with them (see fixtures/README.md).
set -u
bin=$1
root=$2
. "$root/tests/cli/lib.sh"

for dir in "$root"/fixtures/selected/*/; do
  code=$(basename "$dir")
  for f in "$dir"*.py; do
    # expected "line:col code" (col 0 = any), one per annotation
    want=$(awk -v code="$code" '{
        i = index($0, "# expect:"); if (!i) next
        n = split(substr($0, i + 9), parts, ",")
        for (k = 1; k <= n; k++) { gsub(/^ +| +$/, "", parts[k]); split(parts[k], cc, "@")
          if (cc[1] == code) print NR ":" (cc[2] == "" ? 0 : cc[2]) }
      }' "$f" | sort)
    got=$("$bin" --isolated --no-cache --select "$code" --output-format concise -q "$f" 2>&1 |
      awk -F: -v code="$code" '$4 ~ " " code " " { print $2 ":" $3 }' | sort)
    # annotations without a column match any column
    while read -r w; do
      [ -z "$w" ] && continue
      line=${w%%:*} col=${w#*:}
      if [ "$col" = 0 ]; then hit=$(grep -m1 "^$line:" <<<"$got"); else hit=$(grep -m1 -x "$w" <<<"$got"); fi
      if [ -n "$hit" ]; then
        ok
        got=$(awk -v h="$hit" '$0 == h && !done { done = 1; next } { print }' <<<"$got")   # each finding once
      else ko "$f:$line: missing $code"; fi
    done <<<"$want"
    for extra in $got; do ko "$f:${extra%%:*}: unexpected $code"; done
  done
done
finish
