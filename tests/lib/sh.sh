# tests/lib/sh.sh - helpers for shell tests (tests/t_*.sh, tests/system/s_*.sh);
# source it. Prints the same protocol as the C tests: PASS/FAIL/SKIP lines, and
# done_testing (the last command of every test) prints the closing line
# "N passed, N failed[, N skipped]" from its own counters (tests/README.md).
# Environment from tests/run.sh: TOP (repo), BUILD (build dir), KDLVIEW (binary),
# KDL_SAMPLES (unpacked samples, default $TOP/build/samples), KDL_CACHE (system
# tests only: a cache directory outside the clone).
: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${BUILD:=build}"
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
: "${KDLVIEW:=$BUILD/kdlview}"
: "${KDL_SAMPLES:=$TOP/build/samples}"
kdl_failed=0

# The counters are letters in an unlinked file held open on a descriptor, so
# that pass/fail/skip called in a subshell or a pipeline (cmd | while ...; do
# pass ...; done) count too. Read back through /proc (Linux).
kdl_tally_file=$(mktemp "${TMPDIR:-/tmp}/kdltally.XXXXXX") || exit 1
exec {kdl_tally_fd}>>"$kdl_tally_file"
rm -f "$kdl_tally_file"
kdl_tally_file=/proc/$$/fd/$kdl_tally_fd
kdl_tally() { printf '%s' "$1" >&"$kdl_tally_fd"; }

pass() { echo "PASS $*"; kdl_tally P; }
fail() { echo "FAIL $*"; kdl_tally F; kdl_failed=1; }
skip() { echo "SKIP $*"; kdl_tally S; }
# check NAME CMD...: PASS when CMD succeeds.
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n: command failed: $*"; fi; }
# checks_from CMD...: run a helper that prints PASS/FAIL/SKIP lines itself
# (tests/lib/*.py, inline python3 -); its lines count as this test's. A helper
# that exits non-zero without a FAIL line counts as one failure.
checks_from() {
	local rc nf
	"$@" | {
		nf=0
		while IFS= read -r line || [ -n "$line" ]; do
			printf '%s\n' "$line"
			case $line in
			"PASS "*) kdl_tally P ;;
			"FAIL "*) kdl_tally F; nf=1 ;;
			"SKIP "*) kdl_tally S ;;
			esac
		done
		exit $nf
	}
	rc=("${PIPESTATUS[@]}")
	[ "${rc[1]}" = 0 ] || kdl_failed=1
	if [ "${rc[0]}" != 0 ] && [ "${rc[1]}" = 0 ]; then
		fail "${*:1:2}: exit ${rc[0]} without a FAIL line"
	fi
	[ "${rc[0]}" = 0 ] && [ "${rc[1]}" = 0 ]
}
# sample_dir VARIANT: prints the directory or returns 1.
sample_dir() { [ -d "$KDL_SAMPLES/$1" ] && echo "$KDL_SAMPLES/$1"; }
# build_unwind_dump OUT: build the debug driver tests/tools/unwind_dump.c
# (sanitized in the ASan run); returns 1 when it does not build.
build_unwind_dump() {
	local san=
	mkdir -p "$(dirname "$1")"
	[ "${KDL_SANITIZED:-}" = 1 ] && san="-fsanitize=address,undefined"
	cc -std=c11 -D_GNU_SOURCE -g $san -I. -o "$1" tests/tools/unwind_dump.c \
		"$BUILD/libkdlcore.a" $(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory -C "$TOP" print-libs)
}
# done_testing: the closing line from the counters, then exit (1 on a failure).
done_testing() {
	local t p f s
	t=$(cat "$kdl_tally_file")
	p=${t//[^P]/}; f=${t//[^F]/}; s=${t//[^S]/}
	if [ ${#s} -gt 0 ]; then
		echo "${#p} passed, ${#f} failed, ${#s} skipped"
	else
		echo "${#p} passed, ${#f} failed"
	fi
	[ ${#f} -gt 0 ] && kdl_failed=1
	exit $kdl_failed
}
