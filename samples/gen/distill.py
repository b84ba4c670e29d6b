#!/usr/bin/env python3
"""Distil a variant's truth into expected.json (and scenarios.md).

Reads ONLY the variant's recorded truth: truth/console.log (the module's
manifest lines "KDL {json}", sysrq-w, hung-task and soft-lockup reports,
sysrq-l NMI backtraces), truth/crash-*.txt and truth/drgn.txt when present.
Never kdlview's output.

usage: distill.py SAMPLES/VARIANT [CONSOLE_NAME OUT_NAME]
(defaults: truth/console.log -> expected.json + scenarios.md)
"""
import json, os, re, sys

drgn_pi_blocked = {}
clocks = {}

TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
# crash letters, as in kdlview's model
LETTER = {"D": "UN", "S": "IN", "R": "RU", "X": "DE", "Z": "ZO", "RTLOCK": "UN", "I": "ID"}


def strip_ts(line):
    return TS.sub("", line.rstrip("\r\n"))


def fn_of(entry):
    """'__schedule+0x2d4/0x860 [mod]' -> '__schedule'; None for markers."""
    e = entry.strip()
    if not e or e.startswith("<") or e.startswith("RIP:") or e.startswith("Code:"):
        return None
    unreliable = e.startswith("? ")
    if unreliable:
        e = e[2:]
    m = re.match(r"([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+/0x[0-9a-f]+", e)
    if not m:
        return None
    return ("?" if unreliable else "") + m.group(1)


def parse_trace(lines, i):
    """Parse a 'Call Trace:' block starting after index i; return (frames, ctx, next index)."""
    frames = []
    n = len(lines)
    while i < n:
        s = lines[i].strip()
        if s in ("<TASK>", "<IRQ>", "<NMI>", "<SOFTIRQ>", "</IRQ>", "</NMI>", "</SOFTIRQ>"):
            frames.append(s)
            i += 1
            continue
        if s == "</TASK>":
            return frames, i + 1
        f = fn_of(s)
        if f is None:
            if s.startswith(("RIP:", "RSP:", "RAX:", "RDX:", "RBP:", "R10:", "R13:", "FS:", "CS:",
                             "CR2:", "DR0:", "DR3:", "Code:", "PKRU:")):
                i += 1
                continue
            return frames, i
        frames.append(f)
        i += 1
    return frames, i


def reliable(frames):
    return [f for f in frames if not f.startswith("?") and not f.startswith("<")]


