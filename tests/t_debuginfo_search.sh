#!/usr/bin/env bash
# Opening a dump without VMLINUX: the debug vmlinux is found by the dump's
# release and build-id (KDLVIEW_DEBUG_PATH first, then the distribution
# directories), a vmlinux of another build is never used, and a dump with
# neither a matching vmlinux nor BTF (the samples' kernels have no BTF) is
# exit 4 with one line naming what is missing and how to get it.
# Truth: the build-ids come from readelf -n (binutils), the samples' kernels
# lack BTF (no .BTF section: readelf -S), and the System.map is made by nm -n.
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
K=$KDLVIEW
d=$(sample_dir 6.1-orc) || { skip "6.1-orc sample not unpacked"; done_testing; }
other=$(sample_dir 6.12-rt) || { skip "6.12-rt sample not unpacked"; done_testing; }

# expect NAME CODE PATTERN CMD...: exit code, exactly one stderr line matching PATTERN
expect() {
	local name=$1 code=$2 pat=$3 rc lines; shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
	lines=$(wc -l < "$tmp/err")
	if [ "$rc" != "$code" ]; then fail "$name: exit $rc, want $code ($(head -c 300 "$tmp/err"))"
	elif [ -n "$pat" ] && { [ "$lines" != 1 ] || ! grep -Eq -- "$pat" "$tmp/err"; }; then
		fail "$name: stderr is not one line matching /$pat/: $(head -c 400 "$tmp/err")"
	else pass "$name (exit $code)"; fi
}

