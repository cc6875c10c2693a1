#!/usr/bin/env bash
# test_add_noqa.sh — `--add-noqa` round trips: every finding gets a `# noqa: CODE` on its line (merged into an
# existing directive, after other comments), line endings and the file mode are kept, a second run changes
# nothing, the result analyses clean, project-wide findings (ASC108) are covered too, and a file that cannot be
# written is reported and left as it was.
# Usage: test_add_noqa.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
source "$(dirname "$0")/lib.sh"
cd "$tmp"
mkdir -p p
printf 'import asyncio\r\nimport time\r\n\r\n\r\ndef nap():\r\n    time.sleep(1)\r\n\r\n\r\nasync def f(p):\r\n    time.sleep(1)  # type: ignore\r\n    open(p)  # noqa: F401\r\n    s = "a # b"; time.sleep(2)\r\n    asyncio.create_task(f(p))\r\n    nap()\r\n    time.sleep(\r\n        3)\r\n    return s\r\n' >p/m.py
chmod 640 p/m.py
"$bin" --no-cache --add-noqa p >"$tmp/out" 2>"$tmp/err"
check test $? -eq 0
check grep -q "Added 6 noqa directives." "$tmp/err"
check test ! -s "$tmp/out"
want=$(printf 'import asyncio\r\nimport time\r\n\r\n\r\ndef nap():\r\n    time.sleep(1)\r\n\r\n\r\nasync def f(p):\r\n    time.sleep(1)  # type: ignore  # noqa: ASYNC251\r\n    open(p)  # noqa: F401, ASYNC230\r\n    s = "a # b"; time.sleep(2)  # noqa: ASYNC251\r\n    asyncio.create_task(f(p))  # noqa: RUF006\r\n    nap()  # noqa: ASC108\r\n    time.sleep(  # noqa: ASYNC251\r\n        3)\r\n    return s\r\n' | od -c)
check test "$(od -c <p/m.py)" = "$want"
check test "$(stat -c %a p/m.py)" = 640
cp p/m.py "$tmp/once.py"
"$bin" --no-cache --add-noqa p 2>"$tmp/err"
check grep -q "Added 0 noqa directives." "$tmp/err"
check cmp -s p/m.py "$tmp/once.py"
"$bin" --no-cache p >/dev/null 2>&1
check test $? -eq 0
ls p | grep -q asyncscan- && ko "a temporary file was left behind" || ok
# a directory that cannot be written: an error naming the file, the file unchanged
if [ "$(id -u)" != 0 ]; then
  mkdir -p ro && printf 'import time\n\n\nasync def f():\n    time.sleep(1)\n' >ro/m.py && cp ro/m.py "$tmp/ro.orig" && chmod 555 ro
  "$bin" --no-cache --add-noqa ro >/dev/null 2>"$tmp/err"
  check test $? -eq 2
  check grep -q "ro/m.py: cannot create a temporary file" "$tmp/err"
  check cmp -s ro/m.py "$tmp/ro.orig"
  chmod 755 ro
fi
# standard input cannot be rewritten
printf 'x = 1\n' | "$bin" --add-noqa --stdin-filename m.py - >/dev/null 2>"$tmp/err"
check test $? -eq 2
check grep -q "cannot be used with standard input" "$tmp/err"
finish
