/* parse.c - Config.in into symbols, properties and the menu order.
 * SPDX-License-Identifier: MIT
 *
 * The Kconfig language as doc/building.md "Configuration" lists it:
 * mainmenu, menu/endmenu (depends on, visible if), if/endif,
 * choice/endchoice (optional, default), comment, source, and config /
 * menuconfig entries with bool, tristate, string, int, hex, def_bool,
 * def_tristate, prompt, default, depends on, select, imply, range and
 * help; expressions with ! && || ( ) = != < <= > >=. Anything else stops
 * with one line naming the file, the line and the word, never a guess. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

struct item *items;
const char *mainmenu = "";
struct symbol *symbols;

static struct item **items_tail = &items;

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

/* ---- the lexer: one logical line at a time, as tokens */

enum tok_kind { TK_WORD, TK_STRING, TK_OP };

struct token {
	enum tok_kind kind;
	char *text;
};

static struct {
	const char *file;
	int line;
	struct token tok[64];
	int n, pos;
} lx;

static void syntax(const char *what, const char *word)
{
	die("%s:%d: %s%s%s%s", lx.file, lx.line, what, word ? " \"" : "",
	    word ? word : "", word ? "\"" : "");
}

/* Splits a line into tokens; their text is copied into an arena of its
 * own (a word is followed by its NUL, quotes are unescaped). */
static void tokenize(const char *s)
{
	static char *arena;
	static size_t acap;
	size_t need = 2 * strlen(s) + 2;
	char *out, q;

	if (need > acap) {
		free(arena);
		arena = xalloc(need);
		acap = need;
	}
	out = arena;
	lx.n = lx.pos = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '\n' || *s == '#')
			return;
		if (lx.n == (int)(sizeof lx.tok / sizeof *lx.tok))
			syntax("too many words on one line", NULL);
		lx.tok[lx.n].text = out;
		if (*s == '"' || *s == '\'') {
			q = *s++;
			lx.tok[lx.n++].kind = TK_STRING;
			while (*s && *s != q) {
				if (*s == '\\' && s[1])
					s++;
				*out++ = *s++;
			}
			if (*s != q)
				syntax("unterminated string", NULL);
			s++;
		} else if (strchr("!&|()=<>", *s)) {
			static const char ops[][3] = { "&&", "||", "!=", "<=",
				">=", "!", "(", ")", "=", "<", ">" };
			size_t i;

			for (i = 0; i < sizeof ops / sizeof *ops; i++)
				if (!strncmp(s, ops[i], strlen(ops[i])))
					break;
			if (i == sizeof ops / sizeof *ops)
				syntax("unexpected character", NULL);
			lx.tok[lx.n++].kind = TK_OP;
			memcpy(out, ops[i], strlen(ops[i]));
			out += strlen(ops[i]);
			s += strlen(ops[i]);
		} else {
			lx.tok[lx.n++].kind = TK_WORD;
			while (*s && !strchr(" \t\r\n#\"'!&|()=<>", *s))
				*out++ = *s++;
		}
		*out++ = 0;
	}
}

static struct token *peek(void)
{
	return lx.pos < lx.n ? &lx.tok[lx.pos] : NULL;
}

static int accept_op(const char *op)
{
	struct token *t = peek();

	if (t && t->kind == TK_OP && !strcmp(t->text, op)) {
		lx.pos++;
		return 1;
	}
	return 0;
}

static int accept_word(const char *w)
{
	struct token *t = peek();

	if (t && t->kind == TK_WORD && !strcmp(t->text, w)) {
		lx.pos++;
		return 1;
	}
	return 0;
}

static void expect_end(void)
{
	if (peek())
		syntax("unexpected", peek()->text);
}

/* ---- expressions */

static struct expr *mk(enum op op, struct expr *l, struct expr *r)
{
	struct expr *e = xalloc(sizeof *e);

	e->op = op;
	e->l = l;
	e->r = r;
	return e;
}

static struct expr *mk_and(struct expr *l, struct expr *r)
{
	return !l ? r : !r ? l : mk(E_AND, l, r);
}

static struct expr *mk_or(struct expr *l, struct expr *r)
{
	return !l ? r : !r ? l : mk(E_OR, l, r);
}

static struct expr *parse_or(void);

static struct expr *parse_atom(void)
{
	struct token *t = peek();
	struct expr *e;
	const char *w;

	if (!t)
		syntax("expression expected", NULL);
	if (accept_op("(")) {
		e = parse_or();
		if (!accept_op(")"))
			syntax("')' expected", NULL);
		return e;
	}
	if (t->kind == TK_OP)
		syntax("unexpected", t->text);
	lx.pos++;
	e = mk(E_SYM, NULL, NULL);
	w = t->text;
	/* a number is a constant too: "default 1000", "range 0 65535" */
	e->sym = sym_lookup(w, t->kind == TK_STRING ||
			   (strspn(w, "-0123456789abcdefABCDEFx") == strlen(w) &&
			    (w[0] == '-' || (w[0] >= '0' && w[0] <= '9'))));
	return e;
}

