#!/usr/bin/env bash
# The house rules of issue 10, read from the sources of core/ and tui/ (no build
# needed; run alone: bash tests/t_house.sh). One PASS line per rule that holds,
# one FAIL line per offence, as "FAIL house <rule>: FILE:LINE: what":
#  - stage order base < target < debuginfo < kernel < unwind < locks < graph <
#    report: core/<stage>/* includes only "core/<same or earlier stage>/...";
#    core/analysis.{c,h} may include every stage, and only core/analysis.c
#    includes core/analysis.h (no circle); includes name their path from the top;
#  - tui/ includes only core/analysis.h, core/base/*.h, core/report/report.h and
#    tui/ files;
#  - libdw/libelf and libbpf headers only in core/debuginfo/, libkdumpfile only in
#    core/target/, curses only in tui/;
#  - no file of core/ or tui/ over 1,000 lines; core/ holds analysis.{c,h} and
#    the 8 stage folders only (no core/stubs/); every header of core/ starts
#    with a comment naming its path;
#  - no DWARF-specific call outside core/debuginfo/: libdw/libelf functions
#    (dwarf_*, dwfl_*, elf_*, gelf_*, ... as the libraries export them) and the
#    offset lookups kdl_debuginfo_{member_offset,type_size,has_member,
#    member_size} of a fixed struct named by a string literal (every kernel
#    struct offset comes from the layout table; a type computed at run time,
#    e.g. the type of an object being named, is a type-source query).
. "$(dirname "$0")/lib/sh.sh"
cd "$TOP" || exit 1
# The functions libdw and libelf export (their names are the calls to count).
libsyms=$(for l in libdw libelf; do
	dir=$(pkg-config --variable=libdir "$l" 2>/dev/null) || continue
	nm -D --defined-only "$dir/$l.so" 2>/dev/null
done | awk '$2 == "T" || $2 == "W" { sub(/@.*/, "", $3); print $3 }' | sort -u)
checks_from python3 - "$libsyms" <<'EOF'
import os, re, sys

STAGES = ["base", "target", "debuginfo", "kernel", "unwind", "locks", "graph", "report"]
RANK = {s: i for i, s in enumerate(STAGES)}
TUI_MAY = re.compile(r"^core/(analysis\.h|base/[^/]+\.h|report/report\.h)$")
LIBS = [  # (rule, header pattern, the only folder allowed)
    ("libdw/libelf only in core/debuginfo/",
     re.compile(r"^(elfutils/.*|libelf\.h|gelf\.h|dwarf\.h)$"), "core/debuginfo/"),
    ("libbpf only in core/debuginfo/", re.compile(r"^bpf/.*$"), "core/debuginfo/"),
    ("libkdumpfile only in core/target/", re.compile(r"^libkdumpfile/.*$"), "core/target/"),
    ("curses only in tui/", re.compile(r"^(n?curses[^/]*\.h|ncurses.*/.*)$"), "tui/"),
    ("libgvc (Graphviz) only in core/report/",
     re.compile(r"^(graphviz/.*|gvc\.h|cgraph\.h|cdt\.h|gvplugin.*\.h)$"), "core/report/"),
]
LOOKUPS = {"kdl_debuginfo_member_offset", "kdl_debuginfo_type_size",
           "kdl_debuginfo_has_member", "kdl_debuginfo_member_size"}
MAX_LINES = 1000
INC = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

libsyms = set(sys.argv[1].split())
LIBCALL = re.compile(r"^(dwarf|dwfl|dwelf|elf|elf32|elf64|gelf)_\w+$")
if not libsyms:
    print("house: libdw/libelf symbols not found (nm, pkg-config): counting every "
          "dwarf_/dwfl_/dwelf_/elf_/elf32_/elf64_/gelf_ call instead")

bad = {}  # rule -> offence lines; every rule checked appears (empty: PASS)


def rule(name, why=None):
    bad.setdefault(name, [])
    if why:
        bad[name].append(why)


def sources(top):
    out = []
    for d, dirs, files in os.walk(top):
        dirs.sort()
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith((".c", ".h"))]
    return out


