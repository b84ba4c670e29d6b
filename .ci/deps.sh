#!/usr/bin/env bash
# .ci/deps.sh - check the Debian packages kdlview needs to build and test
# (the last line: `make deb` and its chroot test, tests/system/s_deb.sh).
# As root, installs the missing ones with apt-get; otherwise prints the exact
# command to run and exits 1.
set -eu
pkgs="build-essential pkg-config libkdumpfile-dev libdw-dev libelf-dev libncurses-dev
tmux clang valgrind python3 python3-jsonschema python3-drgn crash xz-utils binutils
zlib1g-dev graphviz time libclang-rt-14-dev libbpf-dev dwarves libgraphviz-dev
chromium dpkg-dev debhelper fakeroot lintian debootstrap debian-archive-keyring"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && { echo "deps: all packages present"; exit 0; }
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive $cmd
else
	echo "deps: missing packages:$missing" >&2
	echo "run as root:  $cmd" >&2
	exit 1
fi
