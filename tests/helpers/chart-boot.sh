#!/bin/sh
# chart-boot.sh - a small "boot" for the --chart tests and doc/chart.png:
# an rc script, run by a wrapped sh with the wrapped applets first on
# PATH, that starts services, runs a loop, and meets three failures (a
# missing file, a script that exits 3, a daemon killed by SIGTERM).
# 63 processes are recorded, 3 of them failed.
# Usage: PATH=BIN:$PATH STDIO_PCAP=FILE BIN/sh chart-boot.sh BIN
# shellcheck disable=SC2016 # the sh -c scripts expand their own $0, $$
set -u
bin=$1

"$bin/echo" "rc: starting the system"
for svc in proc sys dev tmp hostname syslog klogd udev network ntpd \
	crond sshd getty dbus cups avahi bluetooth rsync smartd acpid; do
	sh -c 'echo "starting $0"; cat /dev/null' "$svc"
done
# a check run in a loop: 12 identical children, one row once folded
i=0
while [ "$i" -lt 12 ]; do
	"$bin/true"
	i=$((i + 1))
done
"$bin/echo" "loading modules" | cat | cat
ls /lib/modules/missing-kernel-version
sh -c 'exit 3'
sh -c 'echo daemon started; kill -TERM $$'
env >/dev/null
cat /dev/null
"$bin/echo" "rc: done"
