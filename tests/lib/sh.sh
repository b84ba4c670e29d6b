# tests/lib/sh.sh - helpers for shell tests (tests/t_*.sh); source it.
# Prints the same protocol as the C tests: PASS/FAIL/SKIP lines.
# Environment from tests/run.sh: TOP (repo), BUILD (build dir), KDLVIEW (binary),
# KDL_SAMPLES (unpacked samples, default $TOP/build/samples).
: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILD:=build}"
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
: "${KDLVIEW:=$BUILD/kdlview}"
: "${KDL_SAMPLES:=$TOP/build/samples}"
kdl_failed=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; kdl_failed=1; }
skip() { echo "SKIP $*"; }
# check NAME CMD...: PASS when CMD succeeds.
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n: command failed: $*"; fi; }
# sample_dir VARIANT: prints the directory or returns 1.
sample_dir() { [ -d "$KDL_SAMPLES/$1" ] && echo "$KDL_SAMPLES/$1"; }
done_testing() { exit $kdl_failed; }