def parse_console(path):
    raw = open(path, "rb").read().decode("utf-8", "replace").splitlines()
    lines = [strip_ts(l) for l in raw]
    man, sysrq_w, hung, nmi, lockups, notes = [], {}, {}, {}, [], []
    rt_detected = set()
    kernel = None
    phase = "boot"
    i = 0
    while i < len(lines):
        l = lines[i]
        if kernel is None:
            m = re.match(r"Linux version (\S+)", l)
            if m:
                kernel = m.group(1)
        j = l.find("KDL {")
        if j >= 0:
            try:
                man.append(json.loads(l[j + 4:]))
            except ValueError:
                notes.append("unparsable manifest line: " + l[:120])
        if "sysrq: Show Blocked State" in l:
            phase = "sysrq-w"
        elif "sysrq: Show backtrace of all active CPUs" in l:
            phase = "sysrq-l"
        elif l.startswith("KDL-INIT sysrq-w done"):
            phase = "after-w"
        if "rtmutex deadlock detected" in l:
            who = ""
            if i + 1 < len(lines):
                mw = re.match(r"WARNING: CPU: \d+ PID: (\d+)", lines[i + 1])
                if mw:
                    who = " by pid %s" % mw.group(1)
                    rt_detected.add(int(mw.group(1)))
            notes.append("kernel: rtmutex deadlock detected%s (rt_mutex_handle_deadlock: the task "
                         "was taken off the wait list and sleeps in TASK_INTERRUPTIBLE forever)" % who)
        m = re.match(r"task:(\S+)\s+state:(\S)\s+stack:\s*\d+\s+pid:\s*(\d+)", l)
        if m:
            comm, st, pid = m.group(1), m.group(2), int(m.group(3))
            k = i + 1
            frames = []
            while k < len(lines) and k < i + 4:
                if lines[k].strip() == "Call Trace:":
                    frames, k = parse_trace(lines, k + 1)
                    break
                k += 1
            entry = {"comm": comm, "state": st, "frames": reliable(frames), "raw": frames}
            if phase == "sysrq-w":
                sysrq_w[pid] = entry
            else:
                hung.setdefault(pid, entry)
            i = max(i + 1, k)
            continue
        m = re.match(r"NMI backtrace for cpu (\d+)", l)
        m2 = re.search(r"soft lockup - CPU#(\d+) stuck for (\d+)s! \[(.+):(\d+)\]", l)
        if m or m2:
            cpu = int((m or m2).group(1))
            rec = {"cpu": cpu}
            if m2:
                rec.update(stuck_s=int(m2.group(2)), comm=m2.group(3), pid=int(m2.group(4)))
            k = i + 1
            frames = []
            while k < len(lines) and k < i + 60:
                s = lines[k].strip()
                mc = re.match(r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)", s)
                if mc:
                    rec.update(pid=int(mc.group(2)), comm=mc.group(3))
                mr = re.match(r"RIP: 0010:(\S+)", s)
                if mr and "rip" not in rec:
                    rec["rip"] = fn_of(mr.group(1)) or mr.group(1)
                if s == "Call Trace:":
                    frames, k = parse_trace(lines, k + 1)
                    break
                if re.match(r"NMI backtrace for cpu|watchdog: BUG|sysrq:", s):
                    break
                k += 1
            rec["frames_with_context"] = frames
            rec["frames"] = reliable(frames)
            if m:
                nmi[cpu] = rec
            else:
                lockups.append(rec)
            i = max(i + 1, k)
            continue
        i += 1
    rcu = [l for l in lines if re.search(r"rcu: INFO: .*(detected stall|self-detected stall)", l)]
    return dict(kernel=kernel, manifest=man, sysrq_w=sysrq_w, hung=hung, nmi=nmi,
                lockups=lockups, rcu=rcu, notes=sorted(set(notes)), rt_detected=rt_detected)


def parse_crash_bt(path):
    res, cur = {}, None
    section = None
    for l in open(path, errors="replace"):
        l = l.rstrip("\n")
        if l.startswith("crash> "):
            section = l[7:].strip()
            continue
        m = re.match(r'PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)\s+COMMAND: "(.*)"', l)
        if m:
            cur = {"pid": int(m.group(1)), "task": "0x" + m.group(2), "cpu": int(m.group(3)),
                   "comm": m.group(4), "frames": []}
            res.setdefault(section, []).append(cur)
            continue
        m = re.match(r"\s*#\d+ \[[0-9a-f]+\] (\S+) at [0-9a-f]+", l)
        if m and cur is not None:
            cur["frames"].append(m.group(1))
    return res


def parse_crash_ps(path):
    un = []
    for l in open(path, errors="replace"):
        m = re.match(r">?\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-f]+)\s+(\S\S)\s+\S+\s+\d+\s+\d+\s+(.*)$", l.rstrip())
        if m and m.group(5) == "UN":
            un.append({"pid": int(m.group(1)), "task": "0x" + m.group(4), "comm": m.group(6).strip("[]")})
    return un


