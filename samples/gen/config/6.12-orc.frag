# 6.12 as distributions ship it: ORC, no lock debugging (6.12-btf).
CONFIG_UNWINDER_ORC=y
CONFIG_UNWINDER_FRAME_POINTER=n
CONFIG_VMCORE_INFO=y
