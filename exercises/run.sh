#!/usr/bin/env bash
# Exercises (docs/exercises.md): list | start NAME | reset NAME | check NAME | self-check
#   list        every exercise: name, module, slide, difficulty, files
#   start NAME  exercises/NAME/<file>.cpp: a git-ignored copy of the reference source, its region a TODO
#   reset NAME  the same, overwriting the student's copy
#   check NAME  builds the student's copy in place of the reference (build-exercise/) and runs its tests
#   self-check  every shipped wrong solution must fail the exercise's tests, and every reference pass
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ex_dir=$root/exercises
build=${LECON_EXERCISE_BUILD:-$root/build-exercise}
swap=$build/swap
jobs=${JOBS:-$(nproc)}

die() { echo "exercises: $*" >&2; exit 2; }
field() { sed -n "s/^$2: *//p" "$ex_dir/$1/exercise.txt"; }   # field NAME KEY
names() { for d in "$ex_dir"/*/exercise.txt; do basename "$(dirname "$d")"; done; }
known() {
  [[ -n ${1:-} ]] || die "which exercise? EX=<name>; the list: make exercises"
  [[ -f $ex_dir/$1/exercise.txt ]] || die "no exercise '$1'; the list: make exercises"
}
student_copy() { echo "$ex_dir/$1/$(basename "$(field "$1" source)")"; }

# splice NAME SOURCE BODY_FILE|- : SOURCE with the region of NAME replaced by BODY_FILE ('-': the TODO)
splice() {
  local name=$1 src=$2 body=$3
  grep -q "// EXERCISE $name BEGIN" "$src" || die "$src has no '// EXERCISE $name BEGIN' marker"
  grep -q "// EXERCISE $name END" "$src" || die "$src has no '// EXERCISE $name END' marker"
  awk -v name="$name" -v body="$body" '
    $0 ~ "// EXERCISE " name " BEGIN" {
      print; inside = 1; indent = $0; sub(/[^ ].*/, "", indent)
      if (body == "-") {
        print indent "// TODO: your code here (docs/exercises.md, section " name ")"
        print indent "throw Error(\"exercise " name " not done yet\");"
      } else { while ((getline line < body) > 0) print indent line }
      next }
    $0 ~ "// EXERCISE " name " END" { inside = 0 }
    !inside { print }' "$src"
}

install_if_changed() {  # install_if_changed FROM TO: copy only when different, so make rebuilds only that
  mkdir -p "$(dirname "$2")"
  cmp -s "$1" "$2" || cp "$1" "$2"
}

# Every exercise source in swap/ as its reference; configure build-exercise/ once (again if the set changed).
prepare() {
  local sources
  sources=$(for n in $(names); do field "$n" source; done | sort -u)
  for s in $sources; do install_if_changed "$root/$s" "$swap/$s"; done
  if [[ ! -f $build/CMakeCache.txt || "$(cat "$build/exercise-sources.txt" 2>/dev/null)" != "$sources" ]]; then
    echo "configuring $build (once; -O1 to compile fast)"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Exercise -DCMAKE_CXX_FLAGS_EXERCISE=-O1 \
      -DLECON_EXERCISE_SWAP_DIR="$swap" > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; die "cmake failed"; }
    echo "$sources" > "$build/exercise-sources.txt"
  fi
}

# run_tests NAME FILE LOG: FILE in place of the exercise's source, build, run the tests; 0 pass, 1 fail, 3 no build
run_tests() {
  local name=$1 file=$2 log=$3 src exe
  src=$(field "$name" source); exe=$(field "$name" test_executable)
  install_if_changed "$file" "$swap/$src"
  if ! cmake --build "$build" -j "$jobs" --target "$exe" > "$log" 2>&1; then return 3; fi
  (cd "$build/tests" && LECON_DATA_DIR="$root/data" "./$exe" --run_test="$(field "$name" tests)" --log_level=error --color_output=no) >> "$log" 2>&1 || return 1
  return 0
}

verdict() {  # the failing checks of a test log, short
  grep -E '(error|fatal error|exception)( |:).*in "|has failed|failures? (is|are) detected|No errors detected' "$1" \
    | sed -E 's#^.*/(tests/[^(]*\([0-9]+\))#\1#' | head -n 20
}

