#!/bin/busybox sh
# shellcheck shell=dash
# powercut-init.sh - /init of tests/powercut.test's initramfs. It mounts
# the ext4 disk the host gave it (/dev/vda) and runs wrapped programs
# that all write one capture on it, in parallel loops, until the host
# kills the machine (SIGKILL of qemu: a power cut). The host then reads
# the capture out of the disk image without booting again.
#
# PID 1 is busybox sh itself (not the wrapped /bin/sh): what is under
# test is the capture on the disk, and PID 1 must keep the loops going.
# Busybox runs its applets without exec for a bare command name: full
# paths make the wrapped programs run (configs/initramfs_defconfig).
#
# The host boots this once, saves the machine when it is ready and
# restores it for every cut (a boot under TCG takes 15 s; a restore
# well under one). From the kernel command line (unknown key=value
# parameters become init's environment):
#   PCPID    the PID the guest's processes start above, so that no guest
#            PID is one the host's next wrapped run can get (readers
#            would take it for the same process)
# The console protocol (the serial console is the host's qemu stdin and
# stdout):
#   "==== POWERCUT READY ===="  the disk is there, not mounted yet: the
#                             host saves the machine now
#   host: a line              "OPTIONS EXPIRE": the ext4 mount options of
#                             this cut (sync, data=writeback,...) and
#                             the dirty data expiry (centiseconds), sent
#                             after a restore
#   "==== POWERCUT GO ===="   the disk is mounted and the loops started
#   "pc done W I"             run I of loop W has exited: every record of
#                             it was written (and, mounted sync, is on
#                             the disk)
#   "pc fail WHY"             the setup failed: the host stops this cut

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev

fail() {
	echo "pc fail $*"
	/bin/busybox poweroff -f
}

# virtio-blk and ext4 are modules in Debian's kernel; the host copied
# them here in dependency order (/modules.order)
while read -r m; do
	/bin/busybox insmod "/modules/$m" || fail "insmod $m"
done </modules.order
n=0
until [ -b /dev/vda ]; do
	[ "$n" -lt 500 ] || fail "no /dev/vda"
	n=$((n + 1))
	/bin/busybox usleep 10000
done

echo 4194304 >/proc/sys/kernel/pid_max
echo "${PCPID:-100000}" >/proc/sys/kernel/ns_last_pid || fail "ns_last_pid"
echo 10 >/proc/sys/vm/dirty_writeback_centisecs

/bin/busybox mkdir -p /mnt
/bin/busybox stty -F /dev/console -echo
echo "==== POWERCUT READY ===="
read -r PCMOUNT PCEXPIRE || fail "no mount options on the console"
# how old dirty data gets before it is written back: 30 s (Linux's
# default) leaves sizes committed long before their data under
# data=writeback; 0.2 s makes a cut find data, sizes and journal at
# every stage
echo "$PCEXPIRE" >/proc/sys/vm/dirty_expire_centisecs
/bin/busybox mount -t ext4 -o "$PCMOUNT" /dev/vda /mnt ||
	fail "mount -o $PCMOUNT"
STDIO_PCAP=/mnt/cap.pcap
export STDIO_PCAP

# the capture exists, with its header and one whole run, on the disk
# before the first cut can come: the test is about what a cut does to a
# capture, not about a file that was never written
PC_TAG=0-0 /bin/true || fail "first wrapped run"
/bin/busybox sync

# loop W CMD...: runs CMD again and again, each run tagged PC_TAG=W-I in
# its environment (so the host finds it in the capture), and says when
# each one is over
loop() {
	w=$1
	shift
	i=0
	while :; do
		i=$((i + 1))
		PC_TAG=$w-$i "$@" >/dev/null 2>&1 </seed/zeros
		echo "pc done $w $i"
	done
}
# the payloads: a capture (record headers inside records), zeros (what a
# power cut leaves after the last record), small nested runs
loop 1 /bin/cat /seed/seed.pcap &
loop 2 /bin/cat /seed/seed.pcap /seed/seed.pcap &
loop 3 /bin/cat &
# shellcheck disable=SC2016 # $PC_TAG: the wrapped sh expands it
loop 4 /bin/sh -c '/bin/echo "small $PC_TAG"; /bin/ls /nonexistent; exit 3' &
echo "==== POWERCUT GO ===="
wait
