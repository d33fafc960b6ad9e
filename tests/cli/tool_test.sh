#!/bin/bash
# The `lecon` tool as a user runs it (issue 16, docs/tool.md). One case per CTest test:
#   tool_test.sh <lecon executable> <source dir> <work dir> <case>
# Each case exits 0 when the tool behaved as documented, else prints what differed and exits 1.
set -u
lecon=$1 source=$2 work=$3 case=$4
iris=$source/data/iris.csv
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

fail() { echo "FAIL: $*"; exit 1; }

# expect_error <pattern> <command...>: exit code 2 and exactly one line on stderr that matches the pattern.
expect_error() {
  local pattern=$1; shift
  "$@" > out.txt 2> err.txt
  local rc=$?
  cat err.txt
  [ $rc -eq 2 ] || fail "$* exited $rc, expected 2"
  [ "$(wc -l < err.txt)" -eq 1 ] || fail "$* wrote $(wc -l < err.txt) lines on stderr, expected 1"
  grep -qE "$pattern" err.txt || fail "$* said '$(cat err.txt)', expected /$pattern/"
}

case $case in
iris_round_trip)
  # train -> save -> predict in a new process: the same bytes as the trained model's own predictions.
  "$lecon" train --data "$iris" --target Species --layers 16 --epochs 150 --batch 16 --lr 0.01 --validation-split 0.2 \
    --out iris.h5 --predictions trained.csv || fail "train exited $?"
  "$lecon" predict --model iris.h5 --data "$iris" --out reloaded.csv || fail "predict exited $?"
  cmp trained.csv reloaded.csv || fail "predictions differ after reloading the model"
  [ "$(wc -l < reloaded.csv)" -eq 151 ] || fail "expected a header and 150 rows"
  head -1 reloaded.csv | grep -qx 'predicted,p(setosa),p(versicolor),p(virginica)' || fail "header: $(head -1 reloaded.csv)"
  # The model file alone predicts: columns in another order, no target column.
  cut -d, -f4,3,2,1 "$iris" | awk -F, 'BEGIN{OFS=","} {print $4,$3,$2,$1}' > reordered.csv
  "$lecon" predict --model iris.h5 --data reordered.csv > reordered-out.csv || fail "predict on reordered columns exited $?"
  cmp trained.csv reordered-out.csv || fail "reordered columns gave other predictions"
  "$lecon" evaluate --model iris.h5 --data "$iris" | tee eval.txt
  accuracy=$(sed -n 's/.*accuracy \([0-9.]*\) .*/\1/p' eval.txt)
  awk -v a="$accuracy" 'BEGIN{exit !(a >= 0.9)}' || fail "accuracy $accuracy on iris, expected at least 0.9"
  "$lecon" summary iris.h5 | tee summary.txt
  grep -q '^Activation(relu) 1 ' summary.txt || fail "summary does not name the activation"
  grep -q '^classes: setosa, versicolor, virginica$' summary.txt || fail "summary lacks the class names"
  grep -q '^scaling: standardize (mean and sd of 4 features)$' summary.txt || fail "summary lacks the scaling"
  ;;
regression)
  # Petal.Width from the other three measurements; the target is standardised inside and stored.
  cut -d, -f1-4 "$iris" > petals.csv
  # leaky_relu: the activation added to the list last (one line in activations.hpp), through a model file.
  "$lecon" train --data petals.csv --target Petal.Width --layers 8 --activation leaky_relu --epochs 100 --batch 16 --lr 0.01 \
    --out petals.h5 --predictions trained.csv || fail "train exited $?"
  "$lecon" predict --model petals.h5 --data petals.csv --out reloaded.csv || fail "predict exited $?"
  cmp trained.csv reloaded.csv || fail "predictions differ after reloading the model"
  "$lecon" summary petals.h5 > summary.txt
  grep -q "^petals.h5: regression of 'Petal.Width'" summary.txt || fail "not a regression"
  grep -q '^Activation(leaky_relu) 1 ' summary.txt || fail "the activation did not come back by name"
  "$lecon" evaluate --model petals.h5 --data petals.csv | tee eval.txt
  mse=$(sed -n 's/.*mse \([0-9.e-]*\),.*/\1/p' eval.txt)
  # Predicting the mean everywhere gives the variance, 0.58; the three other measurements explain most of it.
  awk -v m="$mse" 'BEGIN{exit !(m < 0.1)}' || fail "mse $mse, expected below 0.1"
  ;;
