#!/usr/bin/env python3
"""Compare unwind_dump output with the kernel's own traces in a console log.

    cmp_trace.py console.log unwind_dump.txt [PREFIX]

With PREFIX, prints the test protocol instead ("PASS PREFIX task 37", "FAIL
..."): sysrq-w tasks and soft-lockup CPUs must be identical; sysrq-l CPUs are
only reported ("# ..."), since a CPU may have left a transient interrupt
between sysrq-l and the dump.

Tasks: every "task:NAME ... pid:N" block of the sysrq-w section ("Show Blocked
State"); the kernel's reliable function list (lines without "? ") must equal
ours (reliable frames, USER frames left out). CPUs: every "NMI backtrace for
cpu N" block of the sysrq-l section and every soft-lockup report; frames that
are a "RIP:" of the kernel's report (register frames) are left out of ours.
Prints one line per item and a summary: matched/total items and frames.
"""
import re
import sys

FRAME = re.compile(r"^\s*(\? )?([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)/0x[0-9a-f]+")
STAMP = re.compile(r"^\[\s*[0-9.]+\] ?")


def strip(line):
    return STAMP.sub("", line.rstrip("\n"))


def kernel_blocks(lines):
    """(kind, key, [functions], [rip functions]) from the console log."""
    out = []
    mode = None
    cur = None
    pending = list(lines)
    i = 0
    while i < len(pending):
        raw = pending[i]
        i += 1
        # init's markers can land in the middle of a kernel line on the
        # serial console: "KDL-INIT sysrq-w[    4.18]  __mutex_lock..."
        m = re.match(r"(KDL-INIT[^\[]*)(\[.*)", raw)
        if m:
            pending.insert(i, m.group(2))
            raw = m.group(1)
        line = strip(raw)
        if "sysrq: Show Blocked State" in line:
            mode = "w"
            continue
        if "sysrq: Show backtrace of all active CPUs" in line:
            mode = "l"
            continue
        if raw.startswith("KDL-INIT") and raw.rstrip().endswith("done"):
            mode = None
            continue
        m = re.match(r"task:(\S+)\s+state:\S+.*?\bpid:(\d+)", line)
        if m and mode == "w":
            cur = ["task", int(m.group(2)), [], [], []]
            out.append(cur)
            continue
        m = re.match(r"NMI backtrace for cpu (\d+) skipped: idling at ([A-Za-z0-9_.$]+)\+", line)
        if m and mode == "l":
            out.append(["idle", int(m.group(1)), [m.group(2)], [], [(m.group(2), True)]])
            cur = None
            continue
        m = re.match(r"NMI backtrace for cpu (\d+)", line)
        if m and mode == "l":
            cur = ["cpu", int(m.group(1)), [], [], []]
            out.append(cur)
            continue
        m = re.match(r"watchdog: BUG: soft lockup - CPU#(\d+)", line)
        if m:
            cur = ["lockup", int(m.group(1)), [], [], []]
            out.append(cur)
            continue
        if cur is None:
            continue
        m = re.match(r"RIP: 0010:([A-Za-z0-9_.$]+)\+0x([0-9a-f]+)", line)
        if m:
            cur[3].append((m.group(1), int(m.group(2), 16)))
            continue
        m = FRAME.match(line)
        if m:
            cur[4].append((m.group(2), not m.group(1)))
        if m and not m.group(1):
            cur[2].append(m.group(2))
        if line.strip() == "</TASK>":
            cur = None
    return out


def fits(kfull, got):
    """Our frames equal the kernel's reliable ones plus some that the kernel
    listed as "? name" at that place (its unwinder skipped a frame, e.g. a
    function interrupted before its frame pointer was set up). Returns the
    list of such extra frames, or None."""
    j, extras = 0, []
    for name, reliable in kfull:
        if j < len(got) and got[j] == name:
            if not reliable:
                extras.append(name)
            j += 1
        elif reliable:
            return None
    return extras if j == len(got) else None


def our_blocks(lines):
    tasks, cpus = {}, {}
    cur = None
    for line in lines:
        m = re.match(r"task:\S+\s+pid:(\d+)", line)
        if m:
            cur = tasks.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"cpu:(\d+)", line)
        if m:
            cur = cpus.setdefault(int(m.group(1)), [])
            continue
        m = FRAME.match(line)
        if m and cur is not None and not m.group(1):
            cur.append((m.group(2), int(m.group(3), 16)))
    return tasks, cpus


def main():
    prefix = sys.argv[3] if len(sys.argv) > 3 else None
    klines = open(sys.argv[1], errors="replace").readlines()
    ours_t, ours_c = our_blocks(open(sys.argv[2]).readlines())
    items = ok_items = frames = ok_frames = failed = 0
    for kind, key, want, rips, kfull in kernel_blocks(klines):
        if kind == "task":
            got = [f for f, _ in ours_t.get(key, [])]
        elif kind == "idle":
            # sysrq-l skipped an idle CPU: it names only where it idles
            got = [f for f, _ in ours_c.get(key, [])][:1]
        else:
            if kind == "cpu" and any(w in ("nmi_cpu_backtrace", "dump_stack_lvl") for w in want):
                print(f"# cpu {key}: the trace of the sysrq-l writer itself, not compared")
                continue
            got = [f for f, o in ours_c.get(key, []) if (f, o) not in rips]
            # the kernel's NMI handler frames precede the interrupted context
        items += 1
        frames += len(want)
        # frames matched: longest common suffix-aligned run (outermost first)
        n = 0
        for a, b in zip(reversed(want), reversed(got)):
            if a != b:
                break
            n += 1
        ok_frames += n
        same = want == got
        extra = None
        if not same:
            q = fits(kfull, got)
            if q:
                same = True
                n = len(want)
                extra = "frames the kernel marked '?': " + " ".join(q)
        if not same and kind != "task" and len(got) > len(want) and \
                got[len(got) - len(want):] == want and got[len(got) - len(want) - 1].startswith("asm_"):
            # The dump caught the CPU in an interrupt on top of what the
            # kernel reported (e.g. a timer tick): the reported part matches.
            same = True
            extra = "under a transient interrupt: " + " ".join(got[:len(got) - len(want)])
        ok_items += same
        if prefix is None:
            if same:
                print(f"OK   {kind} {key}: {len(want)} frames" +
                      (f" (plus {extra})" if extra else ""))
            else:
                print(f"DIFF {kind} {key}:\n  kernel: {' '.join(want)}\n  ours:   {' '.join(got)}")
        elif same:
            print(f"PASS {prefix} {kind} {key}: {len(want)} frames as the kernel's" +
                  (f" (plus {extra})" if extra else ""))
        elif kind in ("cpu", "idle"):
            print(f"# {prefix} {kind} {key} differs from sysrq-l (transient?):"
                  f" kernel {' '.join(want)} / ours {' '.join(got)}")
        else:
            failed += 1
            print(f"FAIL {prefix} {kind} {key}: kernel {' '.join(want)} / ours {' '.join(got)}")
    print(f"{'# ' if prefix else ''}items {ok_items}/{items} matched, frames {ok_frames}/{frames} matched")
    if prefix and items == 0:
        print(f"FAIL {prefix}: no kernel traces found in {sys.argv[1]}")
        failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