static struct expr *parse_cmp(void)
{
	static const struct { const char *op; enum op e; } cmps[] = {
		{ "=", E_EQ }, { "!=", E_NEQ }, { "<", E_LT },
		{ "<=", E_LE }, { ">", E_GT }, { ">=", E_GE },
	};
	struct expr *l = parse_atom();
	size_t i;

	for (i = 0; i < sizeof cmps / sizeof *cmps; i++)
		if (accept_op(cmps[i].op))
			return mk(cmps[i].e, l, parse_atom());
	return l;
}

static struct expr *parse_not(void)
{
	if (accept_op("!"))
		return mk(E_NOT, parse_not(), NULL);
	return parse_cmp();
}

static struct expr *parse_and(void)
{
	struct expr *e = parse_not();

	while (accept_op("&&"))
		e = mk(E_AND, e, parse_not());
	return e;
}

static struct expr *parse_or(void)
{
	struct expr *e = parse_and();

	while (accept_op("||"))
		e = mk(E_OR, e, parse_and());
	return e;
}

/* "if EXPR" at the end of an attribute, or nothing */
static struct expr *parse_if(void)
{
	struct expr *e = NULL;

	if (accept_word("if"))
		e = parse_or();
	expect_end();
	return e;
}

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
	if (nblocks == (int)(sizeof blocks / sizeof *blocks))
		syntax("blocks nested too deep", NULL);
	blocks[nblocks++] = (struct block){ kind, dep, vis, choice,
					    lx.file, line };
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
	en.line = lx.line;
}

static const char *string_arg(const char *what)
{
	struct token *t = peek();

	if (!t || t->kind != TK_STRING)
		syntax("a quoted string expected after", what);
	lx.pos++;
	return xstrdup(t->text);
}

static const char *word_arg(const char *what)
{
	struct token *t = peek();

	if (!t || t->kind != TK_WORD)
		syntax("a name expected after", what);
	lx.pos++;
	return t->text;
}

static void set_type(enum type type)
{
	if (en.sym->type != T_UNKNOWN && en.sym->type != type)
		syntax("type redefined for", en.sym->name);
	en.sym->type = type;
}

static int indent_of(const char *s)
{
	int col = 0;

	for (; *s == ' ' || *s == '\t'; s++)
		col = *s == '\t' ? (col + 8) & ~7 : col + 1;
	return col;
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == 0;
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

static void parse_file(const char *file);

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
	lx.pos++;
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

		finish_entry();
		e = parse_or();
		expect_end();
		push(B_IF, mk_and(block_dep(), e), block_vis(), NULL, lx.line);
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
		const char *save = lx.file;
		int at = lx.line;

		expect_end();
		finish_entry();
		parse_file(f);
		lx.file = save;
		lx.line = at;
	} else {
		syntax("unknown statement", w);
	}
}

static void parse_file(const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *more = NULL;
	size_t cap = 0, mcap = 0, len;
	int help = 0, help_indent = -1, n, first;
	ssize_t r;

	if (!f)
		die("%s: cannot open: %s", file, strerror(errno));
	lx.file = xstrdup(file);
	lx.line = 0;
	while ((r = getline(&line, &cap, f)) >= 0) {
		lx.line++;
		if (help) {
			/* help text: every line indented deeper than the
			 * first one's start, and blank lines in between */
			if (blank(line))
				continue;
			n = indent_of(line);
			if (help_indent < 0)
				help_indent = n;
			if (n >= help_indent && n > 0)
				continue;
			help = 0;
		}
		/* a line ending in '\' goes on on the next one */
		first = lx.line;
		while ((len = strlen(line)) >= 2 && line[len - 2] == '\\' &&
		       line[len - 1] == '\n') {
			line[len - 2] = 0;
			if (getline(&more, &mcap, f) < 0)
				break;
			lx.line++;
			if (strlen(line) + strlen(more) + 1 > cap) {
				cap = strlen(line) + strlen(more) + 1;
				line = realloc(line, cap);
				if (!line)
					die("out of memory");
			}
			strcat(line, more);
		}
		n = lx.line;
		lx.line = first;
		{
			char *s = line + strspn(line, " \t");

			if (!strncmp(s, "help", 4) && blank(s + 4)) {
				help = 1;
				help_indent = -1;
				lx.line = n;
				continue;
			}
			if (!strncmp(s, "---help---", 10) && blank(s + 10)) {
				help = 1;
				help_indent = -1;
				lx.line = n;
				continue;
			}
		}
		statement(line);
		lx.line = n;
	}
	if (ferror(f))
		die("%s: read error", file);
	fclose(f);
	free(line);
	free(more);
	finish_entry();
}

void kconfig_parse(const char *file)
{
	parse_file(file);
	if (nblocks)
		die("%s:%d: %s not closed", blocks[nblocks - 1].file,
		    blocks[nblocks - 1].line,
		    blocks[nblocks - 1].kind == B_IF ? "if" :
		    blocks[nblocks - 1].kind == B_MENU ? "menu" : "choice");
}
