#!/bin/sh
# Runs each libFuzzer target for a bounded time over its seed corpus (every
# .pdir / .toml of the test suite, plus pipeline seeds). Fails on any crash,
# leak, timeout, out-of-memory or sanitizer report. Crash inputs are left in
# $work/artifacts (the script prints where); make each a regression test.
# usage: tools/run-fuzzers.sh FUZZ_BUILD_DIR SECONDS_PER_TARGET
#
# Memory: the IR interns symbols, types and attribute lists process-wide and
# never frees them (a graph's values point into those tables), so a fuzzing
# process grows a little with every distinct name it parses. Measured peak
# RSS after 60 s is in docs/reliability.md; -rss_limit_mb stays well
# above it so that only a real blow-up (one input allocating gigabytes) is
# reported, and -malloc_limit_mb catches such a single allocation at once.
set -eu
build=$1 seconds=$2
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/prunedep-fuzz.XXXXXX)
mkdir -p "$work/pdir" "$work/rules" "$work/rule-analysis" "$work/pipeline" "$work/plan" "$work/artifacts"
find "$src/tests" "$src/ir" -name '*.pdir' -exec cp {} "$work/pdir/" \; 2>/dev/null || true
find "$src/tests" "$src/ir" "$src/plugins" -name '*.toml' -exec cp {} "$work/rules/" \; 2>/dev/null || true

# FuzzRuleAnalysis and FuzzPipeline read one byte choosing an embedded test
# graph (tests/fuzz/meson.build lists them), then the text: seed every text
# with every graph.
graphs=$(find "$src/tests/passes" "$src/tests/examples" "$src/tests/rules" \
         -name '*.pdir' -not -path '*/Inputs/*' | wc -l)
i=0
for p in verify dce op-stats 'verify,dce,op-stats' 'channel-dependency{prune-type=batchnorm}' \
         'channel-dependency,input-channel-dependency,group-dependency,reshape-dependency,attention-weight-dependency' \
         'channel-groups' 'channel-groups{values=true}' 'dot' 'dot{coupled-only=true}' 'explain{layer=conv}' \
         'dce,channel-groups,explain{layer=a}' 'a{b=c,d=e},f' 'x{' ',' 'verify{}' \
         'attention-heads' 'channel-groups{granularity=head,values=true}' \
         'prune-plan{ratio=0.5,importance=random}' 'prune{ratio=0.5,importance=random,keep-outputs=false}' \
         'prune{ratio=0.9,global=true,round-to=2,granularity=head}'; do
  g=0
  while [ $g -lt "$graphs" ]; do
    { printf "\\$(printf '%03o' $g)"; printf '%s' "$p"; } > "$work/pipeline/seed$i-$g"
    g=$((g + 1))
  done
  i=$((i + 1))
done
for f in "$work"/rules/*.toml; do
  g=0
  while [ $g -lt "$graphs" ]; do
    { printf "\\$(printf '%03o' $g)"; cat "$f"; } > "$work/rule-analysis/$(basename "$f" .toml)-$g"
    g=$((g + 1))
  done
done
# FuzzPlan: the plan of every test graph as `prunedep prune --plan-out`
# writes it, after the byte that picks a graph (the same order as above).
g=0
for f in $(find "$src/tests/passes" "$src/tests/examples" "$src/tests/rules" -name '*.pdir' -not -path '*/Inputs/*'); do
  if "$build/tools/prunedep/prunedep" prune "$f" --ratio 0.5 --prune-outputs --unknown-ops=barrier \
       --plan-out "$work/plan.json" -o /dev/null > /dev/null 2>&1; then
    { printf "\\$(printf '%03o' $((g % 256)))"; cat "$work/plan.json"; } > "$work/plan/seed-$g"
  fi
  g=$((g + 1))
done
rm -f "$work/plan.json"
echo "seed corpus: $(ls "$work/pdir" | wc -l) .pdir, $(ls "$work/rules" | wc -l) .toml," \
     "$(ls "$work/rule-analysis" | wc -l) rule file x graph, $(ls "$work/pipeline" | wc -l) pipeline x graph," \
     "$(ls "$work/plan" | wc -l) plans"

status=0
for target in FuzzPdir:pdir FuzzRules:rules FuzzRuleAnalysis:rule-analysis FuzzPipeline:pipeline FuzzPlan:plan; do
  exe=${target%%:*} corpus=${target#*:}
  echo "== $exe for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$build/tests/fuzz/$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
      -malloc_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/$exe-" "$work/$corpus" > "$work/$exe.log" 2>&1; then
    echo "FAIL: $exe (log: $work/$exe.log, inputs: $work/artifacts)"
    tail -n 40 "$work/$exe.log"
    [ -z "${FUZZ_RESULTS:-}" ] || echo "FAIL fuzz $exe" >> "$FUZZ_RESULTS"
    status=1
  else
    grep -E "stat::number_of_executed_runs|stat::peak_rss_mb|cov:" "$work/$exe.log" | tail -n 3
    [ -z "${FUZZ_RESULTS:-}" ] || echo "PASS fuzz $exe" >> "$FUZZ_RESULTS"
  fi
done
[ $status -eq 0 ] && rm -rf "$work"
exit $status
