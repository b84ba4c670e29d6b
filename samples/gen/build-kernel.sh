#!/usr/bin/env bash
# Build one kernel variant of the sample set: build-kernel.sh VARIANT
# VARIANT is 6.1-orc, 6.1-fp, 6.12-lockdep or 6.12-rt. Idempotent: an existing,
# up-to-date build is reused. Paths are computed from this script's location.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${KDL_GEN_WORK:-$here/../../build/gen}
variant=$1
ver=${variant%%-*}
src=$work/src-$ver
out=$work/out-$variant
mkdir -p "$work"
if [ ! -f "$src/Makefile" ]; then
    tarball=/usr/src/linux-source-$ver.tar.xz
    [ -f "$tarball" ] || { echo "missing $tarball (apt-get install linux-source-$ver)" >&2; exit 1; }
    rm -rf "$src.tmp"; mkdir -p "$src.tmp"
    tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
    mv "$src.tmp" "$src"
fi
frags="$here/config/base.frag $here/config/$variant.frag"
stamp=$(cat $frags | sha256sum | cut -c1-16)
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
make -s -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" bzImage modules modules_prepare 2>&1 | grep -v '^  ' || true
test -f "$out/arch/x86/boot/bzImage" && test -f "$out/vmlinux"
echo "built $variant: $out"
