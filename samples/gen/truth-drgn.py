#!/usr/bin/python3
"""Peer truth from drgn (Debian's python3-drgn): every task's state, the stack
trace of every blocked or kdl_* task, and each manifest lock decoded from memory
(owner word, wait list, reader count, lockdep held_locks when present).

usage: truth-drgn.py VMCORE VMLINUX MODULE.ko CONSOLE.LOG OUT.txt
Sections: "## tasks", "## stacks", "## locks", "## held_locks", "## errors".
"""
import json, re, sys

import drgn
from drgn import Object, cast, container_of, offsetof
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.pid import for_each_task

core, vmlinux, ko, console, outp = sys.argv[1:6]
prog = drgn.Program()
prog.set_core_dump(core)
try:
    prog.load_debug_info([vmlinux, ko])
except drgn.MissingDebugInfoError as e:
    pass
out = open(outp, "w")
errors = []


def p(*a):
    print(*a, file=out)


def manifest():
    recs = []
    for line in open(console, "rb").read().decode("utf-8", "replace").splitlines():
        i = line.find("KDL {")
        if i >= 0:
            try:
                recs.append(json.loads(line[i + 4:]))
            except ValueError:
                pass
    return recs


def state_of(t):
    try:
        st = t.__state.value_()
    except AttributeError:
        st = t.state.value_()
    ex = t.exit_state.value_()
    if ex:
        return "X" if ex & 16 else "Z", st
    if st == 0:
        return "R", st
    if st & 0x1000:
        return "RTLOCK", st
    if st & 0x402 == 0x402:
        return "I", st
    if st & 2:
        return "D", st
    if st & 1:
        return "S", st
    return hex(st), st


def cpu_of(t):
    try:
        return t.thread_info.cpu.value_()
    except AttributeError:
        try:
            return t.cpu.value_()
        except AttributeError:
            return -1


tasks = list(for_each_task(prog))
bypid = {}
def last_arrival(t):
    try:
        return t.sched_info.last_arrival.value_()
    except (AttributeError, drgn.FaultError):
        return -1


p("## clocks  (per CPU: runqueues.clock, ns)")
try:
    from drgn.helpers.linux.percpu import per_cpu
    from drgn.helpers.linux.cpumask import for_each_online_cpu
    for c in for_each_online_cpu(prog):
        p("cpu %d rq_clock %d" % (c, per_cpu(prog["runqueues"], c).clock.value_()))
except Exception as e:  # noqa: BLE001
    errors.append("clocks: %s" % e)

p("\n## tasks  (pid comm task state state_raw cpu sched_info.last_arrival)")
for t in tasks:
    pid = t.pid.value_()
    bypid[t.value_()] = t
    s, raw = state_of(t)
    cpu = cpu_of(t)
    p("%d %s 0x%x %s 0x%x %d %d" % (pid, t.comm.string_().decode(errors="replace"), t.value_(), s, raw,
                                    cpu, last_arrival(t)))


M64 = (1 << 64) - 1


def u64(v):
    return v & M64


def tdesc(addr):
    addr = u64(addr)
    t = bypid.get(addr)
    if t is None:
        return "0x%x(not a live task)" % addr
    return "0x%x(pid %d %s)" % (addr, t.pid.value_(), t.comm.string_().decode(errors="replace"))


def module_text_symbols():
    """drgn 0.0.22 does not know 6.4+'s struct module: symbolise frames in the
    scenario module's .text by hand (base from the dump, symbols from the .ko)."""
    import subprocess
    base = None
    try:
        for m in list_for_each_entry("struct module", prog["modules"].address_of_(), "list"):
            if m.name.string_().decode() == "kdl_scen":
                if m.type_.type.has_member("mem"):
                    base = m.mem[0].base.value_()
                else:
                    base = m.core_layout.base.value_()
    except Exception as e:  # noqa: BLE001
        errors.append("module base: %s" % e)
    if base is None:
        return None, []
    out = subprocess.run(["readelf", "-SW", ko], capture_output=True, text=True).stdout
    text_ndx = None
    for l in out.splitlines():
        mm = re.match(r"\s*\[\s*(\d+)\]\s+\.text\s", l)
        if mm:
            text_ndx = mm.group(1)
    syms = []
    out = subprocess.run(["readelf", "-sW", ko], capture_output=True, text=True).stdout
    for l in out.splitlines():
        f = l.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[6] == text_ndx:
            syms.append((int(f[1], 16), int(f[2]), f[7]))
    return base, sorted(syms)


mod_base, mod_syms = module_text_symbols()


def frame_name(f):
    if f.name:
        return f.name
    if mod_base is not None:
        off = f.pc - mod_base
        for a, size, name in mod_syms:
            if a <= off < a + max(size, 1):
                return name
    return "0x%x" % f.pc


p("\n## stacks  (every task in D/RTLOCK/X state or named kdl_*; innermost first)")
for t in tasks:
    comm = t.comm.string_().decode(errors="replace")
    s, raw = state_of(t)
    if not (comm.startswith("kdl_") or s in ("D", "RTLOCK") or (s == "R" and t.on_cpu.value_())):
        continue
    if t.on_cpu.value_():
        p("%d %s %s: <running on CPU %d: see sysrq-l / crash bt -a>" % (t.pid.value_(), comm, s, cpu_of(t)))
        continue
    try:
        tr = prog.stack_trace(t)
        fns = [frame_name(f) for f in tr]
    except Exception as e:  # noqa: BLE001 - report, go on
        fns = ["<error: %s>" % e]
    p("%d %s %s: %s" % (t.pid.value_(), comm, s, " ".join(fns)))


