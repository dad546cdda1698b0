/* disp-execve.c - execve PATH with an exact argv and envp, for
 * tests/dispatch.test. SPDX-License-Identifier: MIT
 *
 * Usage: disp-execve PATH [ARG...] -- [ENV...]
 * argv is ARG... (none: argv = { NULL }, argc 0) and envp is ENV...,
 * both passed byte for byte. On failure prints one line and exits 125. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i, sep = -1;

	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	if (argc < 2 || sep < 0) {
		fprintf(stderr, "usage: disp-execve PATH [ARG...] -- [ENV...]\n");
		return 125;
	}
	argv[sep] = NULL;	/* ends the new argv; envp follows it */
	execve(argv[1], argv + 2, argv + sep + 1);
	perror(argv[1]);
	return 125;
}
