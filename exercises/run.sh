#!/usr/bin/env bash
# Exercises (docs/exercises.md): list | start NAME | reset NAME | check NAME | self-check
#   list        every exercise: name, module, difficulty, files, slide
#   start NAME  the student's git-ignored working copy in exercises/NAME/ (a region exercise: the reference
#               source with the region replaced by a TODO; an extend exercise: the skeleton files)
#   reset NAME  the same, overwriting the working copy
#   check NAME  builds the working copy against the project's build and runs the exercise's tests
#   self-check  every shipped wrong solution must fail the exercise's tests, and every reference pass
#   save-wrong NAME TAG WHAT   (module authors) the working copy becomes the wrong solution wrong_TAG.diff
#
# How a check builds: nothing in build/ changes. The one source the exercise swaps (or, for an extend
# exercise, the check test and the student's files) is compiled with the flags CMake recorded for it in
# build/compile_commands.json (at -O1, with <armadillo> precompiled), and the test program is linked with
# CMake's own link line (build/tests/CMakeFiles/<exe>.dir/link.txt) into build/exercises/. An object file
# given to the linker wins over the library member that defines the same functions, so the test program
# runs the swapped code and the rest of the project exactly as built. Self-check runs its builds in parallel.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ex_dir=$root/exercises
build=$(cd "${LECON_BUILD:-$root/build}" 2>/dev/null && pwd) || build=${LECON_BUILD:-$root/build}
work=$build/exercises
jobs=${JOBS:-$(nproc)}

