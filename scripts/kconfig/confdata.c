/* confdata.c - reading .config, writing .config, defconfig, autoconf.h
 * and auto.conf in kconfig's formats.
 * SPDX-License-Identifier: MIT
 *
 * Every file is written to NAME.tmp and renamed, so an interrupted run
 * never leaves half a .config; autoconf.h is renamed only when its text
 * changed, so an unchanged configuration rebuilds nothing. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

#define PREFIX "CONFIG_"

int conf_set(struct symbol *s, const char *v, const char *where, int line)
{
	if (!sym_valid(s, v)) {
		fprintf(stderr, "%s:%d:warning: symbol value '%s' invalid for %s\n",
			where, line, v, s->name);
		return -1;
	}
	if (s->has_user && line)
		fprintf(stderr, "%s:%d:warning: override: reassigning to symbol %s\n",
			where, line, s->name);
	free(s->user);
	s->user = xstrdup(v);
	s->has_user = 1;
	return 0;
}

/* "text" with \" and \\ undone, in place; NULL if not quoted */
static char *unquote(char *v)
{
	char *in = v + 1, *out = v;

	if (*v != '"')
		return NULL;
	while (*in && *in != '"') {
		if (*in == '\\' && in[1])
			in++;
		*out++ = *in++;
	}
	if (*in != '"')
		return NULL;
	*out = 0;
	return v;
}

/* Returns -1 (errno set) if file cannot be opened. */
int conf_read(const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *name, *v, *end;
	size_t cap = 0;
	int n = 0;
	struct symbol *s;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) >= 0) {
		n++;
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "# " PREFIX, 9)) {
			name = line + 9;
			end = strchr(name, ' ');
			if (!end || strcmp(end, " is not set"))
				continue;
			*end = 0;
			s = sym_find(name);
			if (s && (s->type == T_BOOL || s->type == T_TRISTATE))
				conf_set(s, "n", file, n);
			continue;
		}
		if (strncmp(line, PREFIX, 7))
			continue;
		name = line + 7;
		v = strchr(name, '=');
		if (!v)
			continue;
		*v++ = 0;
		s = sym_find(name);
		if (!s || s->type == T_UNKNOWN)
			continue;	/* gone from Config.in: dropped */
		if (s->type == T_STRING && !(v = unquote(v))) {
			fprintf(stderr, "%s:%d:warning: invalid string found\n",
				file, n);
			continue;
		}
		conf_set(s, v, file, n);
	}
	free(line);
	fclose(f);
	return 0;
}

