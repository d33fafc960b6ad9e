#!/bin/bash
# `lecon train` under mpirun -np 2 trains data-parallel: the model equals the one process's up to float
# rounding (predicted classes identical, probabilities within 1e-5), and rank 0 alone wrote the files.
#   tool_test.sh <lecon executable> <iris.csv> <work dir>
set -eu
lecon=$1 data=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
args=(--data "$data" --target Species --layers 16 --epochs 30 --batch 30 --seed 4)
"$lecon" train "${args[@]}" --out single.h5 > single.log 2>&1
OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np 2 "$lecon" train "${args[@]}" --out parallel.h5 > parallel.log 2>&1
[ "$(grep -c '^saved parallel.h5' parallel.log)" -eq 1 ] || { echo "expected one 'saved' line (rank 0's):"; cat parallel.log; exit 1; }
"$lecon" predict --model single.h5 --data "$data" --out single.csv > /dev/null
"$lecon" predict --model parallel.h5 --data "$data" --out parallel.csv > /dev/null
paste -d, single.csv parallel.csv | awk -F, 'NR > 1 {
    if ($1 != $5) { print "row " NR ": class " $1 " vs " $5; bad = 1 }
    for (i = 2; i <= 4; i++) { d = $i - $(i + 4); if (d < 0) d = -d; if (d > worst) worst = d } }
  END { printf "largest probability difference %.2e over %d rows\n", worst, NR - 1; if (bad || worst > 1e-5 || NR != 151) exit 1; print "tool data parallel: PASS" }'