def parse_drgn(path):
    """tasks {pid: ...}, stacks {pid: [fn]}, lock wait lists {(scen, id): [(pid, mode)]}"""
    tasks, stacks, waits, section = {}, {}, {}, None
    global drgn_pi_blocked, clocks
    drgn_pi_blocked = {}
    clocks = {}
    for l in open(path, errors="replace"):
        l = l.rstrip("\n")
        if l.startswith("## "):
            section = l.split()[1]
            continue
        if section == "tasks":
            p = l.split()
            if len(p) >= 6 and p[0].isdigit():
                tasks[int(p[0])] = {"comm": p[1], "task": p[2], "state": p[3], "cpu": int(p[5])}
                if len(p) >= 7:
                    tasks[int(p[0])]["last_arrival"] = int(p[6])
        elif section == "clocks":
            m = re.match(r"cpu (\d+) rq_clock (\d+)", l)
            if m:
                clocks[int(m.group(1))] = int(m.group(2))
        elif section == "stacks":
            m = re.match(r"(\d+) (.+?) (\S+): (.*)$", l)
            if m:
                stacks[int(m.group(1))] = m.group(4).split() if not m.group(4).startswith("<") else []
        elif section == "blocked_on":
            m = re.match(r"(\d+) \S+ pi_blocked_on waiter=0x[0-9a-f]+ lock\(rt_mutex_base\)=(0x[0-9a-f]+)", l)
            if m:
                drgn_pi_blocked[int(m.group(1))] = m.group(2)
        elif section == "locks":
            m = re.match(r"(\S+?)/(\S+) .*waiters=\[(.*)\]", l)
            if m:
                waits[(m.group(1), m.group(2))] = [
                    (int(w.group(1)), w.group(2) or "")
                    for w in re.finditer(r"\(pid (\d+) [^)]*\)(?::(\w+))?", m.group(3))]
    return tasks, stacks, waits


