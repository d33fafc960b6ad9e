#!/bin/sh
# check_xor_plot.sh <program 01_neuron> <out dir>
# Lab 01's XOR figure is a plot with axes x1, x2: the network's output as a heat map with its colour box and
# the 0.5 contour, and the four XOR points, (0, 0) and (1, 1) as one class, (0, 1) and (1, 0) as the other.
program=$1
out=$2
rm -rf "$out"
"$program" --out "$out" >/dev/null || { echo "FAIL: 01_neuron exited with $?"; exit 1; }
gp=$out/01_neuron_xor_network_output.gp
[ -s "$out/01_neuron_xor_network_output.png" ] || { echo "FAIL: no PNG"; exit 1; }
ok=yes
expect() {
  grep -qF -- "$1" "$gp" || { echo "FAIL: $gp lacks: $1"; ok=no; }
}
expect "set xlabel 'x1'"
expect "set ylabel 'x2'"
expect "set cblabel 'network output y'"
expect "set cntrparam levels discrete 0.5"
expect "with image notitle"
# The two classes' points, in data blocks of their own, with their legend entries.
[ "$(sed -n '/^\$series0 << EOD$/,/^EOD$/p' "$gp" | tr '\n' ' ')" = '$series0 << EOD 0 0 1 1 EOD ' ] || { echo "FAIL: XOR = 0 points"; ok=no; }
[ "$(sed -n '/^\$series1 << EOD$/,/^EOD$/p' "$gp" | tr '\n' ' ')" = '$series1 << EOD 0 1 1 0 EOD ' ] || { echo "FAIL: XOR = 1 points"; ok=no; }
expect "title 'XOR = 0: (0, 0), (1, 1)'"
expect "title 'XOR = 1: (0, 1), (1, 0)'"
# The heat map: 101 x 101 samples of the output, all in [0, 1].
values=$(sed -n '/^\$heatmap << EOD$/,/^EOD$/p' "$gp" | awk 'NF == 3 && $1 != "$heatmap" { n++; if ($3 < 0 || $3 > 1) bad++ } END { print n + 0, bad + 0 }')
[ "$values" = "10201 0" ] || { echo "FAIL: heat map samples (count, out of [0, 1]): $values"; ok=no; }
[ "$ok" = yes ] && echo "PASS: heat map, boundary and the four XOR points"
[ "$ok" = yes ]
