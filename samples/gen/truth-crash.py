#!/usr/bin/python3
"""Peer truth from Debian's crash 8.0.2 (6.1 kernels only) with the
crash-fix802 extension from ../shared/tools (or $KDL_CRASH_FIX802).

usage: truth-crash.py VMCORE VMLINUX MODULE.ko CONSOLE.LOG TRUTHDIR
Writes TRUTHDIR/crash-ps.txt (sys, ps), crash-bt.txt (foreach UN bt, bt -a),
crash-locks.txt (each manifest lock: struct and wait list), crash-log.txt (log).
crash echoes each command as "crash> COMMAND" before its output.
"""
import json, os, subprocess, sys, tempfile

import drgn
from drgn import offsetof

core, vmlinux, ko, console, tdir = sys.argv[1:6]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
src = os.environ.get("KDL_CRASH_FIX802",
                     os.path.join(os.path.dirname(ROOT), "shared", "tools", "crash-fix802"))
if not os.path.isdir(src):
    src = "/work/shared/tools/crash-fix802"
work = os.environ.get("KDL_GEN_WORK", os.path.join(ROOT, "build", "gen"))
ext = os.path.join(work, "crash802-fixes.so")
subprocess.run(["gcc", "-shared", "-fPIC", "-nostartfiles", "-o", ext,
                os.path.join(src, "crash802-fixes.c")], check=True)

dbg = drgn.Program()
dbg.load_debug_info([vmlinux, ko])


def off(t, m):
    return offsetof(dbg.type(t), m)


def crash(cmds, outname):
    """Run crash once; echo each command before its output."""
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "cmds")
        prelude = ["extend " + ext, "fix802", "mod -s kdl_scen " + ko]
        with open(script, "w") as f:
            for c in prelude:
                f.write(c + "\n")
            for c in cmds:             # crash echoes "crash> CMD" itself
                f.write(c + "\n")
            f.write("quit\n")
        r = subprocess.run(["crash", "-s", vmlinux, core, "-i", script],
                           capture_output=True, text=True, errors="replace", timeout=900)
        with open(os.path.join(tdir, outname), "w") as o:
            o.write(r.stdout)
            if r.stderr.strip():
                o.write("\n## stderr\n" + r.stderr)


recs = []
for line in open(console, "rb").read().decode("utf-8", "replace").splitlines():
    i = line.find("KDL {")
    if i >= 0:
        try:
            recs.append(json.loads(line[i + 4:]))
        except ValueError:
            pass

crash(["sys", "ps"], "crash-ps.txt")
crash(["foreach UN bt", "bt -a"], "crash-bt.txt")
crash(["log"], "crash-log.txt")

lk = []
for r in recs:
    if r.get("rec") != "lock":
        continue
    a = int(r["addr"], 16)
    k = r["kind"]
    lk.append("!echo '# %s/%s %s %s'" % (r["scen"], r["id"], k, r["name"]))
    if k == "mutex":
        lk += ["struct mutex %x" % a,
               "list -s mutex_waiter.task -l mutex_waiter.list -H %x" % (a + off("struct mutex", "wait_list"))]
    elif k == "rwsem":
        lk += ["struct rw_semaphore %x" % a,
               "list -s rwsem_waiter.task,type -l rwsem_waiter.list -H %x" % (a + off("struct rw_semaphore", "wait_list"))]
    elif k == "semaphore":
        lk += ["struct semaphore %x" % a,
               "list -s semaphore_waiter.task -l semaphore_waiter.list -H %x" % (a + off("struct semaphore", "wait_list"))]
    elif k == "completion":
        lk += ["struct completion %x" % a,
               "list -s swait_queue.task -l swait_queue.task_list -H %x" % (
                   a + off("struct completion", "wait") + off("struct swait_queue_head", "task_list"))]
    elif k == "waitqueue":
        lk += ["struct wait_queue_head %x" % a,
               "list -s wait_queue_entry.private -l wait_queue_entry.entry -H %x" % (a + off("struct wait_queue_head", "head"))]
    elif k == "work":
        lk += ["struct work_struct %x" % a]
    elif k == "spinlock":
        lk += ["struct spinlock %x" % a]
    elif k == "rwlock":
        lk += ["px *(rwlock_t *)0x%x" % a]
crash(lk, "crash-locks.txt")
