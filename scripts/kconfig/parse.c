/* parse.c - the Kconfig grammar: statements into symbols, properties
 * and the menu order.
 * SPDX-License-Identifier: MIT
 *
 * The Kconfig language as doc/building.md "Configuration" lists it:
 * mainmenu, menu/endmenu (depends on, visible if), if/endif,
 * choice/endchoice (optional, default), comment, source, and config /
 * menuconfig entries with bool, tristate, string, int, hex, def_bool,
 * def_tristate, prompt, default, depends on, select, range and help.
 * Anything else stops with one line naming the file, the line and the
 * word, never a guess. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "lex.h"

struct item *items;
const char *mainmenu = "";

static struct item **items_tail = &items;

/* ---- entries and blocks */

enum { P_PROMPT, P_DEFAULT, P_RANGE, P_SELECT };

struct pending {
	int what;
	struct expr *e, *e2, *cond;
	const char *text;
	struct pending *next;
};

enum entry_kind { EN_NONE, EN_SYM, EN_CHOICE, EN_MENU, EN_COMMENT };

static struct {
	enum entry_kind kind;
	struct symbol *sym;
	const char *text;
	struct expr *deps, *visible;
	struct pending *props, **tail;
	int line;		/* where it starts, for "not closed" */
} en;

enum block_kind { B_IF, B_MENU, B_CHOICE };

static struct block {
	enum block_kind kind;
	struct expr *dep, *vis;
	struct symbol *choice;
	const char *file;
	int line;
} blocks[32];
static int nblocks;

static struct expr *block_dep(void)
{
	return nblocks ? blocks[nblocks - 1].dep : NULL;
}

static struct expr *block_vis(void)
{
	return nblocks ? blocks[nblocks - 1].vis : NULL;
}

static struct symbol *block_choice(void)
{
	int i;

	for (i = nblocks - 1; i >= 0; i--)
		if (blocks[i].kind == B_CHOICE)
			return blocks[i].choice;
	return NULL;
}

static void push(enum block_kind kind, struct expr *dep, struct expr *vis,
		 struct symbol *choice, int line)
{
	int now;

	if (nblocks == (int)(sizeof blocks / sizeof *blocks))
		syntax("blocks nested too deep", NULL);
	blocks[nblocks++] = (struct block){ kind, dep, vis, choice,
					    lex_where(&now), line };
}

static void pop(enum block_kind kind, const char *word)
{
	if (!nblocks || blocks[nblocks - 1].kind != kind)
		syntax("unmatched", word);
	nblocks--;
}

static void add_item(enum item_kind kind, struct symbol *s, const char *text,
		     struct expr *cond)
{
	struct item *it = xalloc(sizeof *it);

	it->kind = kind;
	it->sym = s;
	it->text = text;
	it->cond = cond;
	*items_tail = it;
	items_tail = &it->next;
}

static void add_prop(int what, struct expr *e, struct expr *e2,
		     const char *text)
{
	struct pending *p = xalloc(sizeof *p);

	p->what = what;
	p->e = e;
	p->e2 = e2;
	p->text = text;
	p->cond = parse_if();
	*en.tail = p;
	en.tail = &p->next;
}

static void append(struct prop **list, struct prop *p)
{
	while (*list)
		list = &(*list)->next;
	*list = p;
}

