/* tail_check.c - the writer's repair as a filter, for tests/tail.test to
 * hold against tests/helpers/tailrule.py (doc/capture-format.md §7.2).
 * SPDX-License-Identifier: MIT
 *
 * stdin: one capture path a line. Each file is opened as a wrapper opens
 * its capture (capfile_open: validated and repaired under the lock);
 * stdout: one line a file, its size after that, or "refused N". */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "stdiocap.h"

int main(void)
{
	char path[4096];
	enum capfile_refusal why;
	struct capfile cf;
	struct stat st;

	while (fgets(path, sizeof path, stdin)) {
		path[strcspn(path, "\n")] = 0;
		if (capfile_open(&cf, path, 0, 1000, &why) < 0) {
			printf("refused %d\n", (int)why);
			continue;
		}
		if (fstat(cf.fd, &st) < 0)
			return 1;
		printf("%lld\n", (long long)st.st_size);
		capfile_close(&cf);
	}
	return 0;
}
