#!/usr/bin/env python3
"""Compare kdlview's lock analysis (JSON report) with a sample's truth.

usage: locks_check.py NAME REPORT.json EXPECTED.json [CONSOLE.log]

For every scenario of expected.json (the scenario module's manifest, distilled):
every wait edge (who waits on which resource, its kind, name or name parts,
mode), the holder (pid, mode, liveness, and confidence: `inferred` where the
kernel records no owner), cycle membership and class, and the finding kind with
the tasks it names. Prints PASS/FAIL/SKIP lines (tests/README.md).
"""
import json
import re
import sys

name, rep_path, exp_path = sys.argv[1:4]
console = open(sys.argv[4], errors="replace").read() if len(sys.argv) > 4 else ""
rep = json.load(open(rep_path))
exp = json.load(open(exp_path))
failed = False


def out(ok, msg, why=""):
    global failed
    if ok:
        print(f"PASS {msg}")
    else:
        failed = True
        why = str(why)
        print(f"FAIL {msg}: {why[:240]}{'...' if len(why) > 240 else ''}")


# The lock parts of the report follow tests/schema/locks.schema.json.
try:
    import os
    import jsonschema
    schema = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "..", "schema", "locks.schema.json")))
    errs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(rep), key=str)
    out(not errs, f"{name}: lock parts match tests/schema/locks.schema.json",
        "; ".join(e.message for e in errs[:3]))
except ImportError:
    out(False, f"{name}: lock JSON schema", "python3-jsonschema missing")

tasks = {t["pid"]: t for t in rep.get("tasks", [])}
locks = {int(l["address"], 16): l for l in rep.get("locks", [])}
cycles = rep.get("cycles", [])
findings = rep.get("findings", [])

# Holders the kernel does not record: the truth says how the module knows them.
INFERRED = ("reader", "stated by the module", "intended waker")


# Kernels whose spinlocks and rwlocks record no owner (no DEBUG_SPINLOCK, not
# PREEMPT_RT): a holder can only be inferred there.
NO_SPIN_OWNER = {"6.1-orc"}


def expected_confidence(how, kind):
    if how and any(k in how for k in INFERRED):
        return "inferred"
    if kind in ("spinlock", "rwlock") and exp.get("variant") in NO_SPIN_OWNER:
        return "inferred"
    return "certain"


def scenario_reached(s):
    """The wedging softirq scenario only exists if its timer fired."""
    if s["id"] == "softirq_spin":
        m = re.search(r"KDL-NOTE wedge: timer fired=(\d)", console)
        if m and m.group(1) == "0":
            return "the module reports its timer never fired in this boot (no softirq spinning)"
    return None


