#!/usr/bin/python3
"""The drgn peer of `make bench`: print the stack trace of every blocked
(TASK_UNINTERRUPTIBLE) task, like crash's `foreach UN bt`.

usage: drgn_bt.py VMCORE VMLINUX
"""
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task

core, vmlinux = sys.argv[1], sys.argv[2]
prog = drgn.Program()
prog.set_core_dump(core)
prog.load_debug_info([vmlinux])
out = sys.stdout
n = 0
for t in for_each_task(prog):
    state = t.__state.value_() if hasattr(t, "__state") else t.state.value_()
    if state & 0x2 == 0 or state & 0x400:   # TASK_UNINTERRUPTIBLE, not TASK_IDLE (crash: UN)
        continue
    n += 1
    out.write("PID: %d  TASK: %#x  COMMAND: %s\n"
              % (t.pid.value_(), t.value_(), t.comm.string_().decode("utf-8", "replace")))
    try:
        out.write(str(prog.stack_trace(t)) + "\n")
    except Exception as e:      # keep going: count what a peer could not unwind
        out.write("  (no trace: %s)\n" % e)
out.write("blocked tasks: %d\n" % n)
