#!/usr/bin/env bash
# Fetch a real open-source project at a pinned version from PyPI (an sdist) into .tools/samples and print
# the path of the unpacked tree. Nothing from it is committed here.
#   bash scripts/sample.sh [NAME==VERSION]      (default: requests==2.32.3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC="${1:-requests==2.32.3}"
NAME="${SPEC%%==*}"; VERSION="${SPEC##*==}"
DEST="$ROOT/.tools/samples"
TREE="$DEST/$NAME-$VERSION"
if [[ ! -d "$TREE" ]]; then
  mkdir -p "$DEST/dl"
  "${PYTHON:-python3}" -m pip download --quiet --no-deps --no-binary :all: "$SPEC" -d "$DEST/dl" >&2
  archive=$(ls "$DEST/dl/$NAME-$VERSION".tar.gz "$DEST/dl/${NAME//-/_}-$VERSION".tar.gz 2>/dev/null | head -1)
  [[ -n "$archive" ]] || { echo "sample.sh: no sdist for $SPEC" >&2; exit 1; }
  tar xzf "$archive" -C "$DEST"
  [[ -d "$TREE" ]] || mv "$DEST/${NAME//-/_}-$VERSION" "$TREE"
fi
echo "$TREE"
