/* unit.c - the unit tests' shared lines and directory (unit.h).
 * SPDX-License-Identifier: MIT */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

static struct {
	const char *name;
	char dir[64];		/* "" until unit_begin made it */
} unit;

int unit_begin(const char *name, int with_dir)
{
	unit.name = name;
	unit.dir[0] = 0;
	if (!with_dir)
		return 0;
	snprintf(unit.dir, sizeof unit.dir, "/tmp/%s_test.XXXXXX", name);
	if (!mkdtemp(unit.dir)) {
		unit.dir[0] = 0;
		return -1;
	}
	return 0;
}

void unit_result(int ok, const char *what)
{
	printf("%s: %s: %s\n", ok ? "PASS" : "FAIL", unit.name, what);
	fflush(stdout);
}

const char *unit_path(const char *rel)
{
	static char buf[8][512];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", unit.dir, rel);
	return p;
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void unit_end(void)
{
	if (unit.dir[0])
		nftw(unit.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	unit.dir[0] = 0;
}