static void put_quoted(FILE *f, const char *v)
{
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

/* CONFIG_X=value, or "# CONFIG_X is not set" when n and not_set */
static void put_sym(FILE *f, struct symbol *s, int not_set)
{
	const char *v = sym_value(s);

	if (s->type == T_BOOL || s->type == T_TRISTATE) {
		if (!strcmp(v, "n")) {
			if (not_set)
				fprintf(f, "# " PREFIX "%s is not set\n", s->name);
			return;
		}
		fprintf(f, PREFIX "%s=%s\n", s->name, v);
	} else if (s->type == T_STRING) {
		fprintf(f, PREFIX "%s=", s->name);
		put_quoted(f, v);
		fputc('\n', f);
	} else {
		fprintf(f, PREFIX "%s=%s\n", s->name, v);
	}
}

static FILE *open_tmp(const char *file, char **tmp)
{
	FILE *f;

	*tmp = xalloc(strlen(file) + 5);
	sprintf(*tmp, "%s.tmp", file);
	f = fopen(*tmp, "w");
	if (!f)
		die("%s: %s", *tmp, strerror(errno));
	return f;
}

/* Closes f and renames tmp to file; when only_if_changed, an identical
 * file is left alone (its timestamp too). */
static int commit(FILE *f, char *tmp, const char *file, int only_if_changed)
{
	FILE *a, *b;
	int same = 0, ca, cb;

	if (ferror(f) | fclose(f))
		die("%s: write error", tmp);
	if (only_if_changed && (a = fopen(tmp, "r"))) {
		if ((b = fopen(file, "r"))) {
			do {
				ca = getc(a);
				cb = getc(b);
			} while (ca == cb && ca != EOF);
			same = ca == cb;
			fclose(b);
		}
		fclose(a);
	}
	if (same) {
		remove(tmp);
	} else if (rename(tmp, file)) {
		die("%s: %s", file, strerror(errno));
	}
	free(tmp);
	return 0;
}

int conf_write(const char *file)
{
	struct item *it;
	char *tmp, *old;
	FILE *f = open_tmp(file, &tmp);

	fprintf(f, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n",
		mainmenu);
	for (it = items; it; it = it->next) {
		if (it->kind != I_SYM) {
			if (item_visible(it))
				fprintf(f, "\n#\n# %s\n#\n", it->text);
			continue;
		}
		sym_calc(it->sym);
		if (it->sym->write)
			put_sym(f, it->sym, 1);
	}
	/* the previous one stays as .config.old, as kconfig keeps it */
	old = xalloc(strlen(file) + 5);
	sprintf(old, "%s.old", file);
	if (rename(file, old) && errno != ENOENT)
		die("%s: %s", old, strerror(errno));
	free(old);
	return commit(f, tmp, file, 0);
}

/* Only what differs from the defaults: loading it gives the same
 * .config back (Linux's savedefconfig). */
int conf_write_defconfig(const char *file)
{
	struct item *it;
	struct symbol *s;
	char *tmp;
	FILE *f = open_tmp(file, &tmp);

	for (it = items; it; it = it->next) {
		if (it->kind != I_SYM)
			continue;
		s = it->sym;
		sym_calc(s);
		if (!s->write || !s->visible)
			continue;
		if (!strcmp(sym_value(s), sym_default_value(s)))
			continue;
		/* a choice's default member, chosen, goes without saying */
		if (s->choice && !s->choice->optional &&
		    choice_default(s->choice) == s && !strcmp(s->val, "y"))
			continue;
		put_sym(f, s, 1);
	}
	return commit(f, tmp, file, 0);
}

int conf_write_autoconf(const char *header, const char *autoconf)
{
	struct item *it;
	struct symbol *s;
	char *htmp, *atmp;
	FILE *h = open_tmp(header, &htmp), *a = open_tmp(autoconf, &atmp);
	const char *v;

	fprintf(h, "/*\n *\n * Automatically generated file; DO NOT EDIT.\n"
		" * %s\n *\n */\n", mainmenu);
	fprintf(a, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n",
		mainmenu);
	for (it = items; it; it = it->next) {
		if (it->kind != I_SYM)
			continue;
		s = it->sym;
		sym_calc(s);
		if (!s->write)
			continue;
		v = sym_value(s);
		put_sym(a, s, 0);
		switch (s->type) {
		case T_BOOL:
		case T_TRISTATE:
			if (!strcmp(v, "y"))
				fprintf(h, "#define " PREFIX "%s 1\n", s->name);
			else if (!strcmp(v, "m"))
				fprintf(h, "#define " PREFIX "%s_MODULE 1\n",
					s->name);
			break;
		case T_STRING:
			fprintf(h, "#define " PREFIX "%s ", s->name);
			put_quoted(h, v);
			fputc('\n', h);
			break;
		case T_HEX:
			fprintf(h, "#define " PREFIX "%s %s%s\n", s->name,
				v[0] == '0' && (v[1] == 'x' || v[1] == 'X') ?
				"" : "0x", v);
			break;
		case T_INT:
			fprintf(h, "#define " PREFIX "%s %s\n", s->name, v);
			break;
		case T_UNKNOWN:
			break;
		}
	}
	commit(a, atmp, autoconf, 0);
	return commit(h, htmp, header, 1);
}
