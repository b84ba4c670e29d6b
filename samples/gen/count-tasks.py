#!/usr/bin/python3
"""Count a dump's tasks two ways with drgn, for the makedumpfile filter check:
the task lists (init_task.tasks, then each process's signal->thread_head) and
the pid IDR of the initial pid namespace (drgn's for_each_task). A filter level
that drops pages the analysis needs (issue 11: `-d 31` drops the pid IDR of a
7.3 kernel) shows up as a count that differs from the unfiltered dump's, or as
an error.

usage: count-tasks.py VMCORE VMLINUX    prints one JSON line {"list": N, "idr": N, "errors": [...]}
"""
import json, sys

import drgn
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.pid import for_each_task

LIMIT = 100000                      # no sample has more; a bound for a broken list


def by_list(prog):
    n = 0
    head = prog["init_task"].tasks.address_of_()
    for p in list_for_each_entry("struct task_struct", head, "tasks"):
        for _t in list_for_each_entry("struct task_struct", p.signal.thread_head.address_of_(),
                                      "thread_node"):
            n += 1
            if n > LIMIT:
                raise ValueError("task list longer than %d" % LIMIT)
    return n + 1                    # the idle task of CPU 0 (init_task) is on no list


def by_idr(prog):
    n = 0
    for _t in for_each_task(prog):
        n += 1
        if n > LIMIT:
            raise ValueError("pid IDR longer than %d" % LIMIT)
    return n + 1                    # init_task has pid 0, which is not in the IDR


def main():
    core, vmlinux = sys.argv[1:3]
    prog = drgn.Program()
    prog.set_core_dump(core)
    prog.load_debug_info([vmlinux])
    res = {"list": None, "idr": None, "errors": []}
    for key, fn in (("list", by_list), ("idr", by_idr)):
        try:
            res[key] = fn(prog)
        except Exception as e:      # a missing page is what this check is for
            res["errors"].append("%s: %s: %s" % (key, type(e).__name__, e))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
