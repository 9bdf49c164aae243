#!/usr/bin/env bash
# Runs the front end's libFuzzer target (stackc-fuzz, built by `make fuzz` with
# -sanitize=fuzzer,address -DFUZZING) for SECONDS with SEED (0: libFuzzer picks one), on the
# corpus in CORPUS (kept between runs; made from the seeds when empty): the example and
# acceptance manifests and every regression input. Findings go to FINDINGS; the exit status is
# libFuzzer's (0 when nothing was found). See docs/fuzzing.md.
#
#   scripts/fuzz.sh BINARY SECONDS SEED CORPUS FINDINGS
set -euo pipefail

binary=$1 seconds=$2 seed=$3 corpus=$4 findings=$5
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$corpus" "$findings"
if [ -z "$(ls -A "$corpus")" ]; then
  for seed_file in "$root"/manifests/*.yml "$root"/Tests/Acceptance/manifests/*.yml "$root"/Tests/Fuzz/regressions/*; do
    [ -f "$seed_file" ] && cp "$seed_file" "$corpus/seed-$(basename "$seed_file")"
  done
fi
# -timeout: an input that takes 10 s is a hang (a finding); -rss_limit_mb: 2 GB is unbounded
# memory for a manifest of at most 16 KB; -use_value_profile: comparisons guide the mutations
# (the key names, the words of closed sets). No leak detection: LeakSanitizer takes what
# Swift's lazily made globals hold for the life of the process (a `static let` of a renderer)
# for leaks, at every exit; memory that grows is caught by -rss_limit_mb instead.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
exec "$binary" "$corpus" \
  -dict="$root/Tests/Fuzz/manifest.dict" \
  -max_total_time="$seconds" -seed="$seed" \
  -max_len=16384 -timeout=10 -rss_limit_mb=2048 -use_value_profile=1 -detect_leaks=0 \
  -artifact_prefix="$findings/" -print_final_stats=1 -print_pcs=0 -reload=0
