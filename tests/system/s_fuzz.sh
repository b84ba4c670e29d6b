#!/usr/bin/env bash
# A bounded libFuzzer run (issue 6) over the memory image of the 6.1-orc
# sample: KDL_FUZZ_SECONDS (default 150) of mutated inputs, each analysed
# with ASan+UBSan and per-input limits; passes when nothing crashed, hung or
# leaked and the inputs really reached the task walk and the lock analysis.
# The harness is built with clang (make fuzz-build); it is sanitized itself, so
# it is a system test (make check-system): it runs once, not in both passes.
# Crashes are kept in build/fuzz/crashes/ (copy them to tests/fuzz/regress/).
. "$(dirname "$0")/../lib/sh.sh"
d=$KDL_SAMPLES/6.1-orc
if [ ! -f "$d/vmlinux" ]; then skip "6.1-orc sample not unpacked (make samples)"; done_testing; fi
fz=$TOP/build/fuzz
if ! make -C "$TOP" -s fuzz-build > "$fz.build.log" 2>&1; then
	if ! command -v clang-14 >/dev/null && ! command -v clang >/dev/null; then
		skip "fuzz: clang missing"
	else
		fail "fuzz: harness does not build: $(tail -3 "$fz.build.log")"
	fi
	done_testing
fi
secs=${KDL_FUZZ_SECONDS:-150}
mkdir -p "$fz/corpus-check" "$fz/crashes"
stats=$fz/stats-check.$$   # its own: several make check may run at once
trap 'rm -f "$stats"' EXIT
cd "$TOP" || exit 1
KDL_FUZZ_IMAGE=tests/fuzz/image/6.1-orc.img.gz KDL_FUZZ_VMLINUX="$d/vmlinux" \
KDL_FUZZ_STATS="$stats" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	"$fz/kdl_fuzz" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=512 \
	-max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$fz/crashes/" \
	"$fz/corpus-check" tests/fuzz/seeds tests/fuzz/regress > "$fz/check.$$.log" 2>&1
rc=$?
read -r _ exe _ tasks _ locks _ ok _ part _ rej < "$stats" 2>/dev/null
[ $rc = 0 ] && rm -f "$fz/check.$$.log"
if [ $rc = 0 ]; then
	pass "fuzz: ${secs}s, $exe inputs, no crash, hang, leak or sanitizer report"
else
	fail "fuzz: exit $rc: $(grep -m1 -E 'ERROR|SUMMARY|==' "$fz/check.$$.log") (log $fz/check.$$.log, artifacts in $fz/crashes)"
fi
if [ -n "$exe" ] && [ "$exe" -ge 100 ] && [ "$tasks" = "$exe" ] && [ $((locks * 10)) -ge $((exe * 9)) ]; then
	pass "fuzz: $tasks of $exe inputs reached the task walk, $locks the lock analysis ($part partial, $rej refused)"
else
	fail "fuzz: too few inputs reached the analysis: executed $exe, task walk $tasks, locks $locks"
fi
done_testing
