#!/usr/bin/env bash
# Installs stackc and the StackDescription library a stack.swift is compiled against, from a
# build folder, under a prefix (as `make install PREFIX=…` does):
#
#   <prefix>/bin/stackc
#   <prefix>/lib/stackc/libStackDescription.a
#   <prefix>/lib/stackc/Modules/StackDescription.swiftmodule (and .swiftdoc: doc comments)
#
# stackc finds the library relative to its own binary, as SwiftPM finds PackageDescription.
# Usage: scripts/install.sh BUILD_FOLDER PREFIX
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 BUILD_FOLDER PREFIX" >&2
  exit 2
fi
from=$1
prefix=$2

for file in stackc libStackDescription.a Modules/StackDescription.swiftmodule; do
  if [ ! -e "$from/$file" ]; then
    echo "install: $from/$file is missing: build stackc and StackDescription first" >&2
    exit 1
  fi
done

install -d "$prefix/bin" "$prefix/lib/stackc/Modules"
install -m 0755 "$from/stackc" "$prefix/bin/stackc"
install -m 0644 "$from/libStackDescription.a" "$prefix/lib/stackc/libStackDescription.a"
for file in "$from"/Modules/StackDescription.swiftmodule "$from"/Modules/StackDescription.swiftdoc; do
  if [ -e "$file" ]; then
    install -m 0644 "$file" "$prefix/lib/stackc/Modules/"
  fi
done
echo "installed stackc in $prefix/bin and StackDescription in $prefix/lib/stackc"
