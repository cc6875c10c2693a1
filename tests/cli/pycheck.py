"""pycheck.py — what the CLI tests written in Python share (as lib.sh does for the shell ones): pass/fail counters,
one FAIL line per failed check, and the closing "N passed, N failed" line CI reads. Import it with
tests/cli on sys.path; end the script with finish()."""
import sys

passed = failed = 0


def result(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def finish():
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
