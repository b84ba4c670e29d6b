#!/usr/bin/env python3
"""Check file:line and inlined callers of every vmlinux frame in kdlview's JSON
report against binutils' addr2line -i on the same vmlinux (an independent DWARF
reader). Prints PASS/FAIL lines.

usage: lines_check.py NAME REPORT.json VMLINUX
"""
import json, os, subprocess, sys


def main():
    name, rep, vmlinux = sys.argv[1:4]
    d = json.load(open(rep))
    kaslr = int(d["dump"]["kaslr_offset"], 16)
    frames = []
    for t in d["tasks"]:
        fr = t["frames"]
        for i, f in enumerate(fr):
            pc = int(f["pc"], 16)
            if f["module"] or not f["function"] or pc < 0xffffffff80000000:
                continue
            # the address kdlview looked up: return addresses minus one
            ret = (not t["on_cpu"]) if i == 0 else not (fr[i - 1]["function"] or "").startswith("asm_")
            frames.append((t["pid"], f, pc - kaslr - (1 if ret else 0)))
    if not frames:
        print("FAIL %s: no vmlinux frames in the report" % name)
        return 1
    addrs = sorted({a for _, _, a in frames})
    out = subprocess.run(["addr2line", "-i", "-f", "-a", "-e", vmlinux] + ["0x%x" % a for a in addrs],
                         capture_output=True, text=True).stdout.splitlines()
    # output: 0xADDR, then (function, file:line) pairs, innermost first
    chains, cur = {}, None
    i = 0
    while i < len(out):
        if out[i].startswith("0x"):
            cur = int(out[i], 16)
            chains[cur] = []
            i += 1
            continue
        fn, loc = out[i], out[i + 1] if i + 1 < len(out) else "??:0"
        f, _, l = loc.rpartition(":")
        l = l.split()[0] if l else "0"
        chains[cur].append((fn, os.path.basename(f), int(l) if l.isdigit() else 0))
        i += 2
    bad = 0
    checked = 0
    for pid, f, a in frames:
        ch = chains.get(a) or []
        if not ch or ch[0][0] == "??":
            continue
        mine = [(x["function"], os.path.basename(x["file"] or ""), x["line"] or 0)
                for x in f.get("inlined", [])]
        mine.append((ch[-1][0], os.path.basename(f["file"] or ""), f["line"] or 0))
        theirs = ch
        checked += 1
        # the outermost name is the symbol (kdlview shows the ELF symbol, which
        # may carry a .constprop/.isra suffix): compare inlined names exactly
        if [m[0] for m in mine[:-1]] != [t[0] for t in theirs[:-1]] or \
                [(m[1], m[2]) for m in mine] != [(t[1], t[2]) for t in theirs]:
            bad += 1
            if bad <= 5:
                print("FAIL %s: pid %d %s pc %s: kdlview %s / addr2line %s" %
                      (name, pid, f["function"], f["pc"], mine, theirs))
    if bad == 0:
        print("PASS %s: file:line and inlined callers of %d vmlinux frames equal addr2line -i"
              % (name, checked))
    elif bad > 5:
        print("FAIL %s: %d more frames differ" % (name, bad - 5))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
