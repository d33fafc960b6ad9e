#!/bin/sh
# The installed package from the outside (issue 16): install this build into a fresh prefix, then configure,
# build and run docs/example against it, as a user's project would. The example links lecon::backprop and
# lecon::optimizers only, so it must configure without Boost (the library needs no Boost).
#   install_test.sh <build dir> <source dir> <work dir>
set -eu
build=$1 source=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
test -f "$work/prefix/lib/cmake/lecon/lecon-config.cmake"
test -f "$work/prefix/include/lecon/backprop/pipeline.hpp"
test -x "$work/prefix/bin/lecon"
cmake -S "$source/docs/example" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
if grep -q '^Boost_DIR:' "$work/example/CMakeCache.txt"; then
  echo "the example's configuration looked for Boost"; exit 1
fi
cmake --build "$work/example" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$work/example/two_moons" "$work/two_moons.h5"
# The installed tool reads the model file the library wrote.
"$work/prefix/bin/lecon" summary "$work/two_moons.h5"
