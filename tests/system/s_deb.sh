#!/usr/bin/env bash
# The Debian package (issue 15), installed the way a user installs it: `make
# deb` builds build/kdlview_VERSION_ARCH.deb; lintian finds no error or
# warning; its Depends name the package of every library the binary needs
# (from shlibs); then in a minimal Debian bookworm chroot (debootstrap), apt
# installs it with its dependencies, and `kdlview --version`, `--report` on the
# 6.1-orc sample, the themes, `man -w kdlview` and the bash completion work
# there; `apt-get purge` leaves none of its files behind; and in another fresh
# copy the package builds with only its Build-Depends installed.
#
# The chroot is made once into $KDL_CACHE/chroot-bookworm (pristine, never
# touched again: each run works on a fresh copy, so the purge check sees only
# what this run's package did) from the mirror the machine's own apt uses
# (/etc/apt/sources.list.d/debian.sources, read now). The .debs apt fetched
# for the dependencies are kept in $KDL_CACHE/apt-archives-bookworm.
# Needs root (debootstrap, chroot, mount).
. "$(dirname "$0")/../lib/sh.sh"

SUITE=bookworm
RECIPE="$SUITE minbase +man-db 1" # change it to make the cached chroot again
[ "$(id -u)" = 0 ] || { skip "deb: needs root (debootstrap, chroot)"; done_testing; }
for t in dpkg-buildpackage dh lintian debootstrap fakeroot chroot; do
	command -v "$t" >/dev/null || { skip "deb: $t not installed (.ci/deps.sh)"; done_testing; }
done
S=$(sample_dir 6.1-orc) || { skip "deb: sample 6.1-orc not unpacked (make samples)"; done_testing; }

cd "$TOP" || exit 1
V=$(dpkg-parsechangelog -l debian/changelog -SVersion)
ARCH=$(dpkg --print-architecture)
DEB=build/kdlview_${V}_$ARCH.deb
LOG=$BUILD/test-logs/s_deb
mkdir -p "$LOG"

# ---------------------------------------------------------------- the .deb
rm -f "$DEB"
if make deb >"$LOG/make-deb.log" 2>&1 && [ -f "$DEB" ]; then
	pass "make deb: $DEB ($(stat -c %s "$DEB") bytes)"
else
	fail "make deb: no $DEB (log: $LOG/make-deb.log): $(tail -3 "$LOG/make-deb.log" | tr '\n' ' ')"
	done_testing
fi

# lintian's own verdict on the binary package and the .changes; info-level
# tags are shown, not failed.
lintian --fail-on error,warning -I "build/kdlview_${V}_$ARCH.changes" >"$LOG/lintian.log" 2>&1
rc=$?
sed 's/^/# lintian: /' "$LOG/lintian.log" | grep -v 'root privileges'
if [ $rc = 0 ]; then
	pass "lintian: no error or warning ($(grep -c '^[EWIPX]: ' "$LOG/lintian.log") tags in all)"
else
	fail "lintian: $(grep -m3 '^[EW]: ' "$LOG/lintian.log" | tr '\n' ' ')"
fi

# Depends come from shlibs: each library the binary needs (readelf, not
# kdlview) belongs to a package (dpkg -S on this machine) that Depends names.
deps=$(dpkg-deb -f "$DEB" Depends)
tmpx=$(mktemp -d); trap 'rm -rf "$tmpx"' EXIT
dpkg-deb -x "$DEB" "$tmpx"
nlib=0 bad=
for lib in $(readelf -d "$tmpx/usr/bin/kdlview" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	# by soname: the package lists may name /lib or /usr/lib (usrmerge)
	pkg=$(dpkg -S "*/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/$lib" 2>/dev/null | head -1 | cut -d: -f1)
	nlib=$((nlib + 1))
	case ", $deps" in *", $pkg "*|*", $pkg,"*|*", $pkg") ;; *) bad="$bad $lib($pkg)" ;; esac
done
if [ -z "$bad" ] && [ $nlib -gt 3 ] && [[ $deps == *'libkdumpfile'* ]]; then
	pass "Depends (from shlibs) names the package of each of the $nlib libraries the binary needs"
else
	fail "Depends '$deps' misses:$bad ($nlib libraries)"
fi

