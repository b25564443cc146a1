#!/bin/sh
# Runs each libFuzzer target for a bounded time over the seed corpus (every
# .pdir / .toml of the test suite, plus pipeline seeds). Fails on any crash,
# leak, timeout or sanitizer report. Crash inputs are left in $work/artifacts.
# usage: tools/run-fuzzers.sh FUZZ_BUILD_DIR SECONDS_PER_TARGET
set -eu
build=$1 seconds=$2
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/prunedep-fuzz.XXXXXX)
mkdir -p "$work/pdir" "$work/rules" "$work/pipeline" "$work/artifacts"
find "$src/tests" "$src/ir" -name '*.pdir' -exec cp {} "$work/pdir/" \; 2>/dev/null || true
find "$src/tests" "$src/ir" "$src/plugins" -name '*.toml' -exec cp {} "$work/rules/" \; 2>/dev/null || true
i=0
for p in verify dce op-stats 'verify,dce,op-stats' 'channel-dependency{prune-type=batchnorm}' \
         'channel-dependency,input-channel-dependency,group-dependency,reshape-dependency,attention-weight-dependency' \
         'a{b=c,d=e},f' 'x{' ',' 'verify{}'; do
  printf '%s' "$p" > "$work/pipeline/seed$i"; i=$((i + 1))
done
echo "seed corpus: $(ls "$work/pdir" | wc -l) .pdir, $(ls "$work/rules" | wc -l) .toml, $(ls "$work/pipeline" | wc -l) pipelines"
status=0
for target in FuzzPdir:pdir FuzzRules:rules FuzzPipeline:pipeline; do
  exe=${target%%:*} corpus=${target#*:}
  echo "== $exe for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$build/tests/fuzz/$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/$exe-" \
      "$work/$corpus" > "$work/$exe.log" 2>&1; then
    echo "FAIL: $exe (log: $work/$exe.log)"
    tail -n 40 "$work/$exe.log"
    [ -z "${FUZZ_RESULTS:-}" ] || echo "FAIL fuzz $exe" >> "$FUZZ_RESULTS"
    status=1
  else
    grep -E "stat::number_of_executed_runs|cov:" "$work/$exe.log" | tail -n 2
    [ -z "${FUZZ_RESULTS:-}" ] || echo "PASS fuzz $exe" >> "$FUZZ_RESULTS"
  fi
done
[ $status -eq 0 ] && rm -rf "$work"
exit $status