def build(vdir, console_name, out_name):
    tdir = os.path.join(vdir, "truth")
    con = parse_console(os.path.join(tdir, console_name))
    sources = ["truth/" + console_name]
    main = console_name == "console.log"
    crash_bt = crash_un = None
    drgn_tasks = drgn_stacks = drgn_waits = {}
    if main and os.path.exists(os.path.join(tdir, "crash-bt.txt")):
        crash_bt = parse_crash_bt(os.path.join(tdir, "crash-bt.txt"))
        crash_un = parse_crash_ps(os.path.join(tdir, "crash-ps.txt"))
        sources += ["truth/crash-bt.txt", "truth/crash-ps.txt"]
    if main and os.path.exists(os.path.join(tdir, "drgn.txt")):
        drgn_tasks, drgn_stacks, drgn_waits = parse_drgn(os.path.join(tdir, "drgn.txt"))
        sources.append("truth/drgn.txt")

    # the last manifest record for each task/lock wins (manifest is printed once)
    scen, locks, tasks = [], {}, []
    for r in con["manifest"]:
        if r["rec"] == "scen":
            scen.append(r)
        elif r["rec"] == "lock":
            locks[(r["scen"], r["id"])] = r
        elif r["rec"] == "task":
            tasks.append(r)

    def tstate(t):
        st = t["state"]
        d = drgn_tasks.get(t["pid"])
        if d and d["comm"] == t["comm"]:
            st = d["state"]          # state in the dump itself, when drgn could read it
        return st

    out_s = []
    for s in scen:
        sid = s["id"]
        ts = [t for t in tasks if t["scen"] == sid]
        tl = []
        for t in ts:
            st = tstate(t)
            e = {"comm": t["comm"], "pid": t["pid"], "task": t["task"],
                 "state": LETTER.get(st, st), "state_raw": t["state_raw"], "role": t["role"],
                 "holds": [h for h in t["holds"].split(",") if h]}
            if st == "RTLOCK":
                e["rtlock_wait"] = True
            d = drgn_tasks.get(t["pid"])
            if d and d.get("last_arrival", -1) > 0 and d["cpu"] in clocks:
                # sched_info.last_arrival and the task's CPU runqueue clock (drgn)
                e["last_arrival_ns"] = d["last_arrival"]
                e["rq_clock_ns"] = clocks[d["cpu"]]
            if t["exit_state"]:
                e["exit_state"] = t["exit_state"]
            tl.append(e)
        edges = []
        for t in ts:
            if not t["waits"]:
                continue
            lk = locks.get((sid, t["waits"]))
            if lk is None:
                continue
            e = {"pid": t["pid"], "comm": t["comm"], "context": t["ctx"],
                 "waits_on": {"address": lk["addr"], "kind": lk["kind"], "name": lk["name"],
                              "id": lk["id"]},
                 "mode": t["mode"]}
            for k in ("cache", "type", "member", "object"):
                if lk.get(k) and lk[k] != "0x0000000000000000":
                    e["waits_on"][k] = lk[k]
            wl = drgn_waits.get((sid, lk["id"]))
            if wl is None and drgn_tasks and lk["kind"] in ("mutex", "rwsem", "spinlock", "rwlock") \
                    and drgn_pi_blocked:
                # PREEMPT_RT: rt_mutex based; the rt_mutex_base the task is blocked on
                # (for an rwsem that is its rwbase.rtmutex, owned by a waiting writer)
                e["pi_blocked_on_drgn"] = drgn_pi_blocked.get(t["pid"])
            if t["pid"] in con["rt_detected"]:
                e["kernel_detected_deadlock"] = True
            if wl is not None:
                # cross-check: is the waiter on the lock's wait list in the dump (drgn)?
                e["in_wait_list_drgn"] = any(pid == t["pid"] for pid, _ in wl)
            if wl and t["mode"] == "read":
                ahead = []
                for pid, mode in wl:
                    if pid == t["pid"]:
                        break
                    if mode == "write":
                        ahead.append(pid)
                if ahead:
                    e["queued_behind"] = ahead   # writers ahead of this reader (drgn wait list)
            if lk["owner"]:
                o = lk["owner"]
                e["owner"] = {"pid": o["pid"], "task": o["task"], "comm": o["comm"],
                              "alive": o["alive"], "mode": o["mode"]}
                if lk.get("reason"):
                    e["owner"]["how"] = lk["reason"]
            else:
                e["owner"] = None
                e["reason"] = lk.get("reason") or "no owner"
            edges.append(e)
        lock_list = []
        for (sc, lid), l in locks.items():
            if sc != sid:
                continue
            d = {"id": l["id"], "address": l["addr"], "kind": l["kind"], "name": l["name"],
                 "owner_pid": l["owner"]["pid"] if l["owner"] else None}
            if (sc, lid) in drgn_waits:
                d["waiters_drgn"] = [{"pid": p, "mode": m} if m else {"pid": p}
                                     for p, m in drgn_waits[(sc, lid)]]
            lock_list.append(d)
        out_s.append({"id": sid, "title": s["title"], "finding": s["finding"], "tasks": tl,
                      "locks": lock_list, "edges": edges,
                      "cycles": [s["cycle"]] if s["cycle"] else []})

    # UN tasks: the kernel's sysrq-w list (D state, before any CPU was wedged),
    # cross-checked with crash's ps where it ran.
    un = []
    for pid, w in sorted(con["sysrq_w"].items()):
        if w["state"] == "D":
            m = next((t for t in tasks if t["pid"] == pid), None)
            un.append({"pid": pid, "comm": w["comm"], "task": m["task"] if m else None,
                       "source": "sysrq-w"})
    if crash_un is not None:
        seen = {u["pid"] for u in un}
        for u in crash_un:
            if u["pid"] in seen:
                next(x for x in un if x["pid"] == u["pid"]).update(task=u["task"], crash_ps="UN")
            else:
                un.append(dict(u, source="crash ps"))
    # RTLOCK waiters are not D state: sysrq-w skips them; list them from the manifest
    for t in tasks:
        if t["state"] == "RTLOCK" and all(u["pid"] != t["pid"] for u in un):
            un.append({"pid": t["pid"], "comm": t["comm"], "task": t["task"],
                       "source": "manifest (TASK_RTLOCK_WAIT)", "rtlock_wait": True})
    un.sort(key=lambda u: u["pid"])

    bts = {}
    def put(pid, comm, key, frames):
        if not frames:
            return
        b = bts.setdefault(str(pid), {"comm": comm})
        b.setdefault(key, frames)
    for pid, w in con["sysrq_w"].items():
        put(pid, w["comm"], "sysrq_w", w["frames"])
    for pid, w in con["hung"].items():
        put(pid, w["comm"], "hung_task", w["frames"])
    if crash_bt:
        for sec, lst in crash_bt.items():
            key = "crash_bt_a" if sec and sec.startswith("bt -a") else "crash"
            for r in lst:
                put(r["pid"], r["comm"], key, r["frames"])
    for pid, fr in drgn_stacks.items():
        d = drgn_tasks.get(pid, {})
        if d.get("comm", "").startswith("kdl_") or d.get("state") in ("D", "RTLOCK") or \
                str(pid) in bts:
            put(pid, d.get("comm", "?"), "drgn", fr)

    cpus = {}
    for cpu, r in sorted(con["nmi"].items()):
        cpus[str(cpu)] = {"pid": r.get("pid"), "comm": r.get("comm"), "rip": r.get("rip"),
                          "sysrq_l": r["frames_with_context"]}
    for r in con["lockups"]:
        c = cpus.setdefault(str(r["cpu"]), {})
        c.setdefault("soft_lockup", {"stuck_s": r.get("stuck_s"), "pid": r.get("pid"),
                                     "comm": r.get("comm"), "rip": r.get("rip"),
                                     "frames": r["frames_with_context"]})

    res = {"variant": os.path.basename(os.path.abspath(vdir)), "kernel": con["kernel"],
           "sources": sources, "scenarios": out_s, "un_tasks": un, "backtraces": bts,
           "cpus": cpus, "rcu_stall_reports": len(con["rcu"]), "kernel_notes": con["notes"]}
    with open(os.path.join(vdir, out_name), "w") as f:
        json.dump(res, f, indent=1, sort_keys=False)
        f.write("\n")
    return res


