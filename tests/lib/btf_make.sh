#!/usr/bin/env bash
# tests/lib/btf_make.sh SAMPLE_DIR OUT_DIR - the BTF a sample's kernel would
# carry had it been built with CONFIG_DEBUG_INFO_BTF(_MODULES), made from its
# DWARF with pahole (Debian package dwarves), the way the kernel build does:
#   OUT_DIR/vmlinux-both   the sample vmlinux plus a .BTF section (DWARF kept)
#   OUT_DIR/vmlinux-btf    the same without DWARF (objcopy --strip-debug): the
#                          "vmlinux without DWARF but with .BTF"
#   OUT_DIR/vmlinux.btf    the raw .BTF bytes (what the dump's memory holds
#                          between __start_BTF and __stop_BTF)
#   OUT_DIR/kdl_scen.ko    the scenario module with split .BTF on top of it
#                          (DWARF stripped)
# Made once per sample (OUT_DIR/.done newer than the sample's vmlinux);
# concurrent callers build in private directories and the first rename wins.
# Exit 77 when pahole is missing.
set -eu
src=$1 out=$2
command -v pahole >/dev/null || { echo "btf_make: pahole missing (apt install dwarves)" >&2; exit 77; }
[ -f "$out/.done" ] && [ "$out/.done" -nt "$src/vmlinux" ] && exit 0
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$src/vmlinux" "$tmp/vmlinux-both"
pahole -J "$tmp/vmlinux-both" >/dev/null
objcopy --dump-section .BTF="$tmp/vmlinux.btf" "$tmp/vmlinux-both"
objcopy --strip-debug "$tmp/vmlinux-both" "$tmp/vmlinux-btf"
if [ -f "$src/kdl_scen.ko" ]; then
	objcopy --strip-debug "$src/kdl_scen.ko" "$tmp/kdl_scen.ko"
	cp "$src/kdl_scen.ko" "$tmp/kdl_scen-dwarf.ko"
	pahole -J --btf_base "$tmp/vmlinux.btf" "$tmp/kdl_scen-dwarf.ko" >/dev/null
	objcopy --dump-section .BTF="$tmp/kdl_scen.btf" "$tmp/kdl_scen-dwarf.ko"
	objcopy --add-section .BTF="$tmp/kdl_scen.btf" "$tmp/kdl_scen.ko"
	rm -f "$tmp/kdl_scen-dwarf.ko"
fi
touch "$tmp/.done"
if [ -f "$out/.done" ] && [ "$out/.done" -nt "$src/vmlinux" ]; then exit 0; fi
rm -rf "$out.old.$$"
[ -e "$out" ] && mv "$out" "$out.old.$$"
mv "$tmp" "$out" && trap - EXIT
rm -rf "$out.old.$$"
