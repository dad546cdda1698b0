/* lex.c - Kconfig files as logical lines of tokens, and expressions.
 * SPDX-License-Identifier: MIT
 *
 * Comments, help texts (every line indented deeper than the first one's
 * start) and '\'-continued lines are dealt with here, so the grammar in
 * parse.c sees one statement at a time (doc/building.md "Configuration").
 * A mistake stops the tool with one line naming the file and the line. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "lex.h"

static struct {
	const char *file;
	int line;
	struct token tok[64];
	int n, pos;
} lx;

void syntax(const char *what, const char *word)
{
	die("%s:%d: %s%s%s%s", lx.file, lx.line, what, word ? " \"" : "",
	    word ? word : "", word ? "\"" : "");
}

/* Splits a line into tokens; their text is copied into an arena of its
 * own (a word is followed by its NUL, quotes are unescaped). */
void tokenize(const char *s)
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

void next_token(void)
{
	lx.pos++;
}

struct token *peek(void)
{
	return lx.pos < lx.n ? &lx.tok[lx.pos] : NULL;
}

int accept_op(const char *op)
{
	struct token *t = peek();

	if (t && t->kind == TK_OP && !strcmp(t->text, op)) {
		lx.pos++;
		return 1;
	}
	return 0;
}

int accept_word(const char *w)
{
	struct token *t = peek();

	if (t && t->kind == TK_WORD && !strcmp(t->text, w)) {
		lx.pos++;
		return 1;
	}
	return 0;
}

void expect_end(void)
{
	if (peek())
		syntax("unexpected", peek()->text);
}

/* ---- expressions */

struct expr *mk(enum op op, struct expr *l, struct expr *r)
{
	struct expr *e = xalloc(sizeof *e);

	e->op = op;
	e->l = l;
	e->r = r;
	return e;
}

struct expr *mk_and(struct expr *l, struct expr *r)
{
	return !l ? r : !r ? l : mk(E_AND, l, r);
}

struct expr *mk_or(struct expr *l, struct expr *r)
{
	return !l ? r : !r ? l : mk(E_OR, l, r);
}

struct expr *parse_atom(void)
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

struct expr *parse_or(void)
{
	struct expr *e = parse_and();

	while (accept_op("||"))
		e = mk(E_OR, e, parse_and());
	return e;
}

/* "if EXPR" at the end of an attribute, or nothing */
struct expr *parse_if(void)
{
	struct expr *e = NULL;

	if (accept_word("if"))
		e = parse_or();
	expect_end();
	return e;
}

/* ---- files */

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

/* The position of the line being read, for messages. */
const char *lex_where(int *line)
{
	*line = lx.line;
	return lx.file;
}

void lex_file(const char *file, void (*statement)(const char *line))
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *more = NULL;
	size_t cap = 0, mcap = 0, len;
	int help = 0, help_indent = -1, n, first;
	ssize_t r;
	const char *save = lx.file;
	int at = lx.line;

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
	lx.file = save;
	lx.line = at;
}