bad_input)
  "$lecon" train --data "$iris" --target Species --epochs 5 --out iris.h5 2> /dev/null || fail "train exited $?"
  expect_error "lecon train: error: .*iris.csv: no column 'Specis' \(--target\); the columns are Sepal.Length, .*Species" \
    "$lecon" train --data "$iris" --target Specis --out x.h5
  awk -F, 'BEGIN{OFS=","} NR==5{$2="n/a"} {print}' "$iris" > text.csv
  expect_error "lecon train: error: text.csv: line 5, column 'Sepal.Width': 'n/a' is not a number" \
    "$lecon" train --data text.csv --target Species --out x.h5
  (head -3 "$iris"; echo "5.0,3.4,1.5,0.2,daisy") > daisy.csv
  expect_error "lecon predict: error: daisy.csv: line 4, column 'Species': class 'daisy' was not seen in training \(iris.h5 knows setosa, versicolor, virginica\)" \
    "$lecon" predict --model iris.h5 --data daisy.csv
  expect_error "lecon evaluate: error: daisy.csv: line 4, column 'Species': class 'daisy' was not seen in training" \
    "$lecon" evaluate --model iris.h5 --data daisy.csv
  cut -d, -f1,2,3,5 "$iris" > three.csv
  expect_error "lecon predict: error: three.csv: no column 'Petal.Width', which iris.h5 takes as input \(it takes Sepal.Length, Sepal.Width, Petal.Length, Petal.Width\)" \
    "$lecon" predict --model iris.h5 --data three.csv
  paste -d, "$iris" <(cut -d, -f1 "$iris" | sed 1s/.*/extra/) > wide.csv
  expect_error "lecon predict: error: wide.csv: 5 input columns, but iris.h5 takes 4 .*; not in the model: extra" \
    "$lecon" predict --model iris.h5 --data wide.csv
  "$lecon" convert "$iris" iris-data.h5 --target Species 2> /dev/null || fail "convert exited $?"
  cut -d, -f1,2,3,5 "$iris" > three-species.csv
  "$lecon" train --data three-species.csv --target Species --epochs 2 --out three.h5 2> /dev/null || fail "train on three columns exited $?"
  expect_error "lecon predict: error: iris-data.h5: 4 input columns, but three.h5 takes 3 \(Sepal.Length, Sepal.Width, Petal.Length\); not in the model: Petal.Width" \
    "$lecon" predict --model three.h5 --data iris-data.h5
  # Images have no column names: the width decides (make test converts MNIST first).
  expect_error "lecon predict: error: .*mnist.h5: samples of 784 values, but iris.h5 takes 4" \
    "$lecon" predict --model iris.h5 --data "$source/data/mnist.h5"
  expect_error "lecon train: error: --activation swish: expected one of linear, sigmoid, tanh, relu, elu, softplus, leaky_relu\$" \
    "$lecon" train --data "$iris" --target Species --activation swish --out x.h5
  expect_error "lecon train: error: --loss mse: for classification expected softmax_crossentropy or categorical_crossentropy" \
    "$lecon" train --data "$iris" --target Species --loss mse --out x.h5
  expect_error "lecon predict: error: nothing.h5: file not found" "$lecon" predict --model nothing.h5 --data "$iris"
  expect_error "lecon train: error: unrecognised option '--bogus' \(see lecon train --help\)" "$lecon" train --bogus
  [ ! -e x.h5 ] || fail "a refused run wrote x.h5"
  ;;
