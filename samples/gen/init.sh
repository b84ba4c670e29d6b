#!/bin/busybox sh
# initramfs /init of kdlview's sample guests: builds every scenario, records the
# kernel's own backtraces, wedges CPUs, then asks the host for a memory dump.
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
say() { echo "KDL-INIT $*"; }
waitfor() { # waitfor SECONDS COMMAND...: poll until COMMAND succeeds
	n=$(($1 * 5)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
	say "timeout: $*"; return 1
}
ready() { grep -q '^ready' /proc/kdl/ctl; }
say "boot $(uname -r) $(cat /proc/cmdline)"
insmod /kdl_scen.ko || say "insmod failed"
say "start"
echo start > /proc/kdl/ctl
say "ctl: $(cat /proc/kdl/ctl)"
/kdl_user proc > /tmp/proc.log 2>&1 &
/kdl_user mmap > /tmp/mm.log 2>&1 &
waitfor 60 grep -q 'KDL-USER mmap pid=.*hold=' /tmp/mm.log
waitfor 60 ready
say "orphan"
echo orphan > /proc/kdl/ctl
waitfor 60 ready
cat /tmp/proc.log /tmp/mm.log
say "ctl: $(cat /proc/kdl/ctl)"
echo manifest > /proc/kdl/ctl
sleep 1
say "sysrq-w"
echo w > /proc/sysrq-trigger
sleep 2
say "sysrq-w done"
if grep -q 'PREEMPT_RT' /proc/version; then
	say "PREEMPT_RT: no CPU-wedging scenarios"
else
	say "wedge"
	echo wedge > /proc/kdl/ctl
	lockups() { [ "$(dmesg | grep -c 'soft lockup - CPU')" -ge 3 ] && dmesg | grep -q 'rcu.*stall'; }
	waitfor 90 lockups
	say "soft lockups: $(dmesg | grep -c 'soft lockup - CPU')"
fi
say "sysrq-l"
echo l > /proc/sysrq-trigger
sleep 3
say "sysrq-l done"
echo KDL-DUMP-NOW
while :; do sleep 1000; done
