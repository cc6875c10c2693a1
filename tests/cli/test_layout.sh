#!/usr/bin/env bash
# test_layout.sh — src/ keeps its layout (scripts/check-layout): no file includes a header from a stage folder
# above its own, every folder is a known stage with a README.md, no function is over 200 lines. The checker
# is also run on a copy of src/ with one violation of each kind, each of which it must report.
# Usage: test_layout.sh ASYNCSCAN REPO_ROOT
set -u
root=$2
source "$(dirname "$0")/lib.sh"
checker="$root/scripts/check-layout"

out=$("$checker" "$root/src" 2>&1)
check [ $? -eq 0 ]
[ -z "$out" ] || ko "src/ breaks its layout:"$'\n'"$out"

# A copy of src/ with deliberate violations: each must be reported, and the exit status must say so.
cp -r "$root/src" "$tmp/src"
echo '#include "cli/run.h"' >>"$tmp/src/util/buf.c"                 # util/ including cli/ (upward)
echo '#include "report/report.h"' >>"$tmp/src/analysis/facts.h"     # analysis/ including report/ (upward)
echo '#include "arena.h"' >>"$tmp/src/util/buf.h"                    # not spelled from src/
{ echo 'int too_long(void)'; echo '{'; for _ in $(seq 200); do echo '    (void)0;'; done; echo '}'; } >>"$tmp/src/util/buf.c"
mkdir "$tmp/src/misc"; echo 'int misc;' >"$tmp/src/misc/misc.c"   # an unknown folder, without a README.md
out=$("$checker" "$tmp/src" 2>&1)
check [ $? -eq 1 ]
for want in 'src/util/buf.c:[0-9]*: includes "cli/run.h", from a layer above' \
            'src/analysis/facts.h:[0-9]*: includes "report/report.h", from a layer above' \
            'src/util/buf.h:[0-9]*: "arena.h": spell includes from src/' \
            'src/util/buf.c:[0-9]*: too_long is 203 lines long' \
            'src/misc/: not a layer' 'src/misc/: no README.md'; do
  if grep -q "$want" <<<"$out"; then ok; else ko "not reported: $want"$'\n'"$out"; fi
done
# A downward include and a function of exactly 200 lines are fine.
cp -r "$root/src" "$tmp/ok"
echo '#include "util/arena.h"' >>"$tmp/ok/cli/run.c"
{ echo 'int long_enough(void)'; echo '{'; for _ in $(seq 197); do echo '    (void)0;'; done; echo '}'; } >>"$tmp/ok/util/buf.c"
out=$("$checker" "$tmp/ok" 2>&1)
check [ $? -eq 0 ]
[ -z "$out" ] || ko "reported a downward include or a 200-line function:"$'\n'"$out"
finish
