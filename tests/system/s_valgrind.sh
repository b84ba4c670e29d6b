#!/usr/bin/env bash
# valgrind over every sample dump (issue 6): the report of each dump file of
# each unpacked sample, with --all (every task unwound), must run without an
# invalid access, a use of uninitialised memory or a definite/indirect leak.
# A system test (make check-system): runs once, on the build without
# sanitizers (an ASan binary cannot run under valgrind); `make valgrind` runs
# it alone.
. "$(dirname "$0")/../lib/sh.sh"
if ! command -v valgrind >/dev/null; then skip "valgrind not installed"; done_testing; fi
K=$TOP/build/kdlview
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for dir in "$KDL_SAMPLES"/*/; do
	v=$dir/vmlinux
	[ -f "$v" ] || continue
	for f in vmcore.kdump vmcore.elf vmcore.qemu-kdump vmcore-novmcoreinfo.elf; do
		[ -f "$dir/$f" ] || continue
		name="$(basename "$dir")/$f"
		n=$((n + 1))
		valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect --track-origins=no \
			"$K" --report --all --format json "$dir/$f" "$v" > "$tmp/out" 2> "$tmp/vg"
		rc=$?
		if [ $rc = 99 ] || grep -q "^==[0-9]*== " "$tmp/vg"; then
			fail "valgrind $name: $(grep -m3 -E '^==[0-9]+== [A-Z]' "$tmp/vg" | tr '\n' ' ')"
			cp "$tmp/vg" "$BUILD/valgrind-$(basename "$dir")-$f.log" 2>/dev/null
		elif [ $rc != 0 ] && [ $rc != 5 ]; then
			fail "valgrind $name: exit $rc: $(tail -c 200 "$tmp/vg")"
		else
			pass "valgrind $name: clean (exit $rc)"
		fi
	done
done
[ $n -gt 0 ] || skip "no sample unpacked (make samples)"
done_testing
