#!/usr/bin/env bash
# test_hostile.sh — broken and hostile input: each case must give a clear one-line error naming the path (or
# be skipped quietly when it is not a Python file), exit 2 at the end when there was an error, never hang or
# crash, and the good file beside it must still be analysed and reported.
# Usage: test_hostile.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
source "$(dirname "$0")/lib.sh"
cd "$tmp"
good='import time\n\n\nasync def f():\n    time.sleep(1)\n'

# run_case NAME WANT_STATUS ERROR_TEXT : runs asyncscan on tree/, which holds good.py and the hostile entry
run_case() {
  local name=$1 want=$2 text=$3
  timeout 60 "$bin" --no-cache --output-format concise tree >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] && ok || ko "$name: exit $got, want $want; stderr: $(head -c 300 "$tmp/err")"
  grep -q "tree/good.py:5:5: ASYNC251" "$tmp/out" && ok || ko "$name: good.py not reported: $(head -c 300 "$tmp/out")"
  if [ -n "$text" ]; then
    grep -qF -- "$text" "$tmp/err" && ok || ko "$name: stderr lacks '$text': $(head -c 300 "$tmp/err")"
    [ "$(grep -c 'error:' "$tmp/err")" -eq 1 ] && ok || ko "$name: expected one error line: $(cat "$tmp/err")"
  fi
  grep -q "Sanitizer\|Segmentation\|Aborted" "$tmp/err" && ko "$name: crashed" || ok
}

fresh() { rm -rf tree; mkdir tree; printf "$good" >tree/good.py; }

fresh; printf 'x = 1\n\x00\x01\x02' >tree/bin.py;                 run_case "NUL bytes" 2 "tree/bin.py: file contains a NUL byte at line 2"
fresh; head -c 200000 /dev/urandom | tr -d '\000' >tree/rand.py;  run_case "random bytes" 2 "tree/rand.py: invalid UTF-8"
fresh; printf 'x = "\xff"\n' >tree/latin.py;                       run_case "invalid UTF-8" 2 "tree/latin.py: invalid UTF-8 at line 1, column 6"
fresh; printf '\xff\xfex\x00=\x001\x00' >tree/u16.py;               run_case "UTF-16 BOM" 2 "tree/u16.py: UTF-16 is not supported"
fresh; printf '# coding: klingon\nx = 1\n' >tree/cookie.py;         run_case "unknown cookie" 2 "tree/cookie.py: unknown encoding 'klingon'"
fresh; : >tree/empty.py;                                            run_case "empty file" 1 ""
fresh; mkfifo tree/fifo.py;                                         run_case "FIFO named x.py" 2 "tree/fifo.py: not a regular file"
fresh; ln -s /dev/zero tree/zero.py;                                run_case "link to /dev/zero" 2 "tree/zero.py: not a regular file"
fresh; mkdir tree/dir.py; printf "$good" >tree/dir.py/inner.py;     run_case "directory named x.py" 1 ""
grep -q "tree/dir.py/inner.py:5:5" "$tmp/out" && ok || ko "file inside dir.py not analysed"
fresh; ln -s .. tree/loop; ln -s nowhere.py tree/dangling.py;       run_case "symlink loop and dangling link" 2 "tree/dangling.py: broken symbolic link"
fresh; printf "$good" >"tree/with space.py"; printf "$good" >"tree/new
line.py"; printf "$good" >"tree/$(printf 'bad\xffname').py";       run_case "odd file names" 1 ""
[ "$(grep -c ASYNC251 "$tmp/out")" -eq 4 ] && ok || ko "odd names: $(cat "$tmp/out")"
fresh; python3 -c "open('tree/long.py','w').write('x = \"' + 'a' * 10_000_000 + '\"\n')";  run_case "10 MB single line" 1 ""
fresh; python3 -c "open('tree/brackets.py','w').write('async def f():\n    x = ' + '[' * 100000 + ']' * 100000 + '\n')"
run_case "100k nested brackets" 2 "tree/brackets.py: nested more than 4000 levels deep at line 2, column 4003 "
fresh; python3 -c "
import sys
body = ''.join('\t' * (i + 1) + 'if x:\n' for i in range(5000))   # tabs: 12.5 MB, under the size cap
open('tree/indent.py', 'w').write('async def f():\n' + body + '\t' * 5001 + 'pass\n')"
# tree-sitter gives up ("invalid syntax"), or, on a slow machine (sanitizers), the parse deadline cancels it
run_case "5k-deep indentation" 2 "tree/indent.py: "
fresh; printf "$good" >tree/big.py; head -c 3000 /dev/zero | tr '\0' '#' >>tree/big.py
timeout 60 "$bin" --no-cache --max-file-size 1000 --output-format concise tree >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "tree/big.py: file is larger than the size limit" "$tmp/err" && grep -q "good.py:5:5" "$tmp/out" && ok || ko "size cap: $(cat "$tmp/err")"
fresh; mkdir tree/many; python3 -c "
for i in range(100000):
    open('tree/many/f%06d.py' % i, 'w').close()"
run_case "100k files in one directory" 1 ""
if [ "$(id -u)" -ne 0 ]; then
  fresh; printf "$good" >tree/secret.py; chmod 000 tree/secret.py; mkdir tree/locked; chmod 000 tree/locked
  run_case "unreadable file and directory" 2 "Permission denied"
  chmod 755 tree/locked
fi
fresh; truncate -s 50M tree/huge.py;                                run_case "50 MB file" 2 "tree/huge.py: file is larger than the size limit (16777216 bytes; --max-file-size)"
# a file that is gone when it is read (deleted after discovery): the same one-line error as any unreadable path
fresh; ln -s gone.py tree/later.py;                                 run_case "file missing when read" 2 "tree/later.py: broken symbolic link"
# write errors on stdout are exit 2 with a message, never silent
fresh; timeout 60 "$bin" --no-cache --output-format concise tree >/dev/full 2>"$tmp/err"
[ $? -eq 2 ] && ok || ko "stdout on /dev/full: exit status"
grep -q "cannot write the output" "$tmp/err" && ok || ko "stdout on /dev/full: $(cat "$tmp/err")"
finish
