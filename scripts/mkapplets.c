/* mkapplets.c - build-host tool: CONFIG_APPLETS -> the sorted applet table.
 * SPDX-License-Identifier: MIT
 *
 * Usage: mkapplets OUT.h OUT.list   (built with -include autoconf.h)
 * Including autoconf.h lets the C compiler undo Kconfig's string
 * escaping. Each output is written to a temporary file and renamed only
 * when its content changed, so timestamps move only with the table. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CONFIG_APPLETS
# define CONFIG_APPLETS ""
#endif
#ifndef CONFIG_STDIN_PASSTHROUGH
# define CONFIG_STDIN_PASSTHROUGH ""
#endif
#ifndef CONFIG_INTERACTIVE
# define CONFIG_INTERACTIVE ""
#endif
#ifndef CONFIG_SHELLS
# define CONFIG_SHELLS ""
#endif

/* The flags of struct applet (applets/applets.h). */
enum { FLAG_STDIN_PASSTHROUGH = 1, FLAG_INTERACTIVE = 2, FLAG_SHELL = 4 };

/* Names of the multiplexer itself, which no applet may take. */
static const char *const reserved[] = { "stdiocap" };

struct entry {
	char *name, *target;
	const char *text;	/* the entry as written, for messages */
	int flags;
};

enum { MAX_APPLETS = 4096 };

static void die(const char *what, const char *entry, const char *why)
{
	fprintf(stderr, "mkapplets: %s: \"%s\": %s\n", what, entry, why);
	exit(1);
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

/* Splits s in place on whitespace; returns the number of words. */
static size_t split(char *s, char **word, size_t max)
{
	size_t n = 0;
	char *tok;

	for (tok = strtok(s, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
		if (n == max) {
			fprintf(stderr, "mkapplets: more than %zu words\n", max);
			exit(1);
		}
		word[n++] = tok;
	}
	return n;
}

static void put_c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Renames tmp over path unless both hold the same bytes. */
static void commit(const char *tmp, const char *path)
{
	FILE *a = fopen(tmp, "r"), *b = fopen(path, "r");
	int same = a && b, ca, cb;

	while (same) {
		ca = getc(a);
		cb = getc(b);
		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	if (same ? unlink(tmp) : rename(tmp, path)) {
		fprintf(stderr, "mkapplets: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* Sets flag on every applet named in the list config (a Kconfig string
 * of applet names); a name not in the table stops the build, unless
 * the list only says what such a name is (loose: CONFIG_SHELLS). */
static void mark(char *list, const char *config, struct entry *e, size_t n,
		 int flag, int loose)
{
	static char *word[MAX_APPLETS];
	size_t nw, i;

	nw = split(list, word, MAX_APPLETS);
	for (i = 0; i < nw; i++) {
		struct entry key = { .name = word[i] };
		struct entry *hit = bsearch(&key, e, n, sizeof *e, entry_cmp);

		if (!hit && loose)
			continue;
		if (!hit)
			die(config, word[i], "not an applet in CONFIG_APPLETS");
		hit->flags |= flag;
	}
}

static FILE *create(const char *tmp)
{
	FILE *f = fopen(tmp, "w");

	if (!f) {
		fprintf(stderr, "mkapplets: %s: %s\n", tmp, strerror(errno));
		exit(1);
	}
	return f;
}

static void finish(FILE *f, const char *tmp, const char *path)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "mkapplets: %s: write error\n", tmp);
		unlink(tmp);
		exit(1);
	}
	commit(tmp, path);
}

int main(int argc, char **argv)
{
	static char table[] = CONFIG_APPLETS, pass[] = CONFIG_STDIN_PASSTHROUGH,
		    inter[] = CONFIG_INTERACTIVE, shells[] = CONFIG_SHELLS;
	static char *word[MAX_APPLETS];
	static struct entry e[MAX_APPLETS];
	char tmp_h[4096], tmp_l[4096];
	size_t n, i, j;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: mkapplets OUT.h OUT.list\n");
		return 2;
	}
	n = split(table, word, MAX_APPLETS);
	if (n == 0)
		die("CONFIG_APPLETS", "", "the applet table is empty");
	for (i = 0; i < n; i++) {
		const char *text = strdup(word[i]);	/* as the user wrote it */
		char *eq = strchr(word[i], '=');

		if (!text) {
			perror("mkapplets");
			return 1;
		}
		if (!eq)
			die("CONFIG_APPLETS", text, "not NAME=/absolute/target");
		*eq = 0;
		e[i] = (struct entry){ word[i], eq + 1, text, 0 };
		if (!*e[i].name)
			die("CONFIG_APPLETS", text, "empty NAME");
		if (!*e[i].target)
			die("CONFIG_APPLETS", text, "empty target");
		if (strchr(e[i].name, '/'))
			die("CONFIG_APPLETS", text, "NAME contains '/'");
		if (!strcmp(e[i].name, ".") || !strcmp(e[i].name, ".."))
			die("CONFIG_APPLETS", text,
			    "NAME is a directory entry, not a file name");
		if (e[i].name[0] == '-')
			die("CONFIG_APPLETS", text,
			    "NAME starts with '-' (reserved for options and login shells)");
		for (j = 0; j < sizeof reserved / sizeof *reserved; j++)
			if (!strcmp(e[i].name, reserved[j]))
				die("CONFIG_APPLETS", text,
				    "NAME is the multiplexer's own name");
		if (e[i].target[0] != '/')
			die("CONFIG_APPLETS", text, "target is not an absolute path");
	}
	qsort(e, n, sizeof *e, entry_cmp);
	for (i = 1; i < n; i++)
		if (!strcmp(e[i - 1].name, e[i].name))
			die("CONFIG_APPLETS", e[i].text, "duplicate NAME");

	mark(pass, "CONFIG_STDIN_PASSTHROUGH", e, n, FLAG_STDIN_PASSTHROUGH, 0);
	mark(inter, "CONFIG_INTERACTIVE", e, n, FLAG_INTERACTIVE, 0);
	mark(shells, "CONFIG_SHELLS", e, n, FLAG_SHELL, 1);

	snprintf(tmp_h, sizeof tmp_h, "%s.%ld.tmp", argv[1], (long)getpid());
	snprintf(tmp_l, sizeof tmp_l, "%s.%ld.tmp", argv[2], (long)getpid());
	f = create(tmp_h);
	fprintf(f, "/* Generated by scripts/mkapplets.c from .config - DO NOT EDIT */\n"
		   "static const struct applet applets[] = {\n");
	for (i = 0; i < n; i++) {
		fputs("\t{ ", f);
		put_c_string(f, e[i].name);
		fputs(", ", f);
		put_c_string(f, e[i].target);
		fprintf(f, ", %d },\n", e[i].flags);
	}
	fputs("};\n", f);
	finish(f, tmp_h, argv[1]);

	/* "NAME TARGET" lines for applets/install.sh (neither has blanks) */
	f = create(tmp_l);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s\n", e[i].name, e[i].target);
	finish(f, tmp_l, argv[2]);
	return 0;
}
