/* kconfig.h - the in-tree Kconfig: symbols, expressions, the menu order.
 * SPDX-License-Identifier: MIT
 *
 * A build-host tool (doc/building.md "Configuration"): it reads Config.in
 * and .config and writes .config, a minimal defconfig,
 * include/generated/autoconf.h and include/config/auto.conf, in the
 * formats of the Linux kernel's kconfig 4.11 (Debian kconfig-frontends),
 * so either tool can drive the Makefile. It dies on a syntax error with
 * one line naming the file and line; it never runs on the target. */
#ifndef KCONFIG_H
#define KCONFIG_H

enum type { T_UNKNOWN, T_BOOL, T_TRISTATE, T_STRING, T_INT, T_HEX };

/* Tristate values: n < m < y, so && is min and || is max. */
enum { NO = 0, MOD = 1, YES = 2 };

enum op { E_SYM, E_NOT, E_AND, E_OR, E_EQ, E_NEQ, E_LT, E_LE, E_GT, E_GE };

struct symbol;

struct expr {
	enum op op;
	struct expr *l, *r;
	struct symbol *sym;	/* E_SYM */
};

/* One property: a prompt, a default, a range or a select. cond is the
 * whole condition under which it applies: the enclosing if/menu/choice
 * dependencies, the entry's "depends on" and its own "if". */
struct prop {
	struct expr *expr, *expr2;	/* range: low, high */
	struct expr *cond;
	const char *text;		/* prompt */
	struct prop *next;
};

struct symbol {
	char *name;		/* NULL for an unnamed choice */
	enum type type;
	int is_const;		/* y, n, m, "text", 1000: name is the value */
	int is_choice, optional;
	struct symbol *choice;	/* the choice this symbol is a member of */
	struct prop *prompts, *defaults, *ranges;
	struct expr *rev_dep;	/* OR of what selects it */
	char *user;		/* value from .config or an override */
	int has_user;
	/* computed by sym_calc */
	int calc;		/* 0 not yet, 1 in progress, 2 done */
	int visible, write;
	char *val;
	struct symbol *next;	/* the symbol table */
};

/* The menu order: what .config and savedefconfig walk. */
enum item_kind { I_SYM, I_MENU, I_COMMENT };

struct item {
	enum item_kind kind;
	struct symbol *sym;	/* I_SYM */
	const char *text;	/* I_MENU, I_COMMENT */
	struct expr *cond;	/* I_MENU, I_COMMENT: shown when true */
	struct item *next;
};

/* parse.c: Config.in read into items (the menu order) and symbols */
extern struct item *items;
extern const char *mainmenu;
void kconfig_parse(const char *file);

/* symbol.c: the symbol table; die prints one line and exits 1 */
extern struct symbol *symbols;
struct symbol *sym_lookup(const char *name, int is_const);
struct symbol *sym_find(const char *name);
void *xalloc(unsigned long n);
char *xstrdup(const char *s);
void die(const char *fmt, ...);

/* eval.c */
int expr_tri(struct expr *e);
void sym_calc(struct symbol *s);
const char *sym_value(struct symbol *s);
const char *sym_default_value(struct symbol *s);
int sym_valid(struct symbol *s, const char *v);
struct symbol *choice_default(struct symbol *ch);
int item_visible(struct item *it);

/* confdata.c */
int conf_read(const char *file);
int conf_set(struct symbol *s, const char *v, const char *where, int line);
int conf_write(const char *file);
int conf_write_defconfig(const char *file);
int conf_write_autoconf(const char *header, const char *autoconf);

#endif
