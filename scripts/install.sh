#!/usr/bin/env bash
# Installs stackc and the StackDescription library a stack.swift is compiled against, from a
# build folder, under a prefix (as `make install PREFIX=…` does):
#
#   <prefix>/bin/stackc
#   <prefix>/lib/stackc/libStackDescription.a
#   <prefix>/lib/stackc/Modules/StackDescription.swiftmodule (and .swiftdoc: doc comments)
#   <prefix>/share/bash-completion/completions/stackc
#   <prefix>/share/zsh/site-functions/_stackc
#   <prefix>/share/fish/vendor_completions.d/stackc.fish
#   <prefix>/share/man/man1/stackc.1
#
# stackc finds the library relative to its own binary, as SwiftPM finds PackageDescription.
# The completions and the man page are generated from the installed stackc's argument parser:
# the completions by stackc itself (--generate-completion-script), the man page by
# swift-argument-parser's generate-manual tool from the build folder (`make install` and
# `make test` build it; elsewhere: swift build --product generate-manual), which reads
# stackc's --experimental-dump-help. Without that tool the man page is left out, with a note.
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

stackc=$prefix/bin/stackc
share=$prefix/share
install -d "$share/bash-completion/completions" "$share/zsh/site-functions" "$share/fish/vendor_completions.d"
"$stackc" --generate-completion-script bash >"$share/bash-completion/completions/stackc"
"$stackc" --generate-completion-script zsh >"$share/zsh/site-functions/_stackc"
"$stackc" --generate-completion-script fish >"$share/fish/vendor_completions.d/stackc.fish"
chmod 0644 "$share/bash-completion/completions/stackc" "$share/zsh/site-functions/_stackc" \
  "$share/fish/vendor_completions.d/stackc.fish"

if [ -x "$from/generate-manual" ]; then
  install -d "$share/man/man1"
  "$from/generate-manual" "$stackc" --output-directory "$share/man/man1" >/dev/null
  chmod 0644 "$share/man/man1/stackc.1"
  manual="and its man page in $share/man/man1"
else
  echo "install: no man page: $from/generate-manual is missing (swift build --product generate-manual)" >&2
  manual="without a man page"
fi
echo "installed stackc in $prefix/bin, StackDescription in $prefix/lib/stackc," \
  "its shell completions in $share $manual"
