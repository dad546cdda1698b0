#!/bin/sh
# boot-init.sh - /init of tests/boot.test's initramfs. The kernel runs it
# through the wrapped /bin/sh, so the wrapper starts as PID 1, keeps
# busybox sh on PID 1 and relays from a child (doc/installing.md; doc/stdiocap.1
# DESCRIPTION, "PID 1").
# STDIO_PCAP=/init.pcap comes from the kernel command line: the root of an
# initramfs is writable before anything is mounted.
# Busybox runs its applets without exec for a bare command name (and echo
# is a builtin): full paths make the wrapped programs run.

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

# ---- the scripted session
echo "pid=$$"
/bin/echo "hello from init"
/bin/echo "piped line" | /bin/cat
/bin/ls /nonexistent
echo "ls=$?"
/bin/sh -c '/bin/echo nested; exit 3'
echo "sh=$?"

# ---- hand the capture to the host
# Close init's pipes to the relay: it then sees EOF on both and exits,
# after writing its last records. Wait for that (bounded), so the capture
# is complete and nothing else writes to the console.
relay=
read -r relay </proc/1/task/1/children	# init's only child by now
exec </dev/console >/dev/console 2>&1
n=0
while :; do
	st=gone
	[ -z "$relay" ] || read -r _ _ st _ 2>/dev/null <"/proc/$relay/stat"
	if [ "$st" = gone ] || [ "$st" = Z ] || [ "$n" -ge 1000 ]; then
		break
	fi
	n=$((n + 1))
	usleep 10000
done
echo "relay: pid ${relay:-none} state $st after $n polls"
# doc/network.md "Over the console": numbered, checksummed lines that
# the host's stdiocap --console-restore turns back into the capture
/bin/stdiocap --console-dump /init.pcap
# tcsetattr(TCSADRAIN): returns once the serial port has sent it all
stty -F /dev/console -echo
poweroff -f
