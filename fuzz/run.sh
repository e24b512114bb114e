#!/usr/bin/env bash
# Build every fuzz target, run each for N seconds, one after the other, and report per target
# the executions and whether it crashed. Exits non-zero when any target crashed, timed out on
# an input or ran out of memory.
#
#   fuzz/run.sh 60                        # all targets, 60 s each
#   fuzz/run.sh 600 config_load cache_json  # some of them
#
# Needs cargo-fuzz: `cargo install cargo-fuzz`. cargo-fuzz builds with nightly-only flags
# (-Zsanitizer=address); RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them, so no
# nightly toolchain is needed. Builds are in release mode with debug assertions (-a), so
# integer overflows panic.
#
# Each target starts from its corpus fuzz/corpus/<target>: the committed seeds (seed-*) plus
# whatever earlier runs found (not committed). A crashing input is saved in
# fuzz/artifacts/<target>/ (reproduce: cargo fuzz run -a <target> <file>); each run's libFuzzer
# output is in fuzz/logs/<target>.log.
#
# Per input: -timeout (s) and -rss_limit_mb bound a run, so a template that loops or pads
# without end is reported (as a timeout or out-of-memory) instead of hanging the script.
# Override with FUZZ_TIMEOUT / FUZZ_RSS_MB; FUZZ_JOBS=n runs n processes per target.
set -euo pipefail

usage() { echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || usage
seconds=$1
shift

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir/.."

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: run \`cargo install cargo-fuzz\` (a few minutes), then again" >&2
    exit 2
fi

export RUSTC_BOOTSTRAP=1
timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
jobs=${FUZZ_JOBS:-1}

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

mkdir -p "$fuzz_dir/logs"
echo "building the fuzz targets…"
# One build of all targets, then the binaries are run directly: `cargo fuzz run` would call
# cargo again for every target.
cargo fuzz build -a >"$fuzz_dir/logs/build.log" 2>&1 || {
    tail -30 "$fuzz_dir/logs/build.log" >&2
    exit 2
}
host=$(rustc -vV | sed -n 's/^host: //p')
bin_dir="$fuzz_dir/target/$host/release"
for t in "${targets[@]}"; do
    [[ -x $bin_dir/$t ]] || { echo "no fuzz target '$t' (see: cargo fuzz list)" >&2; exit 2; }
done

failed=0
printf '%-24s %14s  %s\n' target executions result
for t in "${targets[@]}"; do
    mkdir -p "$fuzz_dir/corpus/$t" "$fuzz_dir/artifacts/$t"
    log="$fuzz_dir/logs/$t.log"
    flags=(-max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb="$rss_mb"
        -print_final_stats=1)
    if [[ $jobs -gt 1 ]]; then
        flags+=(-jobs="$jobs" -workers="$jobs")
    fi
    flags+=(-artifact_prefix="$fuzz_dir/artifacts/$t/")
    status=0
    "$bin_dir/$t" "${flags[@]}" "$fuzz_dir/corpus/$t" >"$log" 2>&1 || status=$?
    if [[ $jobs -gt 1 ]]; then
        # Each job logs to fuzz-<n>.log in the working directory.
        for f in fuzz-*.log; do [[ -e $f ]] && cat "$f" >>"$log" && rm -f "$f"; done
    fi
    # Executions: libFuzzer's final stats (summed over jobs; printed twice when it stops on a
    # leak), else the last status line (#N …) before a crash.
    if [[ $jobs -gt 1 ]]; then
        runs=$(grep -ho 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{s += $2} END {if (NR) print s}')
    else
        runs=$(grep -ho 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    fi
    if [[ -z $runs ]]; then
        runs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | sort -n | tail -1)
    fi
    if grep -qE '^==[0-9]+== ?ERROR: libFuzzer: timeout|ALARM: working on the last Unit' "$log"; then
        result="TIMEOUT (an input ran over ${timeout_s}s)"
    elif grep -q 'ERROR: libFuzzer: out-of-memory\|ERROR: libFuzzer: malloc' "$log"; then
        result="OUT OF MEMORY (over ${rss_mb} MB)"
    elif [[ $status -ne 0 ]] || grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|panicked at' "$log"; then
        result="CRASH"
    else
        result="ok"
    fi
    if [[ $result != ok ]]; then
        failed=1
        artifact=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
        result="$result${artifact:+: $artifact} (log: $log)"
    fi
    printf '%-24s %14s  %s\n' "$t" "${runs:-?}" "$result"
done
exit $failed