def waiters(head, typ, member):
    res = []
    try:
        for w in list_for_each_entry(typ, head.address_of_(), member):
            res.append(w)
            if len(res) > 200:
                break
    except Exception as e:  # noqa: BLE001
        errors.append("list %s: %s" % (typ, e))
    return res


def decode(rec):
    addr = int(rec["addr"], 16)
    kind = rec["kind"]
    if kind == "mutex":
        m = Object(prog, "struct mutex", address=addr)
        if m.type_.has_member("rtmutex"):         # PREEMPT_RT
            owner = u64(m.rtmutex.owner.value_()) & ~1
            return "rt owner=%s" % tdesc(owner)
        owner = u64(m.owner.counter.value_()) & ~7
        ws = waiters(m.wait_list, "struct mutex_waiter", "list")
        return "owner=%s flags=%d waiters=[%s]" % (
            tdesc(owner) if owner else "none", m.owner.counter.value_() & 7,
            ", ".join(tdesc(w.task.value_()) for w in ws))
    if kind == "rwsem":
        s = Object(prog, "struct rw_semaphore", address=addr)
        if s.type_.has_member("rwbase"):           # PREEMPT_RT
            rb = s.rwbase
            return "rt readers=%d owner=%s" % (rb.readers.counter.value_(),
                                               tdesc(rb.rtmutex.owner.value_() & ~1))
        cnt = u64(s.count.counter.value_())
        own = u64(s.owner.counter.value_())
        ws = waiters(s.wait_list, "struct rwsem_waiter", "list")
        return "count=0x%x (readers=%d writer_locked=%d) owner_word=0x%x owner=%s reader_owned=%d waiters=[%s]" % (
            cnt & (2**64 - 1), cnt >> 8, cnt & 1, own & (2**64 - 1),
            tdesc(own & ~7) if own & ~7 else "none", own & 1,
            ", ".join("%s:%s" % (tdesc(w.task.value_()),
                                 "write" if w.type.value_() == 0 else "read") for w in ws))
    if kind == "semaphore":
        s = Object(prog, "struct semaphore", address=addr)
        ws = waiters(s.wait_list, "struct semaphore_waiter", "list")
        return "count=%d waiters=[%s]" % (s.count.value_(), ", ".join(tdesc(w.task.value_()) for w in ws))
    if kind == "completion":
        c = Object(prog, "struct completion", address=addr)
        ws = waiters(c.wait.task_list, "struct swait_queue", "task_list")
        return "done=%d waiters=[%s]" % (c.done.value_(), ", ".join(tdesc(w.task.value_()) for w in ws))
    if kind == "waitqueue":
        h = Object(prog, "struct wait_queue_head", address=addr)
        ws = waiters(h.head, "struct wait_queue_entry", "entry")
        return "waiters=[%s]" % ", ".join(tdesc(w.private.value_()) for w in ws)
    if kind == "work":
        w = Object(prog, "struct work_struct", address=addr)
        return "data=0x%x func=%s" % (w.data.counter.value_() & (2**64 - 1), w.func.format_(type_name=False))
    if kind == "spinlock":
        s = Object(prog, "spinlock_t", address=addr)
        if s.type_.has_member("lock") and s.lock.type_.has_member("owner"):  # RT: rt_mutex_base
            return "rt owner=%s" % tdesc(s.lock.owner.value_() & ~1)
        return "raw=%s" % s.format_(dereference=False).replace("\n", " ")
    if kind == "rwlock":
        s = Object(prog, "rwlock_t", address=addr)
        return "raw=%s" % s.format_(dereference=False).replace("\n", " ")
    return "?"


p("\n## locks  (from the manifest's addresses, decoded from memory)")
for rec in manifest():
    if rec.get("rec") != "lock":
        continue
    try:
        d = decode(rec)
    except Exception as e:  # noqa: BLE001
        d = "<error: %s>" % e
    p("%s/%s %s %s %s: %s" % (rec["scen"], rec["id"], rec["kind"], rec["addr"], rec["name"], d))

p("\n## blocked_on  (task->pi_blocked_on / blocked_on where the kernel has them)")
for t in tasks:
    comm = t.comm.string_().decode(errors="replace")
    if not comm.startswith("kdl_"):
        continue
    for f in ("pi_blocked_on", "blocked_on"):
        try:
            v = getattr(t, f)
        except AttributeError:
            continue
        if v.value_():
            try:
                if f == "pi_blocked_on":
                    lk = v.lock.value_()
                    p("%d %s pi_blocked_on waiter=0x%x lock(rt_mutex_base)=0x%x" % (t.pid.value_(), comm, v.value_(), lk))
                else:
                    p("%d %s blocked_on=0x%x" % (t.pid.value_(), comm, v.value_()))
            except Exception as e:  # noqa: BLE001
                p("%d %s %s=0x%x <%s>" % (t.pid.value_(), comm, f, v.value_(), e))

p("\n## held_locks  (lockdep, when the kernel keeps them)")
for t in tasks:
    comm = t.comm.string_().decode(errors="replace")
    try:
        depth = t.lockdep_depth.value_()
    except AttributeError:
        p("(no lockdep in this kernel)")
        break
    if not depth:
        continue
    items = []
    for i in range(min(depth, 48)):
        h = t.held_locks[i]
        inst = h.instance
        try:
            name = inst.name.string_().decode(errors="replace")
        except Exception:  # noqa: BLE001
            name = "?"
        items.append("0x%x:%s:%s" % (inst.value_(), name, "r" if h.read.value_() else "w"))
    p("%d %s depth=%d %s" % (t.pid.value_(), comm, depth, " ".join(items)))

p("\n## errors")
for e in errors:
    p(e)
out.close()
