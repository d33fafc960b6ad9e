#!/bin/sh
# expect_rejection.sh <expected stderr line> <program> [arguments...]
# The program must refuse its command line before doing any work: exit code 2, nothing on stdout (not
# even the lab's header), and on stderr exactly one line, the expected one. NPROC in the expected line
# stands for the hardware threads of this machine (what --threads accepts at most).
threads=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
expected=$(printf '%s' "$1" | sed "s/NPROC/$threads/")
shift
out=$(mktemp) err=$(mktemp)
"$@" >"$out" 2>"$err"
rc=$?
echo "exit code $rc"; echo "stderr:"; cat "$err"; echo "stdout:"; cat "$out"
ok=yes
[ "$rc" -eq 2 ] || { echo "FAIL: expected exit code 2"; ok=no; }
[ -s "$out" ] && { echo "FAIL: expected nothing on stdout"; ok=no; }
[ "$(wc -l < "$err")" -eq 1 ] || { echo "FAIL: expected exactly one line on stderr"; ok=no; }
[ "$(cat "$err")" = "$expected" ] || { echo "FAIL: expected on stderr: $expected"; ok=no; }
rm -f "$out" "$err"
[ "$ok" = yes ]