cmd=${1:-list}; name=${2:-}
if [[ $cmd == check || $cmd == self-check ]]; then  # one build in build-exercise/ at a time
  mkdir -p "$build"; exec 9> "$build.lock"; flock 9
fi
case $cmd in
  list)
    printf '%-20s %-15s %-10s %-40s %s\n' NAME MODULE DIFFICULTY FILE SLIDE
    for n in $(names); do
      printf '%-20s %-15s %-10s %-40s %s\n' "$n" "$(field "$n" module)" "$(field "$n" difficulty)" \
        "$(field "$n" source)" "$(field "$n" slide)"
    done
    echo "start one: make exercise EX=<name>; check it: make check EX=<name>; docs/exercises.md" ;;
  start|reset)
    known "$name"; copy=$(student_copy "$name")
    if [[ $cmd == start && -f $copy ]]; then
      echo "$copy already exists (your work); 'make exercise-reset EX=$name' starts over"; exit 0
    fi
    splice "$name" "$root/$(field "$name" source)" - > "$copy"
    echo "exercise $name: edit $copy"
    echo "  the region between the '// EXERCISE $name' markers: $(field "$name" task)"
    echo "  then: make check EX=$name   (the reference, $(field "$name" source), is never touched)" ;;
  check)
    known "$name"; copy=$(student_copy "$name")
    [[ -f $copy ]] || die "no working copy yet: make exercise EX=$name"
    prepare; log=$build/check-$name.log
    echo "building $(field "$name" source) from $copy and running $(field "$name" test_executable) --run_test=$(field "$name" tests)"
    rc=0; run_tests "$name" "$copy" "$log" || rc=$?
    install_if_changed "$root/$(field "$name" source)" "$swap/$(field "$name" source)"
    case $rc in
      0) echo "PASS: exercise $name: every check passes" ;;
      3) grep -E 'error|Error' "$log" | head -n 20; echo "FAIL: exercise $name does not compile (full log: $log)"; exit 1 ;;
      *) verdict "$log"; echo "FAIL: exercise $name: the checks above failed (full log: $log)"; exit 1 ;;
    esac ;;
  self-check)
    start=$SECONDS; prepare; n=0; m=0; bad=0
    for ex in $(names); do
      n=$((n + 1)); src=$(field "$ex" source); log=$build/self-check-$ex.log
      rc=0; run_tests "$ex" "$root/$src" "$log" || rc=$?
      if [[ $rc -eq 0 ]]; then echo "$ex: reference passes"
      else echo "$ex: DEFECT: the reference fails its own tests ($log)"; verdict "$log"; bad=$((bad + 1)); fi
      for w in "$ex_dir/$ex"/wrong_*.txt; do
        m=$((m + 1)); gen=$build/generated/$ex/$(basename "$w" .txt).cpp; mkdir -p "$(dirname "$gen")"
        splice "$ex" "$root/$src" "$w" > "$gen.new"; install_if_changed "$gen.new" "$gen"
        rc=0; run_tests "$ex" "$gen" "$log" || rc=$?
        what=$(head -n 1 "$w" | sed 's#^ *// *##')
        case $rc in
          1) echo "$ex: $(basename "$w" .txt) rejected ($what): $(verdict "$log" | head -n 1)" ;;
          0) echo "$ex: DEFECT: $(basename "$w" .txt) ($what) passes the tests"; bad=$((bad + 1)) ;;
          *) echo "$ex: DEFECT: $(basename "$w" .txt) does not compile ($log)"; bad=$((bad + 1)) ;;
        esac
      done
      install_if_changed "$root/$src" "$swap/$src"
    done
    if [[ $bad -eq 0 ]]; then echo "$n exercises, $m wrong solutions, all rejected ($((SECONDS - start)) s)"
    else echo "$n exercises, $m wrong solutions: $bad DEFECTS"; exit 1; fi ;;
  *) die "usage: exercises/run.sh list | start NAME | reset NAME | check NAME | self-check" ;;
esac
