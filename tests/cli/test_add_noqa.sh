#!/usr/bin/env bash
# test_add_noqa.sh — `--add-noqa` round trips: every finding gets a `# noqa: CODE` on its line (merged into an
# existing directive, after other comments), line endings and the file mode are kept, a second run changes
# nothing, the result analyses clean, project-wide findings (ASC108) are covered too, and a file that cannot be
# written is reported and left as it was. Files are written in place (links, owner, mode kept); lines that
# cannot take a comment are reported one by one.
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
# written in place (ruff's way): a symlink stays a link, hard links stay one file, owner and mode are kept,
# and no temporary file is made (so a killed run leaves none behind)
mkdir -p q && printf 'import time\n\n\nasync def f():\n    time.sleep(1)\n' >q/real.py
ln -s real.py q/link.py && ln q/real.py "$tmp/hard.py" && chmod 604 q/real.py
ino=$(stat -c %i q/real.py)
if [ "$(id -u)" = 0 ]; then chown 12345:12345 q/real.py; fi
owner=$(stat -c %u:%g q/real.py)
"$bin" --no-cache --add-noqa q/link.py >/dev/null 2>"$tmp/err"
check test $? -eq 0
check grep -q "Added 1 noqa directive." "$tmp/err"
check test -L q/link.py
check test "$(stat -c %i q/real.py)" = "$ino"
check test "$(stat -c %h q/real.py)" = 2
check grep -q "time.sleep(1)  # noqa: ASYNC251" "$tmp/hard.py"
check test "$(stat -c %a q/real.py)" = 604
check test "$(stat -c %u:%g q/real.py)" = "$owner"
ls -a q | grep -v -e '^\.*$' -e '^real.py$' -e '^link.py$' | grep -q . && ko "a stray file was left in q" || ok
# a read-only file (even for root) is reported, not rewritten: exit 2, the other files still edited
mkdir -p ro && printf 'import time\n\n\nasync def f():\n    time.sleep(1)\n' >ro/a.py && cp ro/a.py ro/b.py
chmod 444 ro/a.py && cp ro/a.py "$tmp/ro.orig"
"$bin" --no-cache --add-noqa ro >/dev/null 2>"$tmp/err"
check test $? -eq 2
check grep -q "ro/a.py: read-only" "$tmp/err"
check cmp -s ro/a.py "$tmp/ro.orig"
check grep -q "noqa: ASYNC251" ro/b.py
check grep -q "Added 1 noqa directive." "$tmp/err"
# lines that cannot take a comment are said, per line, with the reason; exit 1 (findings remain)
mkdir -p sk && printf 'import time\n\n\nasync def f():\n    time.sleep(1) + \\\n        2\n    x = """%%s""" %% time.sleep(2) if """\n    """ else 0\n    time.sleep(3)\n' >sk/m.py
"$bin" --no-cache --add-noqa sk >/dev/null 2>"$tmp/err"
check test $? -eq 1
check grep -q "sk/m.py:5: no \`# noqa: ASYNC251\` added: the line ends in a backslash continuation" "$tmp/err"
check grep -q "sk/m.py:7: no \`# noqa: ASYNC251\` added: the line opens a string that continues on the next line" "$tmp/err"
check grep -q "Added 1 noqa directive. 2 lines could not take one" "$tmp/err"
check grep -q "time.sleep(3)  # noqa: ASYNC251" sk/m.py
# a killed run cannot leave a temporary file behind because none is made: the file is opened for writing where
# it is (no O_CREAT), and nothing is created, renamed, linked or removed (strace is in scripts/packages.txt)
if command -v strace >/dev/null; then
  mkdir -p kill && printf 'import time\n\n\nasync def f():\n    time.sleep(1)\n' >kill/m.py
  strace -f -o "$tmp/trace" -e trace=open,openat,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,mkdir,mkdirat \
    "$bin" --no-cache --add-noqa kill >/dev/null 2>"$tmp/err"
  check grep -q "time.sleep(1)  # noqa: ASYNC251" kill/m.py
  check grep -q 'openat(AT_FDCWD, "kill/m.py", O_WRONLY' "$tmp/trace"
  grep -E 'O_CREAT|creat\(|rename|link|unlink|mkdir' "$tmp/trace" && ko "--add-noqa created, renamed or removed a file" || ok
fi
# standard input cannot be rewritten
printf 'x = 1\n' | "$bin" --add-noqa --stdin-filename m.py - >/dev/null 2>"$tmp/err"
check test $? -eq 2
check grep -q "cannot be used with standard input" "$tmp/err"
finish
