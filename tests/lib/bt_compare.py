#!/usr/bin/env python3
"""Compare the backtraces of kdlview's text report (crash's `bt` layout) with
crash's own `foreach UN bt` output on the same dump: for every task in both,
the function lists must be equal (kdlview's unreliable frames and crash's
`?`-less scan entries aside). Prints PASS/FAIL lines.

usage: bt_compare.py NAME KDLVIEW_REPORT.txt CRASH_BT.txt [EXPECTED.json]

With EXPECTED.json, entries the kernel's own traces of that task mark
unreliable ("? name") are dropped from crash's list before comparing.
"""
import json, re, sys

# the same address under two names: crash picks the section label
ALIAS = {"__softirqentry_text_start": "__do_softirq"}

HDR = re.compile(r'^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)\s+COMMAND: "(.*)"')
EXC = re.compile(r'^\s*\[exception RIP: ([^+\]]+)')
UNKNOWN = re.compile(r'^\s*#\d+ \[[0-9a-f]+\] unknown or invalid address')
FRAME = re.compile(r'^\s*#(\d+) \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)(.*)$')


def parse(path, stop_at=None):
    """{task address: (pid, [functions])}, first trace of each task."""
    res, cur = {}, None
    for line in open(path, errors="replace"):
        if stop_at and line.startswith(stop_at):
            cur = None
            continue
        m = HDR.match(line)
        if m:
            key = int(m.group(2), 16)
            cur = None if key in res else key
            if cur is not None:
                res[cur] = (int(m.group(1)), [])
            continue
        if UNKNOWN.match(line):
            continue
        m = EXC.match(line)
        if m and cur is not None:
            res[cur][1].append(m.group(1).strip())
            continue
        m = FRAME.match(line)
        if m and cur is not None:
            if "(unreliable)" in m.group(5):
                continue
            res[cur][1].append(m.group(3))
        elif cur is not None and re.match(r"^\s*--- <user> ---", line):
            cur = None  # the user-mode end: crash shows registers there, not frames
    return res


def main():
    name, rep, crash = sys.argv[1:4]
    unreliable = {}
    if len(sys.argv) > 4:
        exp = json.load(open(sys.argv[4]))
        def note(pid, frames):
            for f in frames or []:
                if f.startswith("?"):
                    unreliable.setdefault(pid, set()).add(f[1:])
        for pid, b in exp.get("backtraces", {}).items():
            for key, frames in b.items():
                if isinstance(frames, list):
                    note(int(pid), frames)
        for c in exp.get("cpus", {}).values():
            if c.get("pid") is not None:
                note(c["pid"], c.get("sysrq_l"))
            sl = c.get("soft_lockup") or {}
            if sl.get("pid") is not None:
                note(sl["pid"], sl.get("frames"))
    mine = parse(rep, stop_at="CPUS")
    theirs = parse(crash, stop_at="bt -a")
    both = sorted(set(mine) & set(theirs))
    bad = 0
    for k in both:
        pid, a = mine[k]
        _, b = theirs[k]
        # crash quirks: repeated entries and "unknown or invalid address" lines
        # when it crosses an IRQ frame
        bogus = "unknown or invalid address" in b
        if bogus:  # crash decoded a bogus exception frame: keep what came before
            b = b[:b.index("unknown or invalid address")]
        # entries the kernel itself marks "?" are compared on neither side
        a = [f for f in a if f not in unreliable.get(pid, ())]
        b = [ALIAS.get(f, f) for f in b if f not in unreliable.get(pid, ())]
        b = [f for i, f in enumerate(b) if i == 0 or f != b[i - 1]]
        if not b or pid == 0:
            continue  # idle tasks: crash drops the noreturn tail (rest_init)
        if a == b:
            print("PASS %s: pid %d trace equals crash bt (%d frames)" % (name, pid, len(a)))
        elif bogus and a[:len(b)] == b:
            print("PASS %s: pid %d trace equals crash bt up to crash's bogus exception "
                  "frame (%d frames)" % (name, pid, len(b)))
        elif len(b) < len(a) and a[:len(b)] == b and re.match(r"(asm_)?sysvec_", b[-1]):
            # crash 8.0.2 does not always cross from the IRQ stack back to
            # the interrupted task; the rest is checked against sysrq-l
            print("PASS %s: pid %d trace extends crash bt (crash stops at the IRQ "
                  "boundary, %s)" % (name, pid, b[-1]))
        elif len(b) < len(a) and a[:len(b)] == b and b[-1] == "schedule_timeout":
            # crash 8.0.2 stops its ORC walk after schedule_timeout; the
            # kernel's sysrq-w trace (t_unwind_truth) covers the rest
            print("PASS %s: pid %d trace extends crash bt (crash stops after %s)" %
                  (name, pid, b[-1]))
        else:
            bad += 1
            print("FAIL %s: pid %d trace differs from crash bt: kdlview %s / crash %s" %
                  (name, pid, " ".join(a), " ".join(b)))
    if not both:
        print("FAIL %s: no task in both kdlview's report and crash's bt" % name)
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
