#!/usr/bin/env bash
# Build one kernel variant of the sample set: build-kernel.sh VARIANT [FRAG...]
# VARIANT is a name of generate.py's table (6.1-orc, 6.12-rt, 7.3-orc, ...);
# FRAGs are config/FRAG.frag names applied after base.frag (default: VARIANT).
# The kernel version is VARIANT's prefix unless KDL_SRC_VER says otherwise; the
# source is /usr/src/linux-source-VER.tar.xz or $KDL_SRC_TARBALL. Runs on the host
# or inside a suite's chroot (generate.py, suite.py): the compiler is that of
# the place it runs in, and the config stamp names it. Idempotent: an existing,
# up-to-date build is reused. KDL_CONFIG_ONLY=1 stops after the checked .config
# (a cheap test of the fragments). Paths are computed from this script's location.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${KDL_GEN_WORK:-$here/../../build/gen}
variant=$1; shift
ver=${KDL_SRC_VER:-${variant%%-*}}
src=$work/src-$ver
out=$work/out-$variant
mkdir -p "$work"
if [ ! -f "$src/Makefile" ]; then
    tarball=${KDL_SRC_TARBALL:-/usr/src/linux-source-$ver.tar.xz}
    [ -f "$tarball" ] || { echo "missing $tarball (apt-get install linux-source-$ver)" >&2; exit 1; }
    rm -rf "$src.tmp"; mkdir -p "$src.tmp"
    tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
    mv "$src.tmp" "$src"
fi
frags="$here/config/base.frag"
for f in "${@:-$variant}"; do frags="$frags $here/config/$f.frag"; done
stamp=$( (cat $frags; ${CC:-gcc} --version | head -1; pahole --version 2>/dev/null || true) \
    | sha256sum | cut -c1-16)
mkdir -p "$out"
if [ "$(cat "$out/.kdl-config-stamp" 2>/dev/null)" != "$stamp" ]; then
    make -s -C "$src" O="$out" ARCH=x86_64 tinyconfig >/dev/null
    "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" $frags >/dev/null
    make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >/dev/null
    # Every =y/=n line of the fragments must hold after olddefconfig, for the
    # symbols this kernel version has (6.12 dropped BASE_FULL and CRASH_CORE).
    find "$src" -name 'Kconfig*' -print0 | xargs -0 grep -hE '^[[:space:]]*(menu)?config[[:space:]]' \
        | awk '{print "CONFIG_" $2}' | sort -u > "$out/.kdl-kconfig-symbols"
    bad=0
    for f in $frags; do
        while IFS= read -r line; do
            case "$line" in CONFIG_*) ;; *) continue ;; esac
            k=${line%%=*}
            grep -qx "$k" "$out/.kdl-kconfig-symbols" || { echo "config: $k unknown to this kernel, ignored" >&2; continue; }
            case "$line" in CONFIG_*=y) k=${line%=y}
                grep -q "^$k=y" "$out/.config" || { echo "config: $k not set" >&2; bad=1; } ;;
            CONFIG_*=n) k=${line%=n}
                grep -q "^$k=y" "$out/.config" && { echo "config: $k still set" >&2; bad=1; } ;;
            esac
        done < "$f"
    done
    [ $bad = 0 ] || exit 1
    echo "$stamp" > "$out/.kdl-config-stamp"
fi
if [ -n "${KDL_CONFIG_ONLY:-}" ]; then echo "configured $variant: $out/.config"; exit 0; fi
make -s -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" bzImage modules modules_prepare 2>&1 | grep -v '^  ' || true
test -f "$out/arch/x86/boot/bzImage" && test -f "$out/vmlinux"
echo "built $variant: $out"
