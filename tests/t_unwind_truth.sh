#!/usr/bin/env bash
# core/unwind against the kernel's own traces: every sample dump (every format
# present), every blocked task's reliable function list must equal its sysrq-w
# trace, and every soft-locked CPU's trace the kernel's lockup report (through
# the IRQ/softirq boundary). Uses the debug driver tests/tools/unwind_dump.c,
# which walks tasks and per-CPU stacks itself.
. "$(dirname "$0")/lib/sh.sh"
cd "$TOP" || exit 1
tool=$BUILD/tools/unwind_dump
if ! build_unwind_dump "$tool"; then
	fail "unwind_dump builds"
	done_testing
fi
for v in 6.1-orc 6.1-fp 6.12-lockdep 6.12-rt; do
	dir=$(sample_dir "$v") || { skip "unwind $v: sample not unpacked"; continue; }
	log=$TOP/samples/$v/truth/console.log
	[ -f "$log" ] || log=$dir/console.log
	[ -f "$log" ] && [ -f "$dir/vmlinux" ] || { skip "unwind $v: no truth/console.log or vmlinux"; continue; }
	# vmcore-novmcoreinfo.* is another boot (and needs the KASLR search)
	for dump in "$dir"/vmcore.kdump "$dir"/vmcore.elf "$dir"/vmcore.qemu-kdump; do
		[ -f "$dump" ] || continue
		fmt=${dump##*/vmcore.}
		out=$BUILD/tools/unwind-$v-$fmt.txt
		if ! "$tool" "$dump" "$dir/vmlinux" > "$out" 2>&1; then
			fail "unwind $v/$fmt: unwind_dump failed: $(tail -1 "$out")"
			continue
		fi
		checks_from python3 tests/tools/cmp_trace.py "$log" "$out" "unwind $v/$fmt"
	done
done
done_testing
