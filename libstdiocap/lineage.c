/* lineage.c - who ran this program: the destination of its records.
 * SPDX-License-Identifier: MIT
 *
 * README "Lineage": the parent, except when the parent is itself a
 * stdiocap relay. Then a recorded program replaced itself with this
 * wrapper (`exec cmd`, or a shell running the last command of -c in
 * place), this process is that program, and the records name it: our
 * own pid. The parent is a relay when its executable is the same file
 * as ours (a relay's child runs the target, never stdiocap itself, so
 * the only stdiocap process that is a parent of a wrapper is a relay). */
#include <sys/stat.h>
#include <unistd.h>

#include "stdiocap.h"

/* "/proc/PID/exe" without stdio. */
static void exe_path(char *buf, pid_t pid)
{
	static const char pre[] = "/proc/";
	char digits[12];
	size_t i, n = 0;
	uint32_t v = pid, q;

	for (i = 0; pre[i]; i++)
		buf[i] = pre[i];
	/* v / 10 as a multiplication (exact for every 32-bit v): 32-bit
	 * ARM has no divide instruction, and -Os would call libgcc's
	 * division, which brings raise() for division by zero (770 bytes) */
	do {
		q = (uint32_t)((uint64_t)v * 0xcccccccdu >> 35);
		digits[n++] = '0' + (v - q * 10);
	} while ((v = q) > 0);
	while (n)
		buf[i++] = digits[--n];
	buf[i++] = '/';
	buf[i++] = 'e';
	buf[i++] = 'x';
	buf[i++] = 'e';
	buf[i] = 0;
}

uint32_t lineage_parent(void)
{
	struct stat parent, self;
	char path[32];
	pid_t ppid = getppid();

	if (getpid() == 1)
		return 0;	/* no parent: 10.0.0.0 */
	exe_path(path, ppid);
	/* Not inspectable (no /proc, another user's process): getppid. */
	if (ppid > 1 && io_stat(path, &parent) == 0 &&
	    io_stat("/proc/self/exe", &self) == 0 &&
	    parent.st_dev == self.st_dev && parent.st_ino == self.st_ino)
		return getpid();
	return ppid;
}
