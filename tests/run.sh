#!/usr/bin/env bash
# tests/run.sh - run every test of one build and count the results.
# Usage: BUILD=build tests/run.sh [PATTERN]        (make check-plain, check-asan)
#        BUILD=build tests/run.sh --system [PATTERN] (make check-system)
# Runs $BUILD/tests/{unit,tui}_* binaries and tests/t_*.sh; with --system only
# tests/system/s_*.sh, once, on a build without sanitizers, with KDL_CACHE
# (default /var/cache/kdlview) exported. Counts their PASS/FAIL/SKIP lines and
# prints "N passed, N failed[, N skipped]" last.
# Every test ends with its own closing line "N passed, N failed[, N skipped]"
# (tests/lib/kdltest.c, tests/lib/sh.sh); a test that exits without one, or
# whose closing counts disagree with its lines, fails. Only exit 77 with no
# output at all (the whole test skipped) needs none.
# With CI=true a SKIP counts as a failure (nothing may be skipped in CI).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
system=0
if [ "${1:-}" = --system ]; then system=1; shift; fi
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

if [ $system = 1 ]; then
	if [ "${KDL_SANITIZED:-}" = 1 ]; then
		echo "run.sh --system: system tests run once, without sanitizers" >&2
		exit 2
	fi
	# Caches of system tests (guest images, chroots, browsers) live outside
	# the clone so that later runs on the same machine reuse them. Without
	# KDL_CACHE: /var/cache/kdlview, or ~/.cache/kdlview when that is not
	# writable (not root).
	if [ -z "${KDL_CACHE:-}" ]; then
		KDL_CACHE=/var/cache/kdlview
		if ! { mkdir -p "$KDL_CACHE" 2>/dev/null && [ -w "$KDL_CACHE" ]; }; then
			KDL_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kdlview
		fi
	fi
	export KDL_CACHE
	case $KDL_CACHE in "$TOP"|"$TOP"/*)
		echo "run.sh --system: KDL_CACHE=$KDL_CACHE is inside the clone" >&2; exit 2 ;;
	esac
	if ! { mkdir -p "$KDL_CACHE" 2>/dev/null && [ -w "$KDL_CACHE" ]; }; then
		echo "run.sh --system: cache $KDL_CACHE not writable (set KDL_CACHE)" >&2
		exit 2
	fi
	echo "system tests: KDL_CACHE=$KDL_CACHE"
fi

closing_re='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'

run_one() { # name, command...
	local name=$1; shift
	local out=$log/$name.log rc p f s cl cp cf cs t0 secs
	t0=$SECONDS
	timeout "$timeout_s" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - t0))
	p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^SKIP ' "$out")
	grep -E '^(FAIL|SKIP) ' "$out" | sed "s|^|  $name: |"
	cl=$(grep -E "$closing_re" "$out" | tail -n 1)
	if [ $rc = 77 ] && [ $((p + f + s)) = 0 ] && [ -z "$cl" ]; then
		if [ $ci = 1 ]; then f=1; echo "  $name: FAIL skipped as a whole (CI)"; else s=1; fi
	elif [ $rc = 124 ]; then
		f=$((f + 1)); echo "  $name: FAIL timed out after ${timeout_s}s"
	elif [ -z "$cl" ]; then
		# died before its end (crash, sanitizer report, exit) or forgot it
		if [ $rc = 0 ] || [ "$f" = 0 ]; then f=$((f + 1)); fi
		echo "  $name: FAIL exited with status $rc without a closing line 'N passed, N failed' (see $out)"
		tail -n 5 "$out" | sed 's/^/    | /'
	else
		[[ $cl =~ $closing_re ]]
		cp=${BASH_REMATCH[1]}; cf=${BASH_REMATCH[2]}; cs=${BASH_REMATCH[4]:-0}
		if [ "$cp" != "$p" ] || [ "$cf" != "$f" ] || [ "$cs" != "$s" ]; then
			echo "  $name: FAIL closing line '$cl' disagrees with its lines: $p PASS, $f FAIL, $s SKIP"
			f=$((f + 1))
		elif [ $((p + f + s)) = 0 ]; then
			f=1; echo "  $name: FAIL closing line '$cl': the test checked nothing"
		fi
		if [ $rc != 0 ] && [ "$f" = 0 ]; then
			f=1; echo "  $name: FAIL exited with status $rc after its closing line (see $out)"
			tail -n 5 "$out" | sed 's/^/    | /'
		fi
	fi
	if [ $ci = 1 ] && [ "$s" -gt 0 ]; then f=$((f + s)); s=0; fi
	npass=$((npass + p)); nfail=$((nfail + f)); nskip=$((nskip + s))
	printf '%-32s %3d passed, %d failed, %d skipped  (%ds)\n' "$name" "$p" "$f" "$s" "$secs"
}

if [ $system = 1 ]; then
	for t in tests/system/s_*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
		run_one "$name" bash "$t"
	done
else
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
fi

if [ "$nskip" -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ "$nfail" = 0 ]
