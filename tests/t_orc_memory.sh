#!/usr/bin/env bash
# Unwinding with the vmlinux ORC tables read from the dump's memory gives the
# same frames as with the vmlinux file's tables, on every ORC sample, and both
# equal the kernel's own traces (sysrq-w, lockup reports; tests/tools/cmp_trace.py).
# The tables themselves are compared entry by entry in tests/unit_orc_memory.c.
. "$(dirname "$0")/lib/sh.sh"
cd "$TOP" || exit 1
tool=$BUILD/tools/unwind_dump_orcmem
if ! build_unwind_dump "$tool"; then
	fail "unwind_dump builds"
	done_testing
fi
for v in 6.1-orc 6.12-lockdep 6.12-rt; do
	dir=$(sample_dir "$v") || { skip "orc-memory $v: sample not unpacked"; continue; }
	log=$TOP/samples/$v/truth/console.log
	[ -f "$log" ] || log=$dir/console.log
	file=$BUILD/tools/orcmem-$v-file.txt mem=$BUILD/tools/orcmem-$v-mem.txt
	"$tool" "$dir/vmcore.kdump" "$dir/vmlinux" all > "$file" 2>&1 ||
		{ fail "orc-memory $v: unwind with the file's tables: $(tail -1 "$file")"; continue; }
	UNWIND_ORC_MEMORY=1 "$tool" "$dir/vmcore.kdump" "$dir/vmlinux" all > "$mem" 2>&1 ||
		{ fail "orc-memory $v: unwind with the memory tables: $(tail -1 "$mem")"; continue; }
	n=$(grep -c 'quality=' "$file")
	if [ "$n" -gt 20 ] && cmp -s "$file" "$mem"; then
		pass "orc-memory $v: the same frames for all $n traces (every task and CPU)"
	else
		fail "orc-memory $v: frames differ ($n traces): $(diff "$file" "$mem" | head -3 | tr '\n' ' ')"
	fi
	if [ -f "$log" ]; then
		UNWIND_ORC_MEMORY=1 "$tool" "$dir/vmcore.kdump" "$dir/vmlinux" > "$mem.un" 2>&1
		checks_from python3 tests/tools/cmp_trace.py "$log" "$mem.un" "orc-memory $v truth"
	else
		skip "orc-memory $v: no console.log for the kernel's traces"
	fi
done
done_testing
