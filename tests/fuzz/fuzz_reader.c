/* fuzz_reader.c - libFuzzer harness: the capture readers on any input.
 * SPDX-License-Identifier: MIT
 *
 * Built and run by scripts/fuzz (clang -fsanitize=fuzzer,address,undefined).
 * Each input is a capture file: it goes through capread_next alone, then
 * through every reader command with its output on /dev/null (stderr is
 * closed by -close_fd_mask=2), so the parser and the formatting code both
 * meet it. The --extract PID is the first record's, so it finds data. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "applets.h"
#include "stdiocap.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64], pid[16], inst[] = "2";
static struct capread cr;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null = open("/dev/null", O_WRONLY);

	(void)argc;
	(void)argv;
	if (null < 0 || dup2(null, 1) < 0)
		return 1;
	memfd = memfd_create("capture", 0);
	if (memfd < 0)
		return 1;
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *cmds[][10] = {
		{ "--ps", path },
		{ "--ps", "--name", "sh", "--pid", "53", path },
		{ "--tree", path },
		{ "--tree", "--pid", pid, path },
		{ "--transcript", path },
		{ "--transcript", "--env-diff", path },
		{ "--transcript", "--env", "--name", "sh", "--stream", "err",
		  "--stream", "in", path },
		{ "--extract", pid, "out", path },
		{ "--extract", "--instance", inst, pid, "in", path },
		{ "--chart", path },
		{ "--chart", "--pid", pid, path },
		{ "--tree", "--name", "sh", path },
		{ "--repair", path, "/dev/null" },
	};
	struct capread_record rec;
	size_t i;
	int argc, first = 1;

	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		return 0;
	lseek(memfd, 0, SEEK_SET);
	snprintf(pid, sizeof pid, "0");
	capread_init(&cr, memfd);
	while (capread_next(&cr, &rec) > 0)
		if (first) {
			first = 0;
			snprintf(pid, sizeof pid, "%u", (unsigned)rec.pid);
		}
	/* again past damage, as the readers read (capread.c) */
	lseek(memfd, 0, SEEK_SET);
	capread_init(&cr, memfd);
	cr.resync = cr.lookahead = 1;
	while (capread_next(&cr, &rec) > 0)
		;
	for (i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		for (argc = 0; cmds[i][argc]; argc++)
			;
		read_main(argc, cmds[i]);
	}
	return 0;
}
