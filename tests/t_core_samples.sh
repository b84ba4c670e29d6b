#!/usr/bin/env bash
# Every sample dump of every format opens; its tasks equal the recorded truth
# (expected.json: the kernel's own sysrq-w list, the scenario manifest, sysrq-l;
# crash ps where it ran); the JSON report validates against the schema.
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

one() { # variant dump expected [crash_ps [drgn]]
	local v=$1 dump=$2 exp=$3 ps=${4:-} dr=${5:-} d name rc
	d=$KDL_SAMPLES/$v; name="$v/$dump"
	if [ ! -f "$d/$dump" ] || [ ! -f "$d/vmlinux" ]; then skip "$name: sample not unpacked (make samples)"; return; fi
	if [ ! -f "$d/$exp" ]; then skip "$name: $exp missing"; return; fi
	"$KDLVIEW" --report --format json --all "$d/$dump" "$d/vmlinux" > "$tmp/r.json" 2> "$tmp/err"
	rc=$?
	if [ $rc != 0 ]; then fail "$name: kdlview exit $rc: $(head -c 300 "$tmp/err")"; return; fi
	pass "$name: opens (exit 0)"
	checks_from python3 "$TOP/tests/lib/core_check.py" "$name" "$tmp/r.json" "$d/$exp" "$ps" "$dr"
	# either order of the two files
	"$KDLVIEW" --report --format json "$d/vmlinux" "$d/$dump" > "$tmp/r2.json" 2>/dev/null
	check "$name: VMLINUX VMCORE order works" test $? = 0
}

for v in 6.1-orc 6.1-fp 6.12-lockdep 6.12-rt; do
	one $v vmcore.kdump expected.json "$TOP/samples/$v/truth/crash-ps.txt" "$TOP/samples/$v/truth/drgn.txt"
done
t=$TOP/samples/6.1-orc/truth
one 6.1-orc vmcore.elf expected.json "$t/crash-ps.txt" "$t/drgn.txt"
one 6.1-orc vmcore.qemu-kdump expected.json "$t/crash-ps.txt" "$t/drgn.txt"
one 6.1-orc vmcore-novmcoreinfo.elf expected-novmcoreinfo.json
done_testing