/* The entry is complete: every property gets its whole condition. */
static void finish_entry(void)
{
	struct expr *dep = mk_and(block_dep(), en.deps);
	struct pending *p;
	struct prop *q;

	switch (en.kind) {
	case EN_NONE:
		return;
	case EN_MENU:
		add_item(I_MENU, NULL, en.text, mk_and(dep, en.visible));
		push(B_MENU, dep, mk_and(block_vis(), en.visible), NULL, en.line);
		break;
	case EN_COMMENT:
		add_item(I_COMMENT, NULL, en.text, dep);
		break;
	case EN_SYM:
	case EN_CHOICE:
		for (p = en.props; p; p = p->next) {
			if (p->what == P_SELECT) {
				struct symbol *t = p->e->sym;
				struct expr *me = mk(E_SYM, NULL, NULL);

				me->sym = en.sym;
				t->rev_dep = mk_or(t->rev_dep,
						   mk_and(me, mk_and(dep, p->cond)));
				continue;
			}
			q = xalloc(sizeof *q);
			q->expr = p->e;
			q->expr2 = p->e2;
			q->text = p->text;
			q->cond = mk_and(dep, p->cond);
			if (p->what == P_PROMPT)
				q->cond = mk_and(q->cond, block_vis());
			append(p->what == P_PROMPT ? &en.sym->prompts :
			       p->what == P_DEFAULT ? &en.sym->defaults :
			       &en.sym->ranges, q);
		}
		if (en.kind == EN_CHOICE)
			push(B_CHOICE, dep, block_vis(), en.sym, en.line);
		break;
	}
	en.kind = EN_NONE;
}

static void start_entry(enum entry_kind kind, struct symbol *s,
			const char *text)
{
	finish_entry();
	en.kind = kind;
	en.sym = s;
	en.text = text;
	en.deps = en.visible = NULL;
	en.props = NULL;
	en.tail = &en.props;
	lex_where(&en.line);
}

static const char *string_arg(const char *what)
{
	struct token *t = peek();

	if (!t || t->kind != TK_STRING)
		syntax("a quoted string expected after", what);
	next_token();
	return xstrdup(t->text);
}

static const char *word_arg(const char *what)
{
	struct token *t = peek();

	if (!t || t->kind != TK_WORD)
		syntax("a name expected after", what);
	next_token();
	return t->text;
}

static void set_type(enum type type)
{
	if (en.sym->type != T_UNKNOWN && en.sym->type != type)
		syntax("type redefined for", en.sym->name);
	en.sym->type = type;
}

/* An attribute of the current entry; 0 if the word is none. */
static int attribute(const char *w)
{
	static const struct { const char *w; enum type t; int def; } types[] = {
		{ "bool", T_BOOL, 0 }, { "boolean", T_BOOL, 0 },
		{ "tristate", T_TRISTATE, 0 }, { "string", T_STRING, 0 },
		{ "int", T_INT, 0 }, { "hex", T_HEX, 0 },
		{ "def_bool", T_BOOL, 1 }, { "def_tristate", T_TRISTATE, 1 },
	};
	int sym = en.kind == EN_SYM || en.kind == EN_CHOICE;
	size_t i;

	for (i = 0; i < sizeof types / sizeof *types; i++) {
		if (strcmp(w, types[i].w))
			continue;
		if (!sym)
			syntax("a type outside a config entry:", w);
		set_type(types[i].t);
		if (types[i].def)
			add_prop(P_DEFAULT, parse_or(), NULL, NULL);
		else if (peek() && peek()->kind == TK_STRING)
			add_prop(P_PROMPT, NULL, NULL, string_arg(w));
		else
			expect_end();
		return 1;
	}
	if (!strcmp(w, "depends")) {
		if (!accept_word("on"))
			syntax("\"on\" expected after", w);
		if (en.kind == EN_NONE)
			syntax("\"depends on\" outside an entry", NULL);
		en.deps = mk_and(en.deps, parse_or());
		expect_end();
		return 1;
	}
	if (!strcmp(w, "visible")) {
		if (en.kind != EN_MENU || !accept_word("if"))
			syntax("\"visible if\" belongs to a menu", NULL);
		en.visible = mk_and(en.visible, parse_or());
		expect_end();
		return 1;
	}
	if (!sym)
		return 0;
	if (!strcmp(w, "prompt")) {
		add_prop(P_PROMPT, NULL, NULL, string_arg(w));
	} else if (!strcmp(w, "default")) {
		add_prop(P_DEFAULT, parse_or(), NULL, NULL);
	} else if (!strcmp(w, "range")) {
		struct expr *lo = parse_atom();

		add_prop(P_RANGE, lo, parse_atom(), NULL);
	} else if (!strcmp(w, "select") || !strcmp(w, "imply")) {
		struct expr *e = mk(E_SYM, NULL, NULL);

		/* imply is a weak select; no Config.in of ours needs the
		 * difference, so it is refused rather than got wrong */
		if (!strcmp(w, "imply"))
			syntax("not supported:", w);
		e->sym = sym_lookup(word_arg(w), 0);
		add_prop(P_SELECT, e, NULL, NULL);
	} else if (!strcmp(w, "optional")) {
		if (en.kind != EN_CHOICE)
			syntax("\"optional\" outside a choice", NULL);
		en.sym->optional = 1;
		expect_end();
	} else {
		return 0;
	}
	return 1;
}

