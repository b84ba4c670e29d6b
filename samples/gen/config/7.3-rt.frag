# 7.3 PREEMPT_RT (a plain config option since 6.12), ORC. No hung-task blocker
# tracking: 7.3's DETECT_HUNG_TASK_BLOCKER depends on !PREEMPT_RT, so on RT
# task->blocker is never set (the answer to issue 11's question for RT).
CONFIG_UNWINDER_ORC=y
CONFIG_UNWINDER_FRAME_POINTER=n
CONFIG_EXPERT=y
CONFIG_PREEMPT_RT=y
CONFIG_VMCORE_INFO=y
CONFIG_DETECT_HUNG_TASK_BLOCKER=n