# What the package holds: the binary, the man page, every theme of themes/,
# the completion.
want="usr/bin/kdlview usr/share/man/man1/kdlview.1.gz usr/share/bash-completion/completions/kdlview"
for th in themes/*.theme; do want="$want usr/share/kdlview/themes/${th#themes/}"; done
missing=
for f in $want; do [ -f "$tmpx/$f" ] || missing="$missing $f"; done
# built by the package build with Debian's flags (hardening=+all: BIND_NOW),
# not copied from this tree's build/
readelf -d "$tmpx/usr/bin/kdlview" | grep -q 'BIND_NOW' || missing="$missing (usr/bin/kdlview without BIND_NOW)"
if [ -z "$missing" ]; then pass "the package holds the binary, man page, $(ls themes/*.theme | wc -l) themes and the completion"
else fail "the package lacks:$missing"; fi

# ---------------------------------------------------------------- the chroot
mirror=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
[ -n "$mirror" ] || { fail "no URIs: line in /etc/apt/sources.list.d/debian.sources"; done_testing; }
PRISTINE=$KDL_CACHE/chroot-$SUITE
ARCHIVES=$KDL_CACHE/apt-archives-$SUITE
if [ "$(cat "$PRISTINE/.kdl-recipe" 2>/dev/null)" != "$RECIPE" ]; then
	new=$PRISTINE.new
	rm -rf "$new" "$PRISTINE"
	t0=$(date +%s)
	if debootstrap --variant=minbase --include=man-db "$SUITE" "$new" "$mirror" \
		>"$LOG/debootstrap.log" 2>&1; then
		# the mirror may be a snapshot whose Release files have expired
		echo 'Acquire::Check-Valid-Until "false";' >"$new/etc/apt/apt.conf.d/99kdl-test"
		chroot "$new" apt-get update -q >>"$LOG/debootstrap.log" 2>&1 &&
			chroot "$new" apt-get clean && echo "$RECIPE" >"$new/.kdl-recipe" &&
			mv "$new" "$PRISTINE"
	fi
	if [ -f "$PRISTINE/.kdl-recipe" ]; then
		echo "# chroot $PRISTINE made in $(($(date +%s) - t0)) s"
	else
		fail "debootstrap $SUITE (log: $LOG/debootstrap.log): $(tail -2 "$LOG/debootstrap.log" | tr '\n' ' ')"
		rm -rf "$new"
		done_testing
	fi
fi

# new_root VAR: a fresh copy of the pristine chroot, /proc mounted, apt's
# cache of .debs filled from $ARCHIVES; removed at exit.
roots=
cleanup() {
	local r
	for r in $roots; do
		mountpoint -q "$r/proc" && umount "$r/proc"
		rm -rf "$r"
	done
	rm -rf "$tmpx"
}
trap cleanup EXIT
mkdir -p "$ARCHIVES"
new_root() {
	local r
	r=$(mktemp -d "$KDL_CACHE/run-$SUITE.XXXXXX") || return 1
	roots="$roots $r"
	cp -a "$PRISTINE/." "$r/" && mount -t proc proc "$r/proc" || return 1
	cp "$ARCHIVES"/*.deb "$r/var/cache/apt/archives/" 2>/dev/null
	printf -v "$1" %s "$r"
}
keep_archives() { cp -n "$1"/var/cache/apt/archives/*.deb "$ARCHIVES/" 2>/dev/null; }
# in_dir ROOT CMD...: run CMD in the chroot ROOT with a clean environment
in_dir() { local r=$1; shift; chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
in_root() { in_dir "$R" "$@"; }

new_root R || { fail "copy $PRISTINE"; done_testing; }
cp "$DEB" "$R/tmp/"
in_root dpkg-query -W -f='${Package}\n' >"$LOG/before.txt"
apt_install() { in_root sh -c "cd /tmp && apt-get install -y ./${DEB##*/}" >>"$LOG/apt-install.log" 2>&1; }
: >"$LOG/apt-install.log"
# the cached indexes may be older than the mirror: update once when that fails
if apt_install || { in_root apt-get update -q >>"$LOG/apt-install.log" 2>&1 && apt_install; }; then
	added=$(in_root dpkg-query -W -f='${Package}\n' | grep -vxF -f "$LOG/before.txt" | tr '\n' ' ')
	if [[ " $added" == *" kdlview "* ]] && [[ $added == *libkdumpfile* ]]; then
		pass "apt-get install ./${DEB##*/} in a $SUITE chroot, with its dependencies: $added"
	else
		fail "apt-get install: installed '$added' (kdlview and libkdumpfile expected)"
	fi
	keep_archives "$R"
else
	fail "apt-get install ./${DEB##*/} (log: $LOG/apt-install.log): $(tail -3 "$LOG/apt-install.log" | tr '\n' ' ')"
	done_testing
fi

