#!/usr/bin/env bash
# Damaged dump files (headers, notes, flattened records, descriptors) never
# crash or hang kdlview: every run ends with a documented exit code (0, 3, 4
# or 5) within the time limit, and under ASan without a sanitizer report.
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
d=$KDL_SAMPLES/6.1-orc
if [ ! -f "$d/vmcore.kdump" ]; then skip "6.1-orc sample not unpacked (make samples)"; done_testing; fi

# corrupt SRC NAME OFFSET BYTES...: a copy of the first 12 MiB with bytes patched
corrupt() {
	local src=$1 name=$2 off=$3; shift 3
	head -c $((12 << 20)) "$src" > "$tmp/$name"
	python3 - "$tmp/$name" "$off" "$@" <<'PY'
import sys
p, off, vals = sys.argv[1], int(sys.argv[2], 0), [int(v, 0) for v in sys.argv[3:]]
with open(p, "r+b") as f:
    f.seek(off)
    f.write(bytes(vals))
PY
}

run() { # NAME FILE
	local name=$1 f=$2 rc
	timeout 120 "$KDLVIEW" --report "$f" "$d/vmlinux" > "$tmp/out" 2> "$tmp/err"; rc=$?
	case $rc in
	0|3|4|5) if grep -q "ERROR: .*Sanitizer\|runtime error" "$tmp/err"; then
			fail "$name: sanitizer report: $(grep -m1 "ERROR: .*Sanitizer\|runtime error" "$tmp/err")"
		else pass "$name: exit $rc"; fi ;;
	124) fail "$name: hung (timeout)" ;;
	*) fail "$name: exit $rc: $(head -c 300 "$tmp/err")" ;;
	esac
}

k=$d/vmcore.kdump
corrupt "$k" k1 428 0xff 0xff 0xff 0x7f;          run "kdump: block_size 2^31-1" "$tmp/k1"
corrupt "$k" k2 432 0xff 0xff 0xff 0x0f;          run "kdump: huge sub_hdr_size" "$tmp/k2"
corrupt "$k" k3 436 0x00 0x00 0x00 0x00;          run "kdump: no bitmap blocks" "$tmp/k3"
corrupt "$k" k4 440 0xff 0xff 0xff 0xff;          run "kdump: max_mapnr 2^32-1" "$tmp/k4"
corrupt "$k" k5 4096 $(printf '0xff %.0s' $(seq 1 64)); run "kdump: sub-header garbage" "$tmp/k5"
corrupt "$k" k6 28672 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0x7f 0xff 0xff 0xff 0xff; run "kdump: first page descriptor garbage" "$tmp/k6"
e=$d/vmcore.elf
if [ -f "$e" ]; then
	corrupt "$e" e1 56 0xff 0xff;                  run "elf: e_phnum 65535" "$tmp/e1"
	corrupt "$e" e2 32 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0x7f; run "elf: e_phoff far away" "$tmp/e2"
	# the first program header is PT_NOTE in QEMU's dumps: huge p_filesz
	ph=$(python3 -c "import struct;print(struct.unpack_from('<Q',open('$e','rb').read(64),32)[0])")
	corrupt "$e" e3 $((ph + 32)) 0xff 0xff 0xff 0xff 0xff 0xff 0x00 0x00; run "elf: note segment 280 TB" "$tmp/e3"
	# note headers inside the PT_NOTE segment: garbage name/desc sizes
	noff=$(python3 -c "import struct;print(struct.unpack_from('<Q',open('$e','rb').read($ph+64),$ph+8)[0])")
	corrupt "$e" e4 "$noff" 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff; run "elf: first note sizes 2^32-1" "$tmp/e4"
	corrupt "$e" e5 $((noff + 400)) $(printf '0x41 %.0s' $(seq 1 200)); run "elf: notes overwritten" "$tmp/e5"
fi
q=$d/vmcore.qemu-kdump
if [ -f "$q" ]; then
	corrupt "$q" q1 4096 0x7f 0xff 0xff 0xff 0xff 0xff 0xff 0xff; run "flattened: record offset 2^63" "$tmp/q1"
	corrupt "$q" q2 4104 0x00 0x00 0x00 0x10 0x00 0x00 0x00 0x00; run "flattened: record size 64 GiB" "$tmp/q2"
	corrupt "$q" q3 4104 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff; run "flattened: record size -1" "$tmp/q3"
	corrupt "$q" q4 8 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x09; run "flattened: unknown type" "$tmp/q4"
fi
# random flips in the first 64 KiB (headers, notes, bitmaps), fixed seeds
for f in vmcore.kdump vmcore.elf vmcore.qemu-kdump; do
	[ -f "$d/$f" ] || continue
	for seed in 1 2 3 4 5 6; do
		head -c $((12 << 20)) "$d/$f" > "$tmp/r"
		python3 - "$tmp/r" "$seed" <<'PY'
import random, sys
p, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
with open(p, "r+b") as f:
    data = bytearray(f.read(65536))
    for _ in range(24):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    f.seek(0)
    f.write(data)
PY
		run "$f: 24 random bytes in the first 64 KiB (seed $seed)" "$tmp/r"
	done
done
done_testing
