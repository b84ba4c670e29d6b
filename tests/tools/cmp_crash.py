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
    out, cur = {}, None
    for line in open(path, errors="replace"):
        m = re.match(r"PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)", line)
        if m:
            key = (int(m.group(1)), int(m.group(3)))
            cur = out.setdefault(key, [])
            continue
        m = re.match(r"\s*#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+", line)
        if m and cur is not None:
            cur.append(m.group(1))
    return out


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
        m = re.match(r"^\s*(\? )?([A-Za-z0-9_.$]+)\+0x", line)
        if m and cur is not None and not m.group(1):
            cur.append(m.group(2))
    return tasks, cpus


def main():
    cr = crash_blocks(sys.argv[1])
    tasks, cpus = our_blocks(sys.argv[2])
    same = total = 0
    for (pid, cpu), want in sorted(cr.items()):
        got = tasks.get(pid)
        if got is None:
            got = cpus.get((pid, cpu), [])
        total += 1
        if want == got:
            same += 1
        else:
            print(f"DIFF pid {pid} cpu {cpu}:\n  crash: {' '.join(want)}\n  ours:  {' '.join(got)}")
    print(f"crash: {same}/{total} traces identical")


if __name__ == "__main__":
    main()
