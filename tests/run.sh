#!/usr/bin/env bash
# tests/run.sh - run every test of one build and count the results.
# Usage: BUILD=build tests/run.sh [PATTERN]   (make check calls it)
# Runs $BUILD/tests/{unit,tui}_* binaries and tests/t_*.sh, counts their
# PASS/FAIL/SKIP lines, and prints "N passed, N failed[, N skipped]" last.
# With CI=true a SKIP counts as a failure (nothing may be skipped in CI).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
export TOP BUILD
export KDLVIEW=${KDLVIEW:-$BUILD/kdlview}
export KDL_SAMPLES=${KDL_SAMPLES:-$TOP/build/samples}
pattern=${1:-}
timeout_s=${KDL_TEST_TIMEOUT:-900}
ci=0; [ "${CI:-}" = true ] && ci=1
npass=0; nfail=0; nskip=0
log=$BUILD/test-logs; mkdir -p "$log"

run_one() { # name, command...
	local name=$1; shift
	local out=$log/$name.log rc p f s
	timeout "$timeout_s" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^SKIP ' "$out")
	grep -E '^(FAIL|SKIP) ' "$out" | sed "s|^|  $name: |"
	if [ $ci = 1 ] && [ "$s" -gt 0 ]; then f=$((f + s)); s=0; fi
	if [ $rc = 77 ] && [ $((p + f + s)) = 0 ]; then
		if [ $ci = 1 ]; then f=1; echo "  $name: FAIL skipped as a whole (CI)"; else s=1; fi
	elif [ $rc != 0 ] && [ "$f" = 0 ]; then
		f=1
		if [ $rc = 124 ]; then echo "  $name: FAIL timed out after ${timeout_s}s"
		else echo "  $name: FAIL exited with status $rc (see $out)"; fi
		tail -n 5 "$out" | sed 's/^/    | /'
	elif [ $((p + f + s)) = 0 ]; then
		p=1
	fi
	npass=$((npass + p)); nfail=$((nfail + f)); nskip=$((nskip + s))
	printf '%-32s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
}

for t in "$BUILD"/tests/unit_* "$BUILD"/tests/tui_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	case $t in *.d|*.o) continue ;; esac
	name=$(basename "$t")
	[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
	run_one "$name" "$t"
done
for t in tests/t_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
	run_one "$name" bash "$t"
done

if [ "$nskip" -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ "$nfail" = 0 ]
