/* msg.c - one-line diagnostics on stderr without stdio.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"

void msg_parts(const char *const *part, unsigned n, int err)
{
	char line[512];
	size_t len = 0, l;
	unsigned i;
	int saved = errno;
	const char *reason = err ? strerror(err) : NULL;

	/* "stdiocap: " + parts + ": " + reason + "\n", cut to fit */
	for (i = 0; i < n + 3; i++) {
		const char *s = i == 0 ? "stdiocap: " :
				i <= n ? part[i - 1] :
				i == n + 1 ? (reason ? ": " : "") :
				(reason ? reason : "");
		l = strlen(s);
		if (l > sizeof line - 1 - len)
			l = sizeof line - 1 - len;
		memcpy(line + len, s, l);
		len += l;
	}
	line[len++] = '\n';
	while (write(2, line, len) < 0 && errno == EINTR)
		;
	errno = saved;
}
