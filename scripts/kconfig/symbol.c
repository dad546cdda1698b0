/* symbol.c - the symbol table, and the host tool's error and memory
 * helpers (a host tool: it may print and exit; doc/building.md
 * "Configuration").
 * SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

struct symbol *symbols;

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("kconfig: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *xalloc(unsigned long n)
{
	void *p = calloc(1, n);

	if (!p)
		die("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

struct symbol *sym_find(const char *name)
{
	struct symbol *s;

	for (s = symbols; s; s = s->next)
		if (!s->is_const && s->name && !strcmp(s->name, name))
			return s;
	return NULL;
}

/* A named symbol, or a constant (y, n, m, a quoted string, a number):
 * constants are symbols whose name is their value. */
struct symbol *sym_lookup(const char *name, int is_const)
{
	struct symbol *s;

	if (!is_const && (!strcmp(name, "y") || !strcmp(name, "n") ||
			  !strcmp(name, "m")))
		is_const = 1;
	for (s = symbols; s; s = s->next)
		if (s->is_const == is_const && s->name && !strcmp(s->name, name))
			return s;
	s = xalloc(sizeof *s);
	s->name = xstrdup(name);
	s->is_const = is_const;
	s->next = symbols;
	symbols = s;
	return s;
}
