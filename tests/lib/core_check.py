#!/usr/bin/env python3
"""Compare kdlview's JSON report (--all) of a sample dump with the sample's
recorded truth (expected.json, and crash's ps output when present), and
validate it against tests/schema/report.schema.json. Prints PASS/FAIL lines.

usage: core_check.py NAME REPORT.json EXPECTED.json [CRASH_PS.txt [DRGN.txt]]
"""
import json, os, re, sys

LETTER = {"D": "UN", "S": "IN", "R": "RU", "X": "DE", "Z": "ZO", "I": "ID",
          "T": "ST", "t": "TR", "P": "PA", "RTLOCK": "UN"}
failed = False


def check(ok, name, why=""):
    global failed
    if ok:
        print("PASS %s" % name)
    else:
        failed = True
        print("FAIL %s: %s" % (name, why))


def main():
    name, rep_path, exp_path = sys.argv[1:4]
    crash_ps = sys.argv[4] if len(sys.argv) > 4 else None
    drgn = sys.argv[5] if len(sys.argv) > 5 else None
    rep = json.load(open(rep_path))
    exp = json.load(open(exp_path))
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        import jsonschema
        schema = json.load(open(os.path.join(top, "tests/schema/report.schema.json")))
        errs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(rep), key=str)
        check(not errs, name + ": JSON report matches the schema",
              "; ".join(e.message for e in errs[:3]))
    except ImportError:
        check(False, name + ": JSON schema", "python3-jsonschema missing")

    tasks = rep["tasks"]
    pids = [t["pid"] for t in tasks]
    check(pids == sorted(pids), name + ": tasks sorted by pid")
    cpus = [c["cpu"] for c in rep["cpus"]]
    check(cpus == sorted(cpus), name + ": cpus sorted by cpu")
    by_pid = {}
    for t in tasks:
        if t["pid"] > 0:
            by_pid[t["pid"]] = t
    check(rep["dump"]["task_count"] == len(tasks),
          name + ": --all lists every task (task_count %d)" % rep["dump"]["task_count"],
          "%d listed" % len(tasks))

    # the D-state set equals the kernel's own list (sysrq-w, crash ps)
    want = {u["pid"] for u in exp["un_tasks"] if not u.get("rtlock_wait")}
    got = {t["pid"] for t in tasks if t["state"] == "UN" and not t.get("rtlock_wait")}
    check(want == got, name + ": UN task set equals the recorded truth (%d tasks)" % len(want),
          "missing %s, extra %s" % (sorted(want - got), sorted(got - want)))
    # TASK_RTLOCK_WAIT (shown UN, flagged): sysrq-w skips them; the truth is
    # drgn's task list where it exists, else the scenario manifest
    want_rt = {u["pid"] for u in exp["un_tasks"] if u.get("rtlock_wait")}
    if drgn and os.path.exists(drgn):
        for l in open(drgn, errors="replace"):
            f = l.split()
            if len(f) >= 6 and f[0].isdigit() and f[3] == "RTLOCK":
                want_rt.add(int(f[0]))
            if l.startswith("## stacks"):
                break
    got_rt = {t["pid"] for t in tasks if t.get("rtlock_wait")}
    check(want_rt == got_rt and all(t["state"] == "UN" for t in tasks if t.get("rtlock_wait")),
          name + ": TASK_RTLOCK_WAIT tasks shown UN and flagged (%d tasks)" % len(want_rt),
          "missing %s, extra %s" % (sorted(want_rt - got_rt), sorted(got_rt - want_rt)))
    for u in exp["un_tasks"]:
        t = by_pid.get(u["pid"])
        if t is None:
            continue
        if u.get("task"):
            check(int(t["task"], 16) == int(str(u["task"]), 16),
                  name + ": pid %d task address" % u["pid"], "%s vs %s" % (t["task"], u["task"]))
        if u.get("rtlock_wait"):
            check(t.get("rtlock_wait") is True, name + ": pid %d flagged rtlock_wait" % u["pid"])

    # every scenario task: pid, task_struct, comm and state as the module printed
    for sc in exp.get("scenarios", []):
        for et in sc.get("tasks", []):
            pid = et.get("pid")
            if et.get("state") in ("DE", "dead") or et.get("exit_state"):
                continue  # exited: in no task list (crash ps does not show it either)
            t = by_pid.get(pid)
            label = "%s: scenario %s task %s[%s]" % (name, sc["id"], et.get("comm"), pid)
            if t is None:
                check(False, label, "not in the report")
                continue
            ok = True
            why = []
            if et.get("task") and int(t["task"], 16) != int(str(et["task"]), 16):
                ok = False
                why.append("task %s vs %s" % (t["task"], et["task"]))
            if et.get("comm") and t["comm"] != et["comm"][:15]:
                ok = False
                why.append("comm %s vs %s" % (t["comm"], et["comm"]))
            st = et.get("state")
            if st and st != "dead":
                st = LETTER.get(st, st)
                if t["state"] != st:
                    ok = False
                    why.append("state %s vs %s" % (t["state"], st))
            check(ok, label, ", ".join(why))

    # the task current on each wedged CPU (soft-lockup reports; sysrq-l ran
    # earlier, on CPUs that went idle since)
    for cpu, c in sorted(exp.get("cpus", {}).items(), key=lambda x: int(x[0])):
        pid = (c.get("soft_lockup") or {}).get("pid")
        if pid is None:
            continue
        mine = next((x for x in rep["cpus"] if x["cpu"] == int(cpu)), None)
        check(mine is not None and mine["pid"] == pid,
              name + ": CPU %s current pid %d" % (cpu, pid),
              "got %s" % (mine and mine["pid"]))

    # crash's ps, task by task (pid, ppid, cpu, state, comm)
    if crash_ps and os.path.exists(crash_ps):
        crash = {}
        for l in open(crash_ps, errors="replace"):
            m = re.match(r"^[> ]\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-f]+)\s+(\S\S)\s+[\d.]+\s+\d+\s+\d+\s+(.*)$", l)
            if m:
                pid, ppid, cpu, task, st, comm = m.groups()
                crash[int(task, 16)] = (int(pid), int(ppid), int(cpu), st, comm.strip().strip("[]"))
        mine = {int(t["task"], 16): (t["pid"], t["ppid"], t["cpu"], t["state"], t["comm"]) for t in tasks}
        if crash:
            diff = [hex(k) for k in set(crash) | set(mine) if crash.get(k) != mine.get(k)]
            check(not diff, name + ": every task equals crash ps (%d tasks)" % len(crash),
                  "%d differ, e.g. %s: crash %s kdlview %s" % (
                      len(diff), diff[:1], crash.get(int(diff[0], 16)) if diff else None,
                      mine.get(int(diff[0], 16)) if diff else None))
    # drgn's task list: task address, raw state word and CPU of every task
    if drgn and os.path.exists(drgn):
        theirs, sect = {}, None
        for l in open(drgn, errors="replace"):
            if l.startswith("## "):
                sect = l.split()[1]
                continue
            f = l.split()
            if sect == "tasks" and len(f) >= 6 and f[0].isdigit():
                theirs[int(f[2], 16)] = (int(f[0]), int(f[4], 16), int(f[5]))
        mine = {int(t["task"], 16): (t["pid"], t["state_raw"], t["cpu"]) for t in tasks}
        if theirs:
            diff = [k for k in theirs if theirs[k] != mine.get(k)]
            check(not diff, name + ": pid, raw state and cpu of %d tasks equal drgn's" % len(theirs),
                  "%d differ, e.g. %s: drgn %s kdlview %s" % (
                      len(diff), hex(diff[0]) if diff else "", theirs.get(diff[0]) if diff else "",
                      mine.get(diff[0]) if diff else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
