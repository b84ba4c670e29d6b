#!/usr/bin/env bash
# The command line and its exit codes: bad inputs give one line on stderr that
# names the file, and the documented exit code (README "Exit codes").
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
d=$KDL_SAMPLES/6.1-orc
K=$KDLVIEW

# expect NAME CODE PATTERN CMD...: exit code, exactly one stderr line matching PATTERN
expect() {
	local name=$1 code=$2 pat=$3 rc lines; shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
	lines=$(wc -l < "$tmp/err")
	if [ "$rc" != "$code" ]; then fail "$name: exit $rc, want $code ($(head -c 200 "$tmp/err"))"
	elif [ -n "$pat" ] && { [ "$lines" != 1 ] || ! grep -Eq -- "$pat" "$tmp/err"; }; then
		fail "$name: stderr is not one line matching /$pat/: $(head -c 300 "$tmp/err")"
	else pass "$name (exit $code)"; fi
}

expect "usage: no arguments" 2 "" "$K"
expect "usage: three arguments" 2 "" "$K" a b c
expect "one argument (VMCORE alone): an empty dump" 3 "/dev/null" "$K" /dev/null
expect "usage: unknown option" 2 "" "$K" --bogus a b
expect "usage: bad --format" 2 "" "$K" --format xml a b
expect "usage: bad --fail-on" 2 "" "$K" --fail-on maybe a b
check "--help exits 0 and documents --fail-on" sh -c "'$K' --help | grep -q -- --fail-on"
# --version: the version of debian/changelog (its one source) and the
# libraries' versions as pkg-config knows them on this machine.
"$K" --version > "$tmp/ver" 2>&1
want="kdlview $(dpkg-parsechangelog -l "$TOP/debian/changelog" -SVersion)
  libkdumpfile $(pkg-config --modversion libkdumpfile) (built with)
  libdw $(pkg-config --modversion libdw)
  ncurses $(pkg-config --modversion ncursesw)"
if [ "$(cat "$tmp/ver")" = "$want" ]; then pass "--version: $(tr '\n' ' ' < "$tmp/ver")"
else fail "--version: got '$(cat "$tmp/ver")', want '$want'"; fi

if [ ! -f "$d/vmcore.kdump" ] || [ ! -f "$d/vmlinux" ]; then
	skip "6.1-orc sample not unpacked (make samples): input error tests"
	done_testing
fi
expect "missing dump" 3 "/nonexistent/vmcore.*(No such file|cannot open)" "$K" --report /nonexistent/vmcore "$d/vmlinux"
expect "directory as dump" 3 "$tmp.*directory" "$K" --report "$tmp" "$d/vmlinux"
echo "hello" > "$tmp/notadump"
expect "non-dump file" 3 "notadump.*not a crash dump" "$K" --report "$tmp/notadump" "$d/vmlinux"
: > "$tmp/empty"
expect "empty file" 3 "empty" "$K" --report "$tmp/empty" "$d/vmlinux"
expect "missing vmlinux" 3 "/nonexistent/vmlinux" "$K" --report "$d/vmcore.kdump" /nonexistent/vmlinux
expect "text file as vmlinux" 4 "notadump.*not a vmlinux" "$K" --report "$d/vmcore.kdump" "$tmp/notadump"
if command -v objcopy >/dev/null; then
	objcopy --strip-debug "$d/vmlinux" "$tmp/vmlinux-nodebug" 2>/dev/null
	expect "vmlinux without debug info" 4 "vmlinux-nodebug.*no debug info" \
		"$K" --report "$d/vmcore.kdump" "$tmp/vmlinux-nodebug"
	rm -f "$tmp/vmlinux-nodebug"
else
	skip "vmlinux without debug info: objcopy missing"
fi
# a vmlinux of another build: same release, other build-id (patch the note)
cp "$d/vmlinux" "$tmp/vmlinux-other"
python3 - "$tmp/vmlinux-other" <<'PY'
import sys, subprocess, re
p = sys.argv[1]
bid = re.search(r"Build ID: ([0-9a-f]+)", subprocess.run(["readelf", "-n", p], capture_output=True, text=True).stdout).group(1)
data = bytearray(open(p, "rb").read())
raw = bytes.fromhex(bid)
i = data.find(raw)
data[i] ^= 0xff
open(p, "wb").write(data)
PY
expect "vmlinux of another build" 4 "vmlinux-other does not match .*vmcore.kdump.*build-id [0-9a-f]+, dump build-id [0-9a-f]+" \
	"$K" --report "$d/vmcore.kdump" "$tmp/vmlinux-other"
