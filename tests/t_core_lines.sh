#!/usr/bin/env bash
# file:line and inlined callers of every vmlinux frame of every task (--all)
# equal binutils' addr2line -i on the same vmlinux (an independent DWARF reader).
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v addr2line >/dev/null || { skip "addr2line (binutils) missing"; done_testing; }
for v in 6.1-orc 6.1-fp 6.12-lockdep 6.12-rt; do
	d=$KDL_SAMPLES/$v
	if [ ! -f "$d/vmcore.kdump" ]; then skip "$v: sample not unpacked (make samples)"; continue; fi
	if ! "$KDLVIEW" --report --all --format json "$d/vmcore.kdump" "$d/vmlinux" > "$tmp/r.json" 2> "$tmp/err"; then
		fail "$v: kdlview failed: $(head -c 300 "$tmp/err")"; continue
	fi
	checks_from python3 "$TOP/tests/lib/lines_check.py" "$v" "$tmp/r.json" "$d/vmlinux" $(ls "$d"/*.ko 2>/dev/null)
done
done_testing
