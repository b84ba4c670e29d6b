#!/usr/bin/env bash
# Lock analysis on every sample dump against the recorded truth (expected.json
# from the scenario module's manifest): waited resource, name, holder and its
# confidence, cycles, finding kinds (tests/lib/locks_check.py).
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

one() { # variant dump expected [console log of that boot]
	local v=$1 dump=$2 exp=$3 logname=${4:-console.log} d name rc
	d=$KDL_SAMPLES/$v; name="locks $v/$dump"
	if [ ! -f "$d/$dump" ] || [ ! -f "$d/vmlinux" ]; then skip "$name: sample not unpacked (make samples)"; return; fi
	# the truth unpacked next to the dump is of the same boot
	local truth=$d/$exp log=$d/$logname
	[ -f "$truth" ] || truth=$TOP/samples/$v/$exp
	[ -f "$log" ] || log=$TOP/samples/$v/truth/$logname
	if [ ! -f "$truth" ]; then skip "$name: $exp missing"; return; fi
	# --modules: the scenario module's DWARF names its structs' members
	"$KDLVIEW" --report --format json --modules "$d" "$d/$dump" "$d/vmlinux" > "$tmp/r.json" 2> "$tmp/err"
	rc=$?
	# 5: a usable but partial dump; the lock analysis is still judged
	if [ $rc != 0 ] && [ $rc != 5 ]; then fail "$name: kdlview exit $rc: $(head -c 300 "$tmp/err")"; return; fi
	checks_from python3 "$TOP/tests/lib/locks_check.py" "$name" "$tmp/r.json" "$truth" "$log"
}

for v in 6.1-orc 6.1-fp 6.12-lockdep 6.12-rt; do
	one $v vmcore.kdump expected.json
done
one 6.1-orc vmcore.elf expected.json
one 6.1-orc vmcore-novmcoreinfo.elf expected-novmcoreinfo.json console-novmcoreinfo.log
done_testing
