#!/bin/bash
# Docs that cannot drift from the code (issue 16):
#   check_docs.sh excerpts <source dir>
#     every ```cpp block of README.md and docs/*.md must follow a line "<!-- excerpt of FILE -->" and appear,
#     line for line, in FILE, a file the build compiles (tests/docs/doc_examples.cpp and its two siblings,
#     docs/example/main.cpp): so the docs' C++ compiles, with -Werror, and cannot drift from the API.
#   check_docs.sh headers <source dir>
#     every usage example in a header's comments (a line "// Compiled example (FILE):", FILE a compiled file
#     such as tests/docs/header_examples.cpp, then lines "//   code") appears, without its "//   ", line for
#     line in FILE; a run of two or more
#     code-like comment lines ("//   ...;") that is not so marked is an error, so examples cannot go unchecked.
#   check_docs.sh readme-tool <source dir> <lecon executable> <work dir>
#     runs the README's three iris commands (the ```sh block after "iris in three commands") as written,
#     from a folder laid out like the repository, and checks each one succeeded.
set -u
mode=$1 source=$2
case $mode in
excerpts)
  checked=0 failed=0
  for doc in "$source"/README.md "$source"/docs/*.md; do
    # Pull out (file, block) pairs with awk; blocks go to numbered temporary files.
    tmp=$(mktemp -d)
    awk -v dir="$tmp" '
      /^ *<!-- excerpt of .* -->$/ { file = $4; next }
      /^ *```cpp$/ { n++; print (file == "" ? "-" : file) > (dir "/" n ".file"); inside = 1; next }
      /^ *```$/ && inside { inside = 0; file = ""; next }
      inside { print > (dir "/" n ".block") }
      !inside && !/^```cpp$/ && !/^$/ { file = "" }' "$doc"
    for f in "$tmp"/*.file; do
      [ -e "$f" ] || continue
      block=${f%.file}.block
      if [ "$(cat "$f")" = "-" ]; then
        echo "$doc: a C++ block that is not marked as an excerpt of a compiled file (<!-- excerpt of FILE -->):"; head -3 "$block"
        failed=$((failed + 1)); continue
      fi
      target=$source/$(cat "$f")
      checked=$((checked + 1))
      # The block, line for line, inside the file: a literal substring test in bash (a quoted pattern is not a glob).
      text=$(cat "$target" 2>/dev/null) lines=$(cat "$block")
      if [ ! -f "$target" ] || [[ "$text" != *"$lines"* ]]; then
        echo "$doc: a block marked as an excerpt of $(cat "$f") is not in that file:"; cat "$block"; failed=$((failed + 1))
      fi
    done
    rm -rf "$tmp"
  done
  echo "$checked excerpts checked, $failed differ"
  [ $checked -gt 0 ] && [ $failed -eq 0 ]
  ;;
headers)
  checked=0 failed=0
  while IFS= read -r header; do
    tmp=$(mktemp -d)
    # Marked blocks go to numbered files (with the compiled file's name beside them); unmarked runs of
    # code-like comment lines are listed in "unmarked".
    awk -v dir="$tmp" '
      /^\/\/ Compiled example \([^ ]+\):$/ {
        n++; inside = 1; f = $0; sub(/^\/\/ Compiled example \(/, "", f); sub(/\):$/, "", f)
        print f > (dir "/" n ".file"); printf "" > (dir "/" n ".block"); next }
      inside && /^\/\/   / { print substr($0, 6) > (dir "/" n ".block"); next }
      { inside = 0 }
      /^ *\/\/   .*; *(\/\/.*)?$/ { run++; if (run == 2) print FNR ": " $0 > (dir "/unmarked"); next }
      { run = 0 }' "$header"
    for block in "$tmp"/*.block; do
      [ -e "$block" ] || continue
      target=$source/$(cat "${block%.block}.file")
      checked=$((checked + 1)) lines=$(cat "$block") text=$(cat "$target" 2>/dev/null)
      if [ ! -f "$target" ] || [ -z "$lines" ] || [[ "$text" != *"$lines"* ]]; then
        echo "$header: a compiled example that is not in $(cat "${block%.block}.file"):"; cat "$block"; failed=$((failed + 1))
      fi
    done
    if [ -s "$tmp/unmarked" ]; then
      echo "$header: code in a comment that is not marked as a compiled example (// Compiled example (FILE):):"
      cat "$tmp/unmarked"; failed=$((failed + 1))
    fi
    rm -rf "$tmp"
  done < <(find "$source/modules" -name '*.hpp' | sort)
  echo "$checked header examples checked, $failed problems"
  [ $checked -gt 0 ] && [ $failed -eq 0 ]
  ;;
readme-tool)
  lecon=$3 work=$4
  rm -rf "$work" && mkdir -p "$work/build/bin" && cd "$work" || exit 1
  ln -s "$source/data" data
  ln -s "$lecon" build/bin/lecon
  awk '/iris in three/ { want = 1 } want && /^```sh$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$source/README.md" > commands.sh
  [ "$(grep -c '^build/bin/lecon ' commands.sh)" -eq 3 ] || { echo "expected three lecon commands in README.md"; cat commands.sh; exit 1; }
  set -e
  while read -r line; do echo "\$ $line"; eval "$line" 2>/dev/null; done < commands.sh
  [ "$(wc -l < predictions.csv)" -eq 151 ]
  echo "the README's iris commands ran"
  ;;
esac