# --version: the changelog's version; the libraries' versions as the chroot's
# packages have them.
in_root kdlview --version >"$LOG/version.txt" 2>&1
sed 's/^/# /' "$LOG/version.txt"
pkgver() { in_root dpkg-query -W -f='${Version}' "$1" | sed 's/^[0-9]*://; s/[-+~].*//'; }
kv=$(pkgver libkdumpfile10) dv=$(pkgver libdw1) nv=$(pkgver libncursesw6)
if [ "$(head -1 "$LOG/version.txt")" = "kdlview $V" ] &&
	grep -q "^  libkdumpfile $kv " "$LOG/version.txt" &&
	grep -q "^  libdw $dv\$" "$LOG/version.txt" &&
	grep -q "^  ncurses $nv\." "$LOG/version.txt"; then
	pass "kdlview --version: $V (debian/changelog), libkdumpfile $kv, libdw $dv, ncurses $nv"
else
	fail "kdlview --version: want $V, libkdumpfile $kv, libdw $dv, ncurses $nv; got: $(tr '\n' '|' <"$LOG/version.txt")"
fi

# --report on the sample inside the chroot: the same text as this tree's
# build gives, and the blocked tasks sysrq-w listed (expected.json).
mkdir -p "$R/root/sample"
cp "$S/vmcore.kdump" "$S/vmlinux" "$R/root/sample/"
cp "$S"/*.ko "$R/root/sample/" 2>/dev/null
# relative paths on both sides: the report names the vmlinux it used
in_root sh -c 'cd /root/sample && kdlview --report vmcore.kdump vmlinux' >"$LOG/report.txt" 2>&1
rc=$?
(cd "$S" && "$TOP/build/kdlview" --report vmcore.kdump vmlinux) >"$LOG/report-host.txt" 2>&1
if [ $rc = 0 ] && cmp -s "$LOG/report.txt" "$LOG/report-host.txt"; then
	pass "kdlview --report in the chroot: exit 0, $(wc -l <"$LOG/report.txt") lines, the same as build/kdlview's"
else
	fail "kdlview --report in the chroot: exit $rc; differs from build/kdlview's: $(diff "$LOG/report-host.txt" "$LOG/report.txt" | head -3 | tr '\n' ' ')"
fi
in_root kdlview --report --format json /root/sample/vmcore.kdump /root/sample/vmlinux >"$LOG/report.json" 2>/dev/null
checks_from python3 - "$S/expected.json" "$LOG/report.json" <<'EOF'
import json, sys
exp = {t["pid"] for t in json.load(open(sys.argv[1]))["un_tasks"]}
try:
    got = {t["pid"] for t in json.load(open(sys.argv[2]))["tasks"] if t["state"] == "UN"}
except (ValueError, KeyError) as e:
    print(f"FAIL chroot --format json unreadable: {e}")
    sys.exit(0)
if exp == got:
    print(f"PASS chroot --format json: the {len(got)} UN tasks of sysrq-w (expected.json)")
else:
    print(f"FAIL chroot UN tasks: missing {sorted(exp - got)}, extra {sorted(got - exp)}")
EOF

# Themes by name come from /usr/share/kdlview/themes: the TUI loads the theme
# before it asks for a terminal (stdin is not one here).
in_root kdlview --theme light /root/sample/vmcore.kdump /root/sample/vmlinux </dev/null >"$LOG/theme.txt" 2>&1
in_root kdlview --theme no-such-theme /root/sample/vmcore.kdump /root/sample/vmlinux </dev/null >"$LOG/theme-bad.txt" 2>&1
if grep -q "needs a terminal" "$LOG/theme.txt" && ! grep -q "not found" "$LOG/theme.txt" &&
	grep -q "theme 'no-such-theme' not found" "$LOG/theme-bad.txt"; then
	pass "--theme light is found in /usr/share/kdlview/themes (no-such-theme is not)"
else
	fail "themes: light: $(tr '\n' ' ' <"$LOG/theme.txt"); no-such-theme: $(tr '\n' ' ' <"$LOG/theme-bad.txt")"
fi

# --format html (issue 15's page; Graphviz loads its layout plugins at run
# time, so the chroot proves the package pulls them in). Runs when this
# build lists html in --help.
if in_root kdlview --help | grep -qw html; then
	in_root kdlview --report --format html /root/sample/vmcore.kdump /root/sample/vmlinux >"$LOG/report.html" 2>"$LOG/html.err"
	rc=$?
	if [ $rc = 0 ] && grep -q '<svg' "$LOG/report.html" && ! grep -qi 'error\|warning' "$LOG/html.err"; then
		pass "kdlview --format html in the chroot: $(stat -c %s "$LOG/report.html") bytes with an inline <svg>"
	else
		fail "kdlview --format html in the chroot: exit $rc: $(head -c 300 "$LOG/html.err")"
	fi
else
	echo "# note: this build has no --format html: its chroot check runs once it has"
fi

# The man page, found by man-db and rendered with the changelog's version.
mp=$(in_root man -w kdlview 2>&1)
if [ "$mp" = /usr/share/man/man1/kdlview.1.gz ] &&
	in_root env MANWIDTH=80 man -P cat kdlview 2>/dev/null | grep -q "kdlview $V"; then
	pass "man -w kdlview: $mp; the page says kdlview $V"
else
	fail "man -w kdlview: '$mp' (or the page lacks 'kdlview $V')"
fi

# The completion, loaded by bash as bash-completion would: options and the
# values of --format and --theme.
comp() { in_root bash -c '. /usr/share/bash-completion/completions/kdlview
	COMP_WORDS=(kdlview "$@"); COMP_CWORD=$#; _kdlview; echo "${COMPREPLY[*]}"' _ "$@"; }
c1=$(comp --fo) c2=$(comp --format "") c3=$(comp --theme h)
if [ "$c1" = "--format --force" ] || [ "$c1" = "--force --format" ]; then
	if [[ " $c2 " == *" json "* && " $c2 " == *" dot "* ]] && [[ $c3 == high-contrast* ]]; then
		pass "completion: --fo -> $c1; --format -> $c2; --theme h -> $c3"
	else
		fail "completion values: --format -> '$c2'; --theme h -> '$c3'"
	fi
else
	fail "completion: --fo -> '$c1'"
fi

# Purge: nothing of the package stays (directories only when another package
# of the chroot owns them too).
in_root dpkg -L kdlview >"$LOG/files.txt"
if in_root apt-get purge -y kdlview >"$LOG/purge.log" 2>&1; then
	left=
	while IFS= read -r f; do
		[ "$f" = /. ] && continue
		if [ -d "$R$f" ] && [ ! -L "$R$f" ]; then
			in_root dpkg -S "$f" >/dev/null 2>&1 || left="$left $f/"
		elif [ -e "$R$f" ] || [ -L "$R$f" ]; then
			left="$left $f"
		fi
	done <"$LOG/files.txt"
	st=$(in_root dpkg-query -W -f='${Status}' kdlview 2>/dev/null)
	if [ -z "$left" ] && { [ -z "$st" ] || [[ $st == *not-installed ]]; }; then
		pass "apt-get purge kdlview: none of its $(wc -l <"$LOG/files.txt") paths left"
	else
		fail "apt-get purge kdlview left:$left (status '$st')"
	fi
else
	fail "apt-get purge -y kdlview: $(tail -2 "$LOG/purge.log" | tr '\n' ' ')"
fi

# Build-Depends are complete: the package builds in another fresh copy that
# has only what `apt-get build-dep` installs for debian/control (and
# build-essential), and holds the same files as the one built here.
if new_root B; then
	src=/root/src/kdlview-$V
	mkdir -p "$B$src"
	tar -cf - --exclude=./build --exclude=./.git --exclude=./samples . | tar -xf - -C "$B$src"
	if in_dir "$B" sh -c "cd $src && apt-get build-dep -y ./" >"$LOG/build-dep.log" 2>&1; then
		keep_archives "$B"
		if in_dir "$B" sh -c "cd $src && dpkg-buildpackage -us -uc -b" >"$LOG/chroot-build.log" 2>&1 &&
			[ -f "$B/root/src/${DEB##*/}" ]; then
			dpkg-deb -c "$B/root/src/${DEB##*/}" | awk '{ print $1, $6 }' >"$LOG/files-chroot.txt"
			dpkg-deb -c "$DEB" | awk '{ print $1, $6 }' >"$LOG/files-here.txt"
			if cmp -s "$LOG/files-chroot.txt" "$LOG/files-here.txt"; then
				pass "Build-Depends complete: dpkg-buildpackage in a clean $SUITE chroot after apt-get build-dep; same $(wc -l <"$LOG/files-here.txt") paths"
			else
				fail "the package built in the chroot differs: $(diff "$LOG/files-here.txt" "$LOG/files-chroot.txt" | head -4 | tr '\n' ' ')"
			fi
		else
			fail "dpkg-buildpackage in a clean chroot (log: $LOG/chroot-build.log): $(grep -m3 -i 'error' "$LOG/chroot-build.log" | tr '\n' ' ')"
		fi
	else
		fail "apt-get build-dep ./ (log: $LOG/build-dep.log): $(tail -3 "$LOG/build-dep.log" | tr '\n' ' ')"
	fi
else
	fail "copy $PRISTINE for the build"
fi
done_testing