die() { echo "exercises: $*" >&2; exit 2; }
field() { sed -n "s/^$2: *//p" "$ex_dir/$1/exercise.txt"; }   # field NAME KEY
names() { for d in "$ex_dir"/*/exercise.txt; do basename "$(dirname "$d")"; done; }
kind() { local k; k=$(field "$1" kind); echo "${k:-region}"; }
known() {
  [[ -n ${1:-} ]] || die "which exercise? EX=<name>; the list: make exercises"
  [[ -f $ex_dir/$1/exercise.txt ]] || die "no exercise '$1'; the list: make exercises"
}
student_copy() { echo "$ex_dir/$1/$(basename "$(field "$1" source)")"; }
files_of() { if [[ $(kind "$1") == extend ]]; then field "$1" files; else field "$1" source; fi; }

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

# --- building against build/ ------------------------------------------------------------------------
need_build() {
  [[ -f $build/compile_commands.json && -f $build/tests/CMakeFiles/$1.dir/link.txt && -x $build/tests/$1 ]] ||
    die "$build has no built test program '$1': build the project first (make, or make test)"
}

# compile_command FILE: "directory<TAB>command" CMake recorded for FILE (an absolute path)
compile_command() {
  awk -v want="$1" '
    /^  "directory": / { d = $0; sub(/^  "directory": "/, "", d); sub(/",$/, "", d) }
    /^  "command": / { c = $0; sub(/^  "command": "/, "", c); sub(/",$/, "", c) }
    /^  "file": / { f = $0; sub(/^  "file": "/, "", f); sub(/",?$/, "", f)
                    if (f == want) { gsub(/\\"/, "\"", c); gsub(/\\\\/, "\\", c); print d "\t" c; exit } }' \
    "$build/compile_commands.json"
}

# compile REFERENCE_SOURCE INPUT OBJECT LOG [EXTRA_FLAGS...]: INPUT with REFERENCE_SOURCE's recorded flags
compile() {
  local ref=$1 input=$2 obj=$3 log=$4; shift 4
  local entry dir cmd flags=() skip=0 tok
  entry=$(compile_command "$ref")
  [[ -n $entry ]] || { echo "no compile command for $ref in $build/compile_commands.json" > "$log"; return 3; }
  dir=${entry%%$'\t'*}; cmd=${entry#*$'\t'}
  read -ra toks <<< "$cmd"
  # drop the compiler (toks[0]), the output, the input, the -O level and the build's precompiled header (made at
  # the build's -O level; the check makes its own below)
  for tok in "${toks[@]:1}"; do
    if ((skip)); then skip=0; continue; fi
    case $tok in -o|-c|-include) skip=1 ;; -O[0-9s]|-Ofast|-Winvalid-pch) ;; *) flags+=("$tok") ;; esac
  done
  local key pch
  key=$(printf '%s\n' "${flags[@]}" | grep -v '^-I' | md5sum | cut -c1-12); pch=$work/pch/$key/lecon_pch.hpp
  make_pch "$pch" "${toks[0]}" "${flags[@]}"
  (cd "$dir" && "${toks[0]}" "${flags[@]}" -O1 -Winvalid-pch -include "$pch" -iquote "$(dirname "$ref")" "$@" \
     -o "$obj" -c "$input") > "$log" 2>&1 || return 3
}

# make_pch HEADER COMPILER FLAGS...: <armadillo> (and for a test, Boost.Test's header) precompiled once per set of
# flags: parsing them is most of a compile
make_pch() {
  local pch=$1 cxx=$2; shift 2
  [[ -f $pch.gch ]] && return 0
  mkdir -p "$(dirname "$pch")"
  (
    flock 8
    if [[ ! -f $pch.gch ]]; then
      echo '#include <armadillo>' > "$pch"
      [[ " $* " == *" -DBOOST_TEST_DYN_LINK "* ]] && echo '#include <boost/test/unit_test.hpp>' >> "$pch"
      "$cxx" "$@" -O1 -x c++-header "$pch" -o "$pch.gch.tmp" && mv "$pch.gch.tmp" "$pch.gch"
    fi
  ) 8> "$pch.lock"
}

# link EXE OUTPUT LOG DROP_OWN_OBJECTS OBJECTS...: CMake's link line of the test program EXE, OBJECTS first
link() {
  local exe=$1 out=$2 log=$3 drop=$4; shift 4
  local toks=() args=() skip=0 tok
  read -ra toks < "$build/tests/CMakeFiles/$exe.dir/link.txt"
  for tok in "${toks[@]:1}"; do
    if ((skip)); then skip=0; args+=("$out" "$@"); continue; fi
    case $tok in
      -o) skip=1; args+=(-o) ;;
      CMakeFiles/"$exe".dir/*.o) ((drop)) || args+=("$tok") ;;
      *) args+=("$tok") ;;
    esac
  done
  (cd "$build/tests" && "${toks[0]}" "${args[@]}") >> "$log" 2>&1 || return 3
}

# run_variant NAME DIR TAG: builds the exercise NAME from the files in DIR (DIR "-": the reference of a region
# exercise, the project's own test program; a region exercise: DIR/<source
# file name>; an extend exercise: DIR/<its files>), runs its tests; 0 pass, 1 fail, 3 no build. Log: LOG.
run_variant() {
  local name=$1 dir=$2 tag=$3 exe out
  exe=$(field "$name" test_executable); need_build "$exe"
  if [[ $dir == - ]]; then  # the reference of a region exercise: the project's own test program, as built
    log=$work/$name/$tag.log; mkdir -p "$work/$name"
    (cd "$build/tests" && LECON_DATA_DIR="$root/data" timeout 300 "./$exe" --run_test="$(field "$name" tests)" \
       --log_level=error --color_output=no) > "$log" 2>&1 || return 1
    return 0
  fi
  out=$work/$name/$tag; mkdir -p "$out"; log=$out.log; : > "$log"
  local t0=$EPOCHREALTIME
  if [[ $(kind "$name") == region ]]; then
    local src; src=$(field "$name" source)
    compile "$root/$src" "$dir/$(basename "$src")" "$out/swapped.o" "$log" || return 3
    link "$exe" "$out/$exe" "$log" 0 "$out/swapped.o" || return 3
  else
    local objs=() f test_source
    test_source=$root/$(field "$name" compile_like)   # a test of the same program: its flags, its libraries
    for f in "$ex_dir/$name/check/"*.cpp $(for g in $(field "$name" files); do [[ $g == *.cpp ]] && echo "$dir/$g"; done); do
      compile "$test_source" "$f" "$out/$(basename "$f" .cpp).o" "$log.part" -I "$dir" || { cat "$log.part" >> "$log"; return 3; }
      cat "$log.part" >> "$log"; objs+=("$out/$(basename "$f" .cpp).o")
    done
    link "$exe" "$out/$exe" "$log" 1 "${objs[@]}" || return 3
  fi
  local rc=0 t1=$EPOCHREALTIME
  (cd "$build/tests" && LECON_DATA_DIR="$root/data" timeout 300 "$out/$exe" --run_test="$(field "$name" tests)" \
     --log_level=error --color_output=no) >> "$log" 2>&1 || rc=1
  rm -f "$out/$exe" "$out"/*.o
  awk -v a="$t0" -v b="$t1" -v c="$EPOCHREALTIME" 'BEGIN { printf "timing: build %.1f s, tests %.1f s\n", b - a, c - b }' >> "$log"
  return $rc
}

verdict() {  # the failing checks of a test log, short
  grep -E '(error|fatal error|exception)( |:).*in "|has failed|failures? (is|are) detected|No errors detected' "$1" \
    | sed -E 's#^.*/(tests/[^(]*\([0-9]+\))#\1#; s#^.*/(exercises/[^(]*\([0-9]+\))#\1#' | head -n 20
}
compile_errors() { grep -E 'error|Error' "$1" | sed -E "s#$root/##" | head -n 20; }

# The variants self-check builds: "NAME DIR TAG" per line (DIR holds the files of that variant). A wrong
# solution is exercises/NAME/wrong_<what>.diff: a line "WRONG: <what is wrong>", then a unified diff against
# the reference source (a region exercise) or against the files of solution/ (an extend exercise).
variants() {
  local ex=$1 gen w tag
  gen=$work/generated/$ex
  if [[ $(kind "$ex") == region ]]; then
    local src; src=$(field "$ex" source)
    echo "$ex - reference"   # the project's own build of the reference: nothing to compile
    for w in "$ex_dir/$ex"/wrong_*.diff; do
      tag=$(basename "$w" .diff); rm -rf "${gen:?}/$tag"; mkdir -p "$gen/$tag"
      patch -s -o "$gen/$tag/$(basename "$src")" "$root/$src" < "$w" > "$gen/$tag.patch.log" 2>&1 ||
        die "$w does not apply to $src (it changed?): $(head -n 3 "$gen/$tag.patch.log")"
      echo "$ex $gen/$tag $tag"
    done
  else
    echo "$ex $ex_dir/$ex/solution reference"
    for w in "$ex_dir/$ex"/wrong_*.diff; do
      tag=$(basename "$w" .diff); rm -rf "${gen:?}/$tag"; mkdir -p "$gen/$tag"
      cp "$ex_dir/$ex/solution/"* "$gen/$tag/"
      patch -s -d "$gen/$tag" -p1 < "$w" > "$gen/$tag.patch.log" 2>&1 ||
        die "$w does not apply to $ex/solution (it changed?): $(head -n 3 "$gen/$tag.patch.log")"
      echo "$ex $gen/$tag $tag"
    done
  fi
}
what_is_wrong() { sed -n '1s/^WRONG: *//p' "$ex_dir/$1/$2.diff"; }

# save_wrong NAME TAG WHAT: the student's working copy, as it is now, becomes the shipped wrong solution TAG
save_wrong() {
  local name=$1 tag=$2 what=$3 out f
  [[ $tag == wrong_* ]] || tag=wrong_$tag
  [[ -n $what ]] || die "say what is wrong: exercises/run.sh save-wrong NAME TAG \"what is wrong\""
  out=$ex_dir/$name/$tag.diff
  { echo "WRONG: $what"
    if [[ $(kind "$name") == region ]]; then
      f=$(field "$name" source)
      diff -u --label "a/$f" --label "b/$f" "$root/$f" "$(student_copy "$name")" || true
    else
      for f in $(field "$name" files); do
        diff -u --label "a/$f" --label "b/$f" "$ex_dir/$name/solution/$f" "$ex_dir/$name/$f" || true
      done
    fi
  } > "$out"
  [[ $(wc -l < "$out") -gt 1 ]] || { rm -f "$out"; die "your copy of $name does not differ from the reference"; }
  echo "wrote $out; exercises/run.sh self-check shows whether the tests reject it"
}

cmd=${1:-list}; name=${2:-}
case $cmd in
  list)
    printf '%-22s %-15s %-10s %-48s %s\n' NAME MODULE DIFFICULTY FILES SLIDE
    for n in $(names); do
      printf '%-22s %-15s %-10s %-48s %s\n' "$n" "$(field "$n" module)" "$(field "$n" difficulty)" \
        "$(files_of "$n")" "$(field "$n" slide)"
    done
    echo "start one: make exercise EX=<name>; check it: make check EX=<name>; docs/exercises.md" ;;
  start|reset)
    known "$name"
    if [[ $(kind "$name") == extend ]]; then
      for f in $(field "$name" files); do
        if [[ $cmd == start && -f $ex_dir/$name/$f ]]; then
          echo "exercises/$name/$f already exists (your work); 'make exercise-reset EX=$name' starts over"; exit 0
        fi
      done
      for f in $(field "$name" files); do cp "$ex_dir/$name/skeleton/$f" "$ex_dir/$name/$f"; done
      echo "exercise $name: $(field "$name" task)"
      echo "  your files: $(for f in $(field "$name" files); do printf 'exercises/%s/%s ' "$name" "$f"; done)"
      echo "  the steps: docs/exercises.md, section $name; then: make check EX=$name"
    else
      copy=$(student_copy "$name")
      if [[ $cmd == start && -f $copy ]]; then
        echo "$copy already exists (your work); 'make exercise-reset EX=$name' starts over"; exit 0
      fi
      splice "$name" "$root/$(field "$name" source)" - > "$copy"
      echo "exercise $name: edit $copy"
      echo "  the region between the '// EXERCISE $name' markers: $(field "$name" task)"
      echo "  then: make check EX=$name   (the reference, $(field "$name" source), is never touched)"
    fi ;;
  check)
    known "$name"
    for f in $(files_of "$name"); do
      [[ -f $ex_dir/$name/$(basename "$f") ]] || die "no working copy yet: make exercise EX=$name"
    done
    echo "building exercises/$name/ against $build and running $(field "$name" test_executable) --run_test=$(field "$name" tests)"
    rc=0; run_variant "$name" "$ex_dir/$name" student || rc=$?
    log=$work/$name/student.log
    case $rc in
      0) echo "PASS: exercise $name: every check passes" ;;
      3) compile_errors "$log"; echo "FAIL: exercise $name does not compile (full log: $log)"; exit 1 ;;
      *) verdict "$log"; echo "FAIL: exercise $name: the checks above failed (full log: $log)"; exit 1 ;;
    esac ;;
  _variant)  # one self-check build, run by xargs: _variant NAME DIR TAG; prints one result line
    rc=0; run_variant "$2" "$3" "$4" || rc=$?
    log=$work/$2/$4.log
    if [[ $4 == reference ]]; then
      case $rc in
        0) echo "$2: reference passes" ;;
        *) echo "$2: DEFECT: the reference fails its own tests ($log): $(verdict "$log" | head -n 1)$(compile_errors "$log" | head -n 1)" ;;
      esac
    else
      what=$(what_is_wrong "$2" "$4")
      case $rc in
        1) echo "$2: $4 rejected ($what): $(verdict "$log" | head -n 1)" ;;
        0) echo "$2: DEFECT: $4 ($what) passes the tests" ;;
        *) echo "$2: DEFECT: $4 does not compile ($log): $(compile_errors "$log" | head -n 1)" ;;
      esac
    fi ;;
  self-check)
    start=$SECONDS; mkdir -p "$work"
    list=$work/self-check.variants; : > "$list"
    for ex in $(names); do need_build "$(field "$ex" test_executable)"; done
    for ex in $(names); do [[ $(kind "$ex") == extend ]] && variants "$ex" >> "$list"; done  # the longest builds first
    for ex in $(names); do [[ $(kind "$ex") == region ]] && variants "$ex" >> "$list"; done
    n=$(names | wc -l); m=$(grep -vc ' reference$' "$list" || true)
    results=$work/self-check.results
    xargs -P "$jobs" -L 1 bash "$0" _variant < "$list" > "$results"
    sort "$results"
    bad=$(grep -c 'DEFECT' "$results" || true)
    done_count=$(wc -l < "$results")
    if [[ $done_count -ne $(wc -l < "$list") ]]; then
      echo "$n exercises: only $done_count of $(wc -l < "$list") builds reported"; exit 1
    fi
    if [[ $bad -eq 0 ]]; then echo "$n exercises, $m wrong solutions, all rejected ($((SECONDS - start)) s, $jobs builds at a time)"
    else echo "$n exercises, $m wrong solutions: $bad DEFECTS"; exit 1; fi ;;
  save-wrong)
    known "$name"; save_wrong "$name" "${3:-}" "${4:-}" ;;
  *) die "usage: exercises/run.sh list | start NAME | reset NAME | check NAME | self-check | save-wrong NAME TAG WHAT" ;;
esac