for s in exp.get("scenarios", []):
    sid = f"{name}: {s['id']}"
    why = scenario_reached(s)
    if why:
        print(f"SKIP {sid}: {why}")
        continue
    for e in s.get("edges", []):
        pid, w = e["pid"], e["waits_on"]
        addr = int(w["address"], 16)
        tag = f"{sid}: {e['comm']}[{pid}]"
        lk = locks.get(addr)
        if e.get("context", "task") == "task":
            t = tasks.get(pid)
            got = t.get("waits_on") if t else None
            out(t is not None and got is not None and int(got, 16) == addr,
                f"{tag} waits on {w['name']}", f"waits_on={got}")
            if t is not None and t.get("waits_on") is not None:
                out(t.get("wait_mode", "exclusive") == e["mode"], f"{tag} wait mode {e['mode']}",
                    t.get("wait_mode"))
        else:
            ok = lk is not None and any(x["pid"] == pid and x["context"] == e["context"]
                                        for x in lk["waiters"])
            out(ok, f"{tag} waits on {w['name']} in {e['context']} context",
                json.dumps(lk["waiters"]) if lk else "lock not in locks[]")
        if lk is None:
            out(False, f"{tag}: {w['name']} listed in locks[]", "missing")
            continue
        out(lk["kind"] == w["kind"], f"{tag}: {w['name']} is a {w['kind']}", lk["kind"])
        if w.get("cache"):
            for part in ("cache", "type", "member"):
                if part != "cache" and lk.get("type") is None and \
                        (lk.get("member") or "+").startswith("+") and \
                        (w.get("type") or "").startswith("kdl_"):
                    if w["cache"].startswith("kmalloc"):
                        why = (f"a {w['cache']} object: a generic kmalloc cache does not say "
                               f"that it holds a struct {w['type']}")
                    else:
                        why = f"struct {w['type']} is in the module's DWARF, which was not loaded"
                    if (rep.get("dump") or {}).get("debuginfo") == "btf" and \
                            lk["name"].endswith("(type unknown: BTF)"):
                        # BTF has no types of global variables: the type a
                        # DWARF run finds through a global pointer is unknown
                        # here, and the name must say so (issue 12)
                        out(True, f"{tag}: {w['name']} {part} unknown under BTF and "
                            f"marked in the name: {lk['name']}")
                        continue
                    print(f"SKIP {tag}: {w['name']} {part}: {why}")
                    continue
                out(lk.get(part) == w.get(part), f"{tag}: {w['name']} {part} {w.get(part)}",
                    lk.get(part))
            out(lk.get("object") and int(lk["object"], 16) == int(w["object"], 16),
                f"{tag}: {w['name']} object {w['object']}", lk.get("object"))
        else:
            out(lk["name"] == w["name"], f"{tag}: named {w['name']}", lk["name"])
        o = e.get("owner")
        if o:
            mine = [x for x in lk["owners"] if x["pid"] == o["pid"]]
            out(bool(mine), f"{tag}: {w['name']} held by pid {o['pid']}",
                json.dumps(lk["owners"]))
            wrong = [x for x in lk["owners"] if x["pid"] != o["pid"] and x["confidence"] == "certain"]
            out(not wrong, f"{tag}: no other certain holder of {w['name']}", json.dumps(wrong))
            if mine:
                x = mine[0]
                conf = expected_confidence(o.get("how"), w["kind"])
                out(x["confidence"] == conf, f"{tag}: holder {o['pid']} is {conf}", x["confidence"])
                out(x["alive"] == o["alive"], f"{tag}: holder {o['pid']} alive={o['alive']}",
                    x["alive"])
                out(x["mode"] == o["mode"], f"{tag}: holder {o['pid']} mode {o['mode']}", x["mode"])
    for c in s.get("cycles", []):
        want = set(c)
        got = [y for y in cycles if set(y["pids"]) == want]
        out(bool(got), f"{sid}: cycle {sorted(want)}", json.dumps([y["pids"] for y in cycles]))
        if got:
            out(got[0]["class"] == s["finding"], f"{sid}: cycle class {s['finding']}",
                got[0]["class"])
    # one wait, one finding: exactly one cycle finding tells each expected
    # cycle, and no other cycle goes through the scenario's locks (cycles over
    # another candidate of a reader-held lock are alternatives, not deadlocks)
    s_locks = {int(x["address"], 16) for x in s.get("locks", []) if x.get("address")}
    want_sets = [set(c) for c in s.get("cycles", [])]
    for want in want_sets:
        fs = [f for f in findings if f.get("cycle") is not None and want <= set(f["pids"])]
        out(len(fs) == 1, f"{sid}: exactly one cycle finding names {sorted(want)}",
            json.dumps([(f["kind"], f["pids"]) for f in fs]))
        # an inferred holder is said to be inferred in that finding's words
        for e in s.get("edges", []):
            o = e.get("owner")
            if len(fs) != 1 or not o or e["pid"] not in want or o["pid"] not in want:
                continue
            if expected_confidence(o.get("how"), e["waits_on"]["kind"]) != "inferred":
                continue
            if e["waits_on"]["kind"] in ("waitqueue", "completion", "work"):
                continue
            words = [f"{o['comm']}[{o['pid']}] (inferred)"]
            if e["waits_on"].get("name"):
                words.append(f"{e['waits_on']['name']} (inferred)")
            out(any(x in fs[0]["summary"] for x in words),
                f"{sid}: the finding says '{words[0]}' (or of the lock)", fs[0]["summary"])
            out(fs[0].get("confidence", "inferred") != "certain",
                f"{sid}: the finding is not certain", fs[0].get("confidence"))
    if want_sets and s_locks:
        other = [y["pids"] for y in cycles
                 if s_locks & {int(a, 16) for a in y["locks"]} and set(y["pids"]) not in want_sets]
        out(not other, f"{sid}: no other cycle through its locks", json.dumps(other))
    waiting = {e["pid"] for e in s.get("edges", [])}
    fs = [f for f in findings if f["kind"] == s["finding"] and waiting <= set(f["pids"])]
    out(bool(fs), f"{sid}: finding {s['finding']} names pids {sorted(waiting)}",
        json.dumps([(f["kind"], f["pids"]) for f in findings]))

sys.exit(1 if failed else 0)
