#!/usr/bin/env python3
"""Compare unwind_dump output with crash's `foreach UN bt` / `bt -a` output.

    cmp_crash.py crash.txt unwind_dump.txt

Per pid: crash's function list (" #N [slot] func at pc"; exception-frame
register dumps skipped) against our reliable frames. Prints differences and
a summary.
"""
import re
import sys


def crash_blocks(path):
    """{(pid, cpu): [functions]} and {(pid, cpu): {(func, off)}} of exception RIPs."""
    out, rips, cur, key = {}, {}, None, None
    for line in open(path, errors="replace"):
        m = re.match(r"PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)", line)
        if m:
            key = (int(m.group(1)), int(m.group(3)))
            cur = out.setdefault(key, [])
            continue
        m = re.match(r"\s*\[exception RIP: ([A-Za-z0-9_.$]+)\+(\d+)\]", line)
        if m and key is not None:
            rips.setdefault(key, set()).add((m.group(1), int(m.group(2))))
            continue
        m = re.match(r"\s*#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+", line)
        if m and cur is not None:
            cur.append(m.group(1))
    return out, rips


def our_blocks(path):
    tasks, cpus, cur = {}, {}, None
    for line in open(path):
        m = re.match(r"task:\S+\s+pid:(\d+)", line)
        if m:
            cur = tasks.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"cpu:(\d+) pid:(\d+)", line)
        if m:
            cur = cpus.setdefault((int(m.group(2)), int(m.group(1))), [])
            continue
        m = re.match(r"^\s*(\? )?([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)", line)
        if m and cur is not None and not m.group(1):
            cur.append((m.group(2), int(m.group(3), 16)))
    return tasks, cpus


def main():
    cr, rips = crash_blocks(sys.argv[1])
    tasks, cpus = our_blocks(sys.argv[2])
    same = total = 0
    for (pid, cpu), want in sorted(cr.items()):
        got = tasks.get(pid)
        if got is None:
            got = cpus.get((pid, cpu), [])
        # crash shows register frames as "[exception RIP: f+off]", not as #N
        got = [f for f, o in got if (f, o) not in rips.get((pid, cpu), set())]
        total += 1
        if want == got:
            same += 1
        else:
            print(f"DIFF pid {pid} cpu {cpu}:\n  crash: {' '.join(want)}\n  ours:  {' '.join(got)}")
    print(f"crash: {same}/{total} traces identical")


if __name__ == "__main__":
    main()
