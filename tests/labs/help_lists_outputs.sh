#!/bin/sh
# help_lists_outputs.sh <source dir> <program>
# The lab's --help must: exit 0; print a "Lab options:" header only with options under it; list the files
# the lab writes ("Files written into --out"); end with "More: labs/<lab>/README.md", a README that
# exists and names every one of those files.
src=$1
program=$2
help=$("$program" --help) || { echo "FAIL: --help exited with $?"; exit 1; }
printf '%s\n' "$help"
ok=yes
if printf '%s\n' "$help" | grep -q '^Lab options:'; then
  printf '%s\n' "$help" | grep -A1 '^Lab options:' | sed -n 2p | grep -q '^  -' || { echo "FAIL: empty Lab options section"; ok=no; }
fi
readme=$(printf '%s\n' "$help" | tail -n 1 | sed -n 's/^More: \(labs\/[0-9][0-9]_[a-z_]*\/README\.md\)$/\1/p')
[ -n "$readme" ] || { echo "FAIL: the last line is not 'More: labs/<lab>/README.md'"; exit 1; }
[ -f "$src/$readme" ] || { echo "FAIL: $readme does not exist"; exit 1; }
files=$(printf '%s\n' "$help" | sed -n '/^Files written into --out/,/^$/p' | sed -n 's/^  \([^ ]*\) .*/\1/p')
[ -n "$files" ] || { echo "FAIL: no 'Files written into --out' list"; ok=no; }
for f in $files; do
  grep -qF "$f" "$src/$readme" || { echo "FAIL: $readme does not name $f"; ok=no; }
done
[ "$ok" = yes ] && echo "PASS: $(echo $files | wc -w) files, all named in $readme"
[ "$ok" = yes ]