static void statement(const char *line)
{
	struct token *t;
	const char *w;
	struct symbol *s;

	tokenize(line);
	t = peek();
	if (!t)
		return;
	if (t->kind != TK_WORD)
		syntax("a keyword expected, not", t->text);
	w = t->text;
	next_token();
	if (attribute(w))
		return;
	if (!strcmp(w, "config") || !strcmp(w, "menuconfig")) {
		s = sym_lookup(word_arg(w), 0);
		expect_end();
		if (s->is_const)
			syntax("not a symbol name:", s->name);
		finish_entry();
		if (!s->prompts && !s->defaults && !s->type)
			add_item(I_SYM, s, NULL, NULL);
		start_entry(EN_SYM, s, NULL);
		if (block_choice()) {
			s->choice = block_choice();
			/* a choice's members are bools of that choice */
			if (block_choice()->type && !s->type)
				s->type = block_choice()->type;
		}
	} else if (!strcmp(w, "choice")) {
		s = xalloc(sizeof *s);
		s->is_choice = 1;
		if (peek() && peek()->kind == TK_WORD)
			s->name = xstrdup(word_arg(w));
		expect_end();
		s->next = symbols;
		symbols = s;
		start_entry(EN_CHOICE, s, NULL);
	} else if (!strcmp(w, "endchoice")) {
		expect_end();
		finish_entry();
		pop(B_CHOICE, w);
	} else if (!strcmp(w, "menu")) {
		start_entry(EN_MENU, NULL, string_arg(w));
		expect_end();
	} else if (!strcmp(w, "endmenu")) {
		expect_end();
		finish_entry();
		pop(B_MENU, w);
	} else if (!strcmp(w, "if")) {
		struct expr *e;
		int at;

		finish_entry();
		e = parse_or();
		expect_end();
		lex_where(&at);
		push(B_IF, mk_and(block_dep(), e), block_vis(), NULL, at);
	} else if (!strcmp(w, "endif")) {
		expect_end();
		finish_entry();
		pop(B_IF, w);
	} else if (!strcmp(w, "comment")) {
		start_entry(EN_COMMENT, NULL, string_arg(w));
		expect_end();
	} else if (!strcmp(w, "mainmenu")) {
		finish_entry();
		mainmenu = string_arg(w);
		expect_end();
	} else if (!strcmp(w, "source")) {
		const char *f = string_arg(w);

		expect_end();
		finish_entry();
		lex_file(f, statement);
		finish_entry();
	} else {
		syntax("unknown statement", w);
	}
}

void kconfig_parse(const char *file)
{
	lex_file(file, statement);
	finish_entry();
	if (nblocks)
		die("%s:%d: %s not closed", blocks[nblocks - 1].file,
		    blocks[nblocks - 1].line,
		    blocks[nblocks - 1].kind == B_IF ? "if" :
		    blocks[nblocks - 1].kind == B_MENU ? "menu" : "choice");
}