bid=$(readelf -n "$d/vmlinux" | awk '/Build ID/ {print $3}')
check "readelf gives the 6.1-orc build-id" test ${#bid} -eq 40
if readelf -SW "$d/vmlinux" | grep -q ' \.BTF '; then
	fail "the 6.1-orc kernel has BTF: the no-BTF cases below need another sample"
fi
dump=$tmp/alone/vmcore.kdump
mkdir -p "$tmp/alone" && cp "$d/vmcore.kdump" "$dump"
missing="no debug info for 6\.1\.192: the dump has no BTF .* no vmlinux matches its build-id $bid.*install linux-image-6\.1\.192-dbg"

# (a) the vmlinux under a wrong name and under its build-id path: found and used
dbg=$tmp/dbg
mkdir -p "$dbg/.build-id/${bid:0:2}"
ln -s "$(realpath "$d/vmlinux")" "$dbg/vmlinux-wrong-name"
ln -s "$(realpath "$d/vmlinux")" "$dbg/.build-id/${bid:0:2}/${bid:2}.debug"
expect "(a) found by build-id in KDLVIEW_DEBUG_PATH" 0 "" \
	env KDLVIEW_DEBUG_PATH="$tmp/empty-dir:$dbg" "$K" --report --format json "$dump"
python3 - "$tmp/out" "$dbg/.build-id/${bid:0:2}/${bid:2}.debug" <<'PY' > "$tmp/a.txt"
import json, sys
d = json.load(open(sys.argv[1]))["dump"]
print("ok" if d.get("debuginfo") == "dwarf" and d.get("debuginfo_from") == sys.argv[2]
      else "bad %r %r" % (d.get("debuginfo"), d.get("debuginfo_from")))
PY
check "(a) JSON says dwarf from the build-id path: $(cat "$tmp/a.txt")" grep -qx ok "$tmp/a.txt"
# module DWARF from the sample directory both times (the default is the
# vmlinux's directory, which differs here)
env KDLVIEW_DEBUG_PATH="$dbg" "$K" --modules "$d" --report "$dump" > "$tmp/a.text" 2>/dev/null
check "(a) text report names the source" grep -q "DEBUGINFO: dwarf ($dbg/.build-id/" "$tmp/a.text"
"$K" --modules "$d" --report "$d/vmcore.kdump" "$d/vmlinux" > "$tmp/given.text" 2>/dev/null
sed -i "s|^   DEBUGINFO: .*||" "$tmp/a.text" "$tmp/given.text"
check "(a) the same report as with VMLINUX given" cmp -s "$tmp/a.text" "$tmp/given.text"

# (b) a vmlinux of another kernel build in the path: not used
wrong=$tmp/wrong
mkdir -p "$wrong/.build-id/${bid:0:2}"
ln -s "$(realpath "$other/vmlinux")" "$wrong/vmlinux"
ln -s "$(realpath "$other/vmlinux")" "$wrong/vmlinux-6.1.192"
ln -s "$(realpath "$other/vmlinux")" "$wrong/.build-id/${bid:0:2}/${bid:2}.debug"
expect "(b) another build's vmlinux is refused" 4 "$missing" \
	env KDLVIEW_DEBUG_PATH="$wrong" "$K" --report "$dump"
check "(b) the message says others were found" grep -q "others were found" "$tmp/err"

# (c) hermetic: nothing in the standard directories, no KDLVIEW_DEBUG_PATH
if unshare -m true 2>/dev/null; then
	mkdir -p "$tmp/empty"
	expect "(c) dump alone, standard directories masked" 4 "$missing" \
		env -u KDLVIEW_DEBUG_PATH unshare -m sh -c '
		for m in /usr/lib/debug /boot /lib/modules; do
			[ -d "$m" ] && mount --bind "$1" "$m"
		done
		exec "$2" --report "$3"' sh "$tmp/empty" "$K" "$dump"
	for f in text md json dot; do
		expect "(c) --format $f: the same error" 4 "$missing" \
			env -u KDLVIEW_DEBUG_PATH unshare -m sh -c '
			for m in /usr/lib/debug /boot /lib/modules; do
				[ -d "$m" ] && mount --bind "$1" "$m"
			done
			exec "$2" --report --format "$4" "$3"' sh "$tmp/empty" "$K" "$dump" "$f"
	done
else
	skip "(c) unshare -m not permitted here"
fi

# (d) --debuginfo dwarf: a stripped vmlinux or none is exit 4
objcopy --strip-debug "$d/vmlinux" "$tmp/vmlinux.stripped"
expect "(d) --debuginfo dwarf with a stripped vmlinux" 4 "no debug info" \
	"$K" --debuginfo dwarf --report "$d/vmcore.kdump" "$tmp/vmlinux.stripped"
expect "(d) --debuginfo dwarf without a vmlinux" 4 "no debug info for 6\.1\.192: --debuginfo dwarf" \
	env KDLVIEW_DEBUG_PATH="$wrong" "$K" --debuginfo dwarf --report "$dump"
expect "(d) --debuginfo btf does not search for DWARF" 4 "the dump has no BTF" \
	env KDLVIEW_DEBUG_PATH="$dbg" "$K" --debuginfo btf --report "$dump"
expect "(d) bad --debuginfo" 2 "" "$K" --debuginfo ctf --report "$dump"

# (e) --symbols System.map: the dump without VMCOREINFO names no kallsyms;
# a map made by nm -n is read instead (then only BTF is missing)
nov=$d/vmcore-novmcoreinfo.elf
if [ -f "$nov" ]; then
	nm -n "$d/vmlinux" > "$tmp/System.map"
	expect "(e) no VMCOREINFO: no kallsyms, asks for System.map" 4 "no kallsyms tables.*--symbols System.map" \
		env KDLVIEW_DEBUG_PATH="$wrong" "$K" --report "$nov"
	n=$(wc -l < "$tmp/System.map")
	expect "(e) --symbols: the map's $n symbols are read" 4 "no BTF \(no __start_BTF among its $n System.map symbols\)" \
		env KDLVIEW_DEBUG_PATH="$wrong" "$K" --symbols "$tmp/System.map" --report "$nov"
	echo "not a map" > "$tmp/bad.map"
	expect "(e) --symbols with a broken map" 3 "bad.map:1: not a System.map line" \
		env KDLVIEW_DEBUG_PATH="$wrong" "$K" --symbols "$tmp/bad.map" --report "$nov"
else
	skip "(e) no vmcore-novmcoreinfo.elf in the 6.1-orc sample"
fi
done_testing
