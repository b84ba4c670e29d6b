# 7.3 (trixie-backports source, trixie gcc-14 + pahole 1.30): ORC (7.1's new
# ORC register numbering), hung-task blocker tracking (task->blocker,
# semaphore last_holder).
CONFIG_UNWINDER_ORC=y
CONFIG_UNWINDER_FRAME_POINTER=n
CONFIG_VMCORE_INFO=y
CONFIG_DETECT_HUNG_TASK_BLOCKER=y