interrupt_resume)
  # Ctrl-C: the run stops after its epoch, saves a checkpoint, exits 130; --resume continues it to the same
  # weights as a run that was never interrupted (same predictions, byte for byte).
  "$lecon" train --data "$iris" --target Species --epochs 100000000 --batch 50 --out run.h5 2> err.txt &
  pid=$!
  for _ in $(seq 100); do grep -q 'Ctrl-C stops after the epoch' err.txt && break; sleep 0.1; done
  sleep 0.5
  kill -INT $pid
  wait $pid
  rc=$?
  cat err.txt
  [ $rc -eq 130 ] || fail "interrupted train exited $rc, expected 130"
  grep -q 'interrupted after epoch [0-9]*/100000000; saved run.checkpoint.h5' err.txt || fail "no checkpoint message"
  [ ! -e run.h5 ] || fail "an interrupted run wrote the model file"
  done=$("$lecon" summary run.checkpoint.h5 | sed -n 's/^checkpoint: \([0-9]*\) epochs done.*/\1/p')
  [ -n "$done" ] || fail "summary shows no epoch count for the checkpoint"
  total=$((done + 30))
  expect_error "lecon train: error: --lr 0.5: the run in run.checkpoint.h5 was trained with --lr 0.001; a resumed run keeps its settings" \
    "$lecon" train --resume run.checkpoint.h5 --data "$iris" --epochs $total --out resumed.h5 --lr 0.5
  "$lecon" train --resume run.checkpoint.h5 --data "$iris" --epochs $total --out resumed.h5 --predictions resumed.csv 2> /dev/null ||
    fail "resume exited $?"
  "$lecon" train --data "$iris" --target Species --epochs $total --batch 50 --out straight.h5 --predictions straight.csv 2> /dev/null ||
    fail "the uninterrupted run exited $?"
  cmp resumed.csv straight.csv || fail "the resumed run ($done + 30 epochs) differs from the uninterrupted one"
  echo "interrupted after $done epochs; resumed to $total: identical"
  ;;
convert)
  "$lecon" convert "$iris" iris-data.h5 --target Species || fail "convert CSV -> .h5 exited $?"
  "$lecon" convert iris-data.h5 iris-train.csv --part train || fail "convert .h5 -> CSV exited $?"
  "$lecon" convert iris-data.h5 iris-test.csv --part test || fail "convert .h5 -> CSV exited $?"
  head -1 iris-test.csv | grep -qx 'Sepal.Length,Sepal.Width,Petal.Length,Petal.Width,class' || fail "header: $(head -1 iris-test.csv)"
  [ "$(wc -l < iris-train.csv)" -eq 101 ] && [ "$(wc -l < iris-test.csv)" -eq 51 ] || fail "expected 100 + 50 rows"
  # Every flower comes back, values and species unchanged (the float values are written exactly).
  diff <(tail -n +2 "$iris" | sort) <(tail -qn +2 iris-train.csv iris-test.csv | sort) || fail "the rows changed in the round trip"
  # A model trained on the data file predicts the CSV of its test part the same as the data file's test part.
  "$lecon" train --data iris-data.h5 --epochs 50 --out from-h5.h5 2> /dev/null || fail "train on .h5 exited $?"
  "$lecon" predict --model from-h5.h5 --data iris-data.h5 --part test > a.csv || fail "predict on .h5 exited $?"
  "$lecon" predict --model from-h5.h5 --data iris-test.csv > b.csv || fail "predict on CSV exited $?"
  cmp a.csv b.csv || fail "the .h5 test part and its CSV give other predictions"
  cut -d, -f1-4 "$iris" > numbers.csv
  expect_error "lecon convert: error: numbers.csv: column 'Petal.Width' holds only numbers" "$lecon" convert numbers.csv n.h5 --target Petal.Width
  ;;
*)
  fail "unknown case $case"
  ;;
esac
echo "ok: $case"
