#!/bin/sh
# check_misclassified_captions.sh <out dir> <key>...
# Lab 09's grid of misclassified images carries each image's classes on the figure: the gnuplot script
# has one caption per image, "true → predicted", in the order of <key>_misclassified.txt.
out=$1
shift
ok=yes
for key in "$@"; do
  txt=$out/09_cnn_${key}_misclassified.txt
  gp=$out/09_cnn_${key}_misclassified.gp
  [ -s "$out/09_cnn_${key}_misclassified.png" ] || { echo "FAIL: no $key PNG"; ok=no; continue; }
  expected=$(grep -v '^#' "$txt" | awk -F', ' '{ print $2 "→" $3 }')
  captions=$(sed -n 's/^set label [0-9]* "\(.*\)" at .*/\1/p' "$gp" | sed 's/\\n/ /; s/ *→ */→/')
  n=$(printf '%s\n' "$expected" | wc -l)
  if [ "$expected" = "$captions" ] && [ "$n" -ge 1 ]; then
    echo "PASS: $key: $n captions, first: $(printf '%s\n' "$captions" | head -n 1)"
  else
    echo "FAIL: $key: captions differ from $txt"; printf 'expected:\n%s\ngot:\n%s\n' "$expected" "$captions" | head -20; ok=no
  fi
done
[ "$ok" = yes ]
