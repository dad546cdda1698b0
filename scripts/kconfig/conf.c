/* conf.c - the in-tree Kconfig front end the Makefile runs.
 * SPDX-License-Identifier: MIT
 *
 * Usage: conf [-s] MODE Config.in [[CONFIG_]SYM=VALUE...]
 *   --alldefconfig          .config with every default
 *   --defconfig=FILE        .config from FILE, defaults for the rest
 *   --olddefconfig          .config kept, defaults for new symbols
 *   --oldconfig             the same, listing the new symbols
 *   --savedefconfig=FILE    FILE with only what differs from the defaults
 *   --syncconfig            autoconf.h and auto.conf from .config
 *                           (--silentoldconfig is the same)
 * SYM=VALUE overrides what .config or FILE says (make CONFIG_X=...).
 * KCONFIG_CONFIG, KCONFIG_AUTOHEADER and KCONFIG_AUTOCONFIG name the
 * files, as for kconfig-conf, whose options these are (doc/building.md
 * "Configuration"). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kconfig.h"

enum mode { M_NONE, M_ALLDEF, M_DEFCONFIG, M_OLDDEF, M_OLD, M_SAVEDEF,
	    M_SYNC };

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/* mkdir -p of the directory part of file */
static void make_dirs(const char *file)
{
	char *d = xstrdup(file), *p;

	for (p = d + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(d, 0755) && errno != EEXIST)
			die("%s: %s", d, strerror(errno));
		*p = '/';
	}
	free(d);
}

static void usage(void)
{
	fputs("Usage: conf [-s] --alldefconfig|--defconfig=FILE|--olddefconfig|"
	      "--oldconfig|--savedefconfig=FILE|--syncconfig Config.in "
	      "[CONFIG_SYM=VALUE...]\n", stderr);
	exit(2);
}

static void overrides(char **arg, int n)
{
	struct symbol *s;
	char *name, *v, *q;
	int i;

	for (i = 0; i < n; i++) {
		name = xstrdup(arg[i]);
		v = strchr(name, '=');
		if (!v)
			die("%s: not SYM=VALUE", arg[i]);
		*v++ = 0;
		if (!strncmp(name, "CONFIG_", 7))
			name += 7;
		s = sym_find(name);
		if (!s || s->type == T_UNKNOWN)
			die("CONFIG_%s: no such symbol in Config.in", name);
		/* "text" as .config spells it, or the bare text */
		if (s->type == T_STRING && *v == '"' && (q = strrchr(v, '"')) &&
		    q > v && !q[1]) {
			char *in = v + 1, *out = v;

			while (in < q) {
				if (*in == '\\' && in + 1 < q)
					in++;
				*out++ = *in++;
			}
			*out = 0;
		}
		if (conf_set(s, v, "command line", 0))
			die("CONFIG_%s=%s: not a valid value", name, v);
	}
}

/* oldconfig: the symbols a user is asked about, answered by default */
static void list_new(void)
{
	struct item *it;
	struct symbol *s;

	for (it = items; it; it = it->next) {
		s = it->sym;
		if (it->kind != I_SYM || s->has_user)
			continue;
		sym_calc(s);
		if (s->visible)
			printf("NEW: CONFIG_%s=%s (%s)\n", s->name, s->val,
			       s->prompts->text ? s->prompts->text : "");
	}
}

int main(int argc, char **argv)
{
	const char *config = env_or("KCONFIG_CONFIG", ".config");
	const char *file = NULL, *kconfig;
	enum mode mode = M_NONE;
	int i = 1, silent = 0;

	if (i < argc && !strcmp(argv[i], "-s")) {
		silent = 1;
		i++;
	}
	if (i >= argc)
		usage();
	if (!strcmp(argv[i], "--alldefconfig"))
		mode = M_ALLDEF;
	else if (!strncmp(argv[i], "--defconfig=", 12))
		mode = M_DEFCONFIG, file = argv[i] + 12;
	else if (!strcmp(argv[i], "--olddefconfig"))
		mode = M_OLDDEF;
	else if (!strcmp(argv[i], "--oldconfig"))
		mode = M_OLD;
	else if (!strncmp(argv[i], "--savedefconfig=", 16))
		mode = M_SAVEDEF, file = argv[i] + 16;
	else if (!strcmp(argv[i], "--syncconfig") ||
		 !strcmp(argv[i], "--silentoldconfig"))
		mode = M_SYNC;
	else
		usage();
	if (++i >= argc)
		usage();
	kconfig = argv[i++];
	kconfig_parse(kconfig);

	if (mode == M_DEFCONFIG) {
		if (conf_read(file) < 0) {
			fprintf(stderr, "***\n*** Can't find default configuration \"%s\"!\n***\n",
				file);
			return 1;
		}
	} else if (mode != M_ALLDEF) {
		if (conf_read(config) < 0 && errno != ENOENT)
			die("%s: %s", config, strerror(errno));
	}
	overrides(argv + i, argc - i);

	switch (mode) {
	case M_SAVEDEF:
		return conf_write_defconfig(file);
	case M_SYNC:
		make_dirs(env_or("KCONFIG_AUTOHEADER",
				 "include/generated/autoconf.h"));
		make_dirs(env_or("KCONFIG_AUTOCONFIG",
				 "include/config/auto.conf"));
		return conf_write_autoconf(
			env_or("KCONFIG_AUTOHEADER", "include/generated/autoconf.h"),
			env_or("KCONFIG_AUTOCONFIG", "include/config/auto.conf"));
	case M_OLD:
		list_new();
		break;
	default:
		break;
	}
	conf_write(config);
	if (!silent)
		printf("#\n# configuration written to %s\n#\n", config);
	return 0;
}
