#!/bin/busybox sh
# initramfs /init of kdlview's scale-benchmark guests: kdl_n= and kdl_b= on the
# kernel command line (passed to init as environment) size kdl_scale.ko.
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
echo 0 > /proc/sys/kernel/hung_task_timeout_secs
echo 4000000 > /proc/sys/kernel/threads-max
echo 4000000 > /proc/sys/kernel/pid_max
echo "KDL-SCALE-INIT n=${kdl_n:-10000} b=${kdl_b:-10000}"
insmod /kdl_scale.ko ntasks=${kdl_n:-10000} nblocked=${kdl_b:-10000} fillmb=${kdl_fill:-0}
echo "KDL-SCALE-INSMOD rc=$?"
dmesg | grep KDL-SCALE
grep -E '^(MemTotal|MemFree|Slab|KernelStack)' /proc/meminfo
echo "tasks: $(ls /proc | grep -c '^[0-9]')"
sleep 2
echo KDL-DUMP-NOW
while :; do sleep 1000; done
