#!/usr/bin/env python3
"""Check file:line and inlined callers of every vmlinux frame in kdlview's JSON
report against binutils' addr2line -i on the same vmlinux (an independent DWARF
reader). Prints PASS/FAIL lines.

usage: lines_check.py NAME REPORT.json VMLINUX [MODULE.ko ...]

Frames in a given module's .text are checked too, at their offset into the
.ko's .text section (addr2line -j .text).
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
    vbad = bad
    # module frames: symbol value in .ko + offset into the function
    for ko in sys.argv[4:]:
        mod = os.path.basename(ko)[:-3]
        syms = {}
        for l in subprocess.run(["readelf", "-sW", ko], capture_output=True, text=True).stdout.splitlines():
            f = l.split()
            if len(f) >= 8 and f[3] == "FUNC" and f[6] != "UND":
                syms.setdefault(f[7], (int(f[1], 16), f[6]))
        shndx_text = None
        for l in subprocess.run(["readelf", "-SW", ko], capture_output=True, text=True).stdout.splitlines():
            if " .text " in l + " ":
                shndx_text = l.split("]")[0].strip(" [")
                break
        mframes = []
        for t in d["tasks"]:
            fr = t["frames"]
            for i, f in enumerate(fr):
                if f["module"] != mod or f["function"] not in syms:
                    continue
                val, ndx = syms[f["function"]]
                if ndx != shndx_text:
                    continue
                ret = (not t["on_cpu"]) if i == 0 else not (fr[i - 1]["function"] or "").startswith("asm_")
                mframes.append((t["pid"], f, val + f["offset"] - (1 if ret else 0)))
        if not mframes:
            print("FAIL %s: no %s frames in the report" % (name, mod))
            bad += 1
            continue
        out = subprocess.run(["addr2line", "-i", "-f", "-a", "-j", ".text", "-e", ko] +
                             ["0x%x" % a for _, _, a in mframes], capture_output=True, text=True).stdout.splitlines()
        mch, cur, i = {}, None, 0
        while i < len(out):
            if out[i].startswith("0x"):
                cur = int(out[i], 16)
                mch[cur] = []
                i += 1
                continue
            f_, _, l_ = (out[i + 1] if i + 1 < len(out) else "??:0").rpartition(":")
            l_ = l_.split()[0] if l_ else "0"
            mch[cur].append((out[i], os.path.basename(f_), int(l_) if l_.isdigit() else 0))
            i += 2
        mbad = 0
        for pid, f, a in mframes:
            ch = mch.get(a) or []
            mine = [(x["function"], os.path.basename(x["file"] or ""), x["line"] or 0)
                    for x in f.get("inlined", [])]
            mine.append((f["function"], os.path.basename(f["file"] or ""), f["line"] or 0))
            if [(m[1], m[2]) for m in mine] != [(c[1], c[2]) for c in ch]:
                mbad += 1
                if mbad <= 3:
                    print("FAIL %s: pid %d %s [%s]: kdlview %s / addr2line %s" %
                          (name, pid, f["function"], mod, mine, ch))
        if not mbad:
            print("PASS %s: file:line of %d %s frames equal addr2line -i on %s" %
                  (name, len(mframes), mod, os.path.basename(ko)))
        bad += mbad
    if vbad == 0:
        print("PASS %s: file:line and inlined callers of %d vmlinux frames equal addr2line -i"
              % (name, checked))
    elif vbad > 5:
        print("FAIL %s: %d more frames differ" % (name, vbad - 5))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