def strip_c(text):
    """Comments and string/char literals blanked, newlines kept (for line numbers)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c if j - i >= 2 else text[i:j])
            i = j
        else:
            out.append(c); i += 1
    return "".join(out)


files = sources("core") + sources("tui")
nincl = 0
for path in files:
    text = open(path, encoding="utf-8", errors="replace").read()
    lines = text.split("\n")
    parts = path.split("/")
    stage = parts[1] if parts[0] == "core" and len(parts) == 3 else None
    top_core = parts[0] == "core" and len(parts) == 2
    for no, line in enumerate(lines, 1):
        m = INC.match(line)
        if not m:
            continue
        kind, name = m.groups()
        where = "%s:%d" % (path, no)
        if kind == "<":
            for rname, pat, home in LIBS:
                rule(rname)
                if pat.match(name) and not path.startswith(home):
                    rule(rname, "%s: includes <%s>" % (where, name))
            continue
        nincl += 1
        rule("stage order")
        rule("includes name their path from the top")
        rule("no circle: only core/analysis.c includes core/analysis.h")
        rule("tui/ includes only core/analysis.h, core/base/*.h, core/report/report.h")
        if parts[0] == "tui":
            if name.startswith("core/"):
                if not TUI_MAY.match(name):
                    rule("tui/ includes only core/analysis.h, core/base/*.h, core/report/report.h",
                         '%s: includes "%s"' % (where, name))
            elif not (name.startswith("tui/") or os.path.exists(os.path.join("tui", name))):
                rule("tui/ includes only core/analysis.h, core/base/*.h, core/report/report.h",
                     '%s: includes "%s" (neither core/ nor tui/)' % (where, name))
            continue
        if not name.startswith("core/"):
            rule("includes name their path from the top",
                 '%s: includes "%s", not "core/<stage>/..."' % (where, name))
            continue
        if name == "core/analysis.h":
            if path != "core/analysis.c":
                rule("no circle: only core/analysis.c includes core/analysis.h",
                     '%s: includes "core/analysis.h"' % where)
            continue
        iparts = name.split("/")
        other = iparts[1] if len(iparts) == 3 else None
        if other not in RANK:
            rule("stage order", '%s: includes "%s", which is in no stage folder' % (where, name))
        elif stage in RANK and RANK[other] > RANK[stage]:
            rule("stage order", '%s: includes "%s": %s is after %s (%s may include %s)' %
                 (where, name, other, stage, stage, ", ".join(STAGES[:RANK[stage] + 1])))

    rule("no file of core/ or tui/ over %d lines" % MAX_LINES)
    n = text.count("\n")
    if n > MAX_LINES:
        rule("no file of core/ or tui/ over %d lines" % MAX_LINES, "%s: %d lines" % (path, n))

    if parts[0] == "core" and path.endswith(".h"):
        rule("every header of core/ starts with a comment naming its path")
        if not re.match(r"/\*\s*%s(\s|$)" % re.escape(path), lines[0]):
            rule("every header of core/ starts with a comment naming its path",
                 "%s:1: starts with %r, not \"/* %s - ...\"" % (path, lines[0][:60], path))

    rule("no DWARF-specific call outside core/debuginfo/")
    if path.startswith("core/debuginfo/"):
        continue
    code = strip_c(text)
    for no, line in enumerate(code.split("\n"), 1):
        if line.lstrip().startswith("#"):
            continue
        for m in re.finditer(r"(?<![\w.>])([A-Za-z_]\w*)\s*\(", line):
            f = m.group(1)
            if f in LOOKUPS:
                # a fixed kernel struct ("struct mutex") belongs in the layout
                # table; a type computed at run time (the type of an object
                # being named) is a query of the type-source interface
                orig = " ".join(lines[no - 1:no + 2])
                if not re.search(re.escape(f) + r'\s*\(\s*[^,]+,\s*"', orig):
                    continue
                what = "offset lookup %s() of a fixed struct (use the layout table)" % f
            elif (f in libsyms) if libsyms else LIBCALL.match(f):
                what = "libdw/libelf call %s()" % f
            else:
                continue
            rule("no DWARF-specific call outside core/debuginfo/", "%s:%d: %s" % (path, no, what))

rule("core/ holds core/analysis.{c,h} and the 8 stage folders (no core/stubs/)")
for e in sorted(os.listdir("core")):
    p = os.path.join("core", e)
    if os.path.isdir(p):
        if e not in RANK:
            rule("core/ holds core/analysis.{c,h} and the 8 stage folders (no core/stubs/)",
                 "%s/: is no stage (%s)" % (p, ", ".join(STAGES)))
        for sub in sorted(os.listdir(p)):
            if os.path.isdir(os.path.join(p, sub)):
                rule("core/ holds core/analysis.{c,h} and the 8 stage folders (no core/stubs/)",
                     "%s/%s/: a folder inside a stage" % (p, sub))
    elif e not in ("analysis.c", "analysis.h"):
        rule("core/ holds core/analysis.{c,h} and the 8 stage folders (no core/stubs/)",
             "%s: a file outside the stage folders" % p)

if not files:
    print("FAIL house: no source file found under core/ and tui/")
for name, why in bad.items():
    if why:
        print("house %s: %d offence(s)" % (name, len(why)))
        for w in why:
            print("FAIL house %s: %s" % (name, w))
    else:
        print("PASS house %s (%d files, %d includes)" % (name, len(files), nincl))
EOF
done_testing
