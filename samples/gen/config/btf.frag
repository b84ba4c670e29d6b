# BTF of the kernel and of every module (issue 12: analysis without a vmlinux).
# Needs pahole (dwarves) of the build's own suite; BTF needs the BPF syscall.
CONFIG_BPF=y
CONFIG_BPF_SYSCALL=y
CONFIG_DEBUG_INFO_BTF=y
CONFIG_DEBUG_INFO_BTF_MODULES=y
