#!/usr/bin/env bash
# The text report's backtraces (crash's `bt` layout) equal crash's own `bt` of
# the same tasks on the 6.1 dumps (samples/<variant>/truth/crash-bt.txt).
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for v in 6.1-orc 6.1-fp; do
	d=$KDL_SAMPLES/$v; truth=$TOP/samples/$v/truth/crash-bt.txt
	if [ ! -f "$d/vmcore.kdump" ]; then skip "$v: sample not unpacked (make samples)"; continue; fi
	if [ ! -f "$truth" ]; then skip "$v: $truth missing"; continue; fi
	if ! "$KDLVIEW" --report "$d/vmcore.kdump" "$d/vmlinux" > "$tmp/r.txt" 2> "$tmp/err"; then
		fail "$v: kdlview failed: $(head -c 300 "$tmp/err")"; continue
	fi
	checks_from python3 "$TOP/tests/lib/bt_compare.py" "$v" "$tmp/r.txt" "$truth" "$d/expected.json"
done
done_testing