def markdown(res, path):
    L = ["# %s: scenarios and expected wait-for graph" % res["variant"], "",
         "Kernel %s. Generated by samples/gen/distill.py from truth/ (do not edit)." % res["kernel"], "",
         "| scenario | finding | tasks (pid comm state) | cycle |", "|---|---|---|---|"]
    for s in res["scenarios"]:
        tl = ", ".join("%d %s %s" % (t["pid"], t["comm"], t["state"]) for t in s["tasks"][:6])
        if len(s["tasks"]) > 6:
            tl += ", ... (%d tasks)" % len(s["tasks"])
        L.append("| %s | %s | %s | %s |" % (s["id"], s["finding"], tl,
                                          " -> ".join(str(p) for p in s["cycles"][0]) if s["cycles"] else "-"))
    L += ["", "## Wait-for edges (waiter -> lock -> owner)", ""]
    for s in res["scenarios"]:
        L.append("### %s: %s" % (s["id"], s["title"]))
        L.append("")
        for e in s["edges"]:
            w = e["waits_on"]
            if e["owner"]:
                o = "%s[%d]%s" % (e["owner"]["comm"], e["owner"]["pid"],
                                  "" if e["owner"]["alive"] else " (dead)")
            else:
                o = "nobody (%s)" % e.get("reason")
            ctx = " (softirq)" if e["context"] != "task" else ""
            behind = " (queued behind writer %s)" % e["queued_behind"] if e.get("queued_behind") else ""
            L.append("- %s[%d]%s --%s--> %s `%s` @%s --held by--> %s%s" % (
                e["comm"], e["pid"], ctx, e["mode"], w["kind"], w["name"], w["address"], o, behind))
        L.append("")
    L += ["## CPUs (sysrq-l, soft lockups)", ""]
    for c, r in sorted(res["cpus"].items()):
        sl = r.get("soft_lockup")
        L.append("- CPU %s: %s[%s] rip=%s%s" % (c, r.get("comm"), r.get("pid"), r.get("rip"),
                                                 " soft lockup %ss" % sl["stuck_s"] if sl else ""))
    L.append("")
    L.append("UN tasks: %d; RCU stall reports: %d." % (len(res["un_tasks"]), res["rcu_stall_reports"]))
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


def main():
    vdir = sys.argv[1]
    if len(sys.argv) > 3:
        build(vdir, sys.argv[2], sys.argv[3])
        return
    res = build(vdir, "console.log", "expected.json")
    markdown(res, os.path.join(vdir, "scenarios.md"))
    if os.path.exists(os.path.join(vdir, "truth", "console-novmcoreinfo.log")):
        build(vdir, "console-novmcoreinfo.log", "expected-novmcoreinfo.json")


if __name__ == "__main__":
    main()