rm -f "$tmp/vmlinux-other"
for o in 6.12-lockdep 6.12-rt 6.1-fp; do
	if [ -f "$KDL_SAMPLES/$o/vmlinux" ] && [ "$o" != 6.1-fp ]; then
		expect "vmlinux of another release ($o)" 4 "does not match.*release 6\.12.*release 6\.1" \
			"$K" --report "$d/vmcore.kdump" "$KDL_SAMPLES/$o/vmlinux"
		break
	fi
done
# no VMCOREINFO: the banner search through the page tables must not accept
# another build's vmlinux
if [ -f "$d/vmcore-novmcoreinfo.elf" ] && [ -f "$KDL_SAMPLES/6.1-fp/vmlinux" ]; then
	expect "no VMCOREINFO, vmlinux of another build" 4 "6.1-fp/vmlinux does not match .*vmcore-novmcoreinfo.elf" \
		"$K" --report "$d/vmcore-novmcoreinfo.elf" "$KDL_SAMPLES/6.1-fp/vmlinux"
fi
# truncated dumps: a one-line error (3) or a report marked partial (5), never a crash
for f in vmcore.kdump vmcore.qemu-kdump vmcore.elf; do
	[ -f "$d/$f" ] || continue
	for frac in 10 60 95; do
		size=$(( $(stat -c %s "$d/$f") * frac / 100 ))
		head -c "$size" "$d/$f" > "$tmp/trunc"
		"$K" --report "$tmp/trunc" "$d/vmlinux" > "$tmp/out" 2> "$tmp/err"; rc=$?
		if [ $rc = 3 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q trunc "$tmp/err"; then
			pass "truncated $f at $frac%: one-line error (exit 3)"
		elif [ $rc = 5 ] && grep -q "partial" "$tmp/out"; then
			pass "truncated $f at $frac%: report marked partial (exit 5)"
		else
			fail "truncated $f at $frac%: exit $rc: $(head -c 300 "$tmp/err")"
		fi
	done
done
rm -f "$tmp/trunc"
# reports: an existing file is refused without --force
"$K" --report="$tmp/r.txt" "$d/vmcore.kdump" "$d/vmlinux" 2>/dev/null
check "--report=FILE writes the file" grep -q "RELEASE: 6.1" "$tmp/r.txt"
expect "--report=FILE refuses an existing file" 2 "r.txt.*exists" "$K" --report="$tmp/r.txt" "$d/vmcore.kdump" "$d/vmlinux"
expect "--report=FILE --force overwrites" 0 "" "$K" --force --report="$tmp/r.txt" "$d/vmcore.kdump" "$d/vmlinux"
expect "--report=- writes stdout" 0 "" "$K" --report=- "$d/vmcore.kdump" "$d/vmlinux"
check "--report=- wrote the report" grep -q "RELEASE" "$tmp/out"
for f in text md json dot; do
	expect "--format $f" 0 "" "$K" --report --format $f "$d/vmcore.kdump" "$d/vmlinux"
done
# --fail-on: the 6.1-orc sample has deadlocks (expected.json: abba, cycle3, ...)
if [ -f "$d/expected.json" ] && grep -q '"finding": "deadlock"' "$d/expected.json"; then
	expect "--fail-on deadlock with deadlocks" 1 "" "$K" --report --fail-on deadlock "$d/vmcore.kdump" "$d/vmlinux"
	expect "--fail-on any with findings" 1 "" "$K" --report --fail-on any "$d/vmcore.kdump" "$d/vmlinux"
else
	skip "--fail-on: $d/expected.json missing"
fi
"$K" --report --pid 1 "$d/vmcore.kdump" "$d/vmlinux" > "$tmp/p1" 2>/dev/null
check "--pid 1 reports only pid 1" sh -c "[ \$(grep -c '^PID:' '$tmp/p1') = 1 ] && grep -q '^PID: 1 ' '$tmp/p1'"
expect "--pid of no task" 2 "no task with pid 999999" "$K" --report --pid 999999 "$d/vmcore.kdump" "$d/vmlinux"
done_testing
