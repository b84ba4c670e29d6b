# 5.10 (bullseye, gcc-10, pahole 1.20): ORC. 5.10 has no DEBUG_INFO_NONE /
# DEBUG_INFO_DWARF5 choice (base.frag's lines are ignored there): plain
# DEBUG_INFO, DWARF 4 as gcc-10 emits it by default, as Debian's 5.10 did.
# 5.10 has kernel BTF but no module BTF (DEBUG_INFO_BTF_MODULES came in 5.11):
# btf.frag's line for it is ignored here, kdl_scen.ko's types need its DWARF.
CONFIG_DEBUG_INFO=y
CONFIG_UNWINDER_ORC=y
CONFIG_UNWINDER_FRAME_POINTER=n
CONFIG_CRASH_CORE=y
