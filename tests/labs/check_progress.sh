#!/bin/sh
# check_progress.sh <expected lines> <program> [arguments...]
# A lab that trains shows its progress on stderr, in a log one line per training run ("... took mm:ss"),
# and keeps stdout, where its tables are, free of it.
expected=$1
shift
out=$(mktemp) err=$(mktemp)
"$@" >"$out" 2>"$err"
rc=$?
echo "exit code $rc"; echo "stderr:"; cat "$err"
ok=yes
[ "$rc" -eq 0 ] || { echo "FAIL: exit code $rc"; ok=no; }
[ "$(grep -c ', took [0-9][0-9]:[0-9][0-9]' "$err")" -eq "$expected" ] || { echo "FAIL: expected $expected progress lines"; ok=no; }
[ "$(wc -l < "$err")" -eq "$expected" ] || { echo "FAIL: expected nothing else on stderr"; ok=no; }
grep -q ' took [0-9]' "$out" && { echo "FAIL: progress on stdout"; ok=no; }
grep -q "$(printf '\r')" "$out" "$err" && { echo "FAIL: carriage returns in a log"; ok=no; }
rm -f "$out" "$err"
[ "$ok" = yes ]
