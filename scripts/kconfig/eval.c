/* eval.c - expression values and each symbol's value.
 * SPDX-License-Identifier: MIT
 *
 * The rules of kconfig (doc/building.md "Configuration"): a symbol is
 * visible when one of its prompts' conditions holds; a visible symbol
 * takes its value from .config if that value is valid (and, for int and
 * hex, inside the active range), else the first default whose condition
 * holds; a bool is raised to y by a select; a choice has exactly one
 * member y. A symbol is written out when it is visible or a default or
 * select gives it a value; an invisible one without either has none. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

static int is_tri(const struct symbol *s)
{
	return s->type == T_BOOL || s->type == T_TRISTATE;
}

static int tri_of(const char *v)
{
	return !strcmp(v, "y") ? YES : !strcmp(v, "m") ? MOD : NO;
}

static const char *tri_str(int t)
{
	return t == YES ? "y" : t == MOD ? "m" : "n";
}

static int min(int a, int b)
{
	return a < b ? a : b;
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

/* A symbol in a boolean context: a string or int symbol is n. */
static int sym_tri(struct symbol *s)
{
	if (s->is_const)
		return tri_of(s->name);
	sym_calc(s);
	return is_tri(s) ? tri_of(s->val) : NO;
}

static int number(const char *v, long long *n)
{
	char *end;

	if (!*v)
		return 0;
	*n = strtoll(v, &end, 0);
	return *end == 0;
}

/* -1, 0, 1: numerically when both sides are numbers, else as text */
static int compare(struct symbol *a, struct symbol *b)
{
	const char *x = sym_value(a), *y = sym_value(b);
	long long m, n;

	if (number(x, &m) && number(y, &n))
		return m < n ? -1 : m > n;
	return strcmp(x, y) < 0 ? -1 : strcmp(x, y) > 0;
}

int expr_tri(struct expr *e)
{
	if (!e)
		return YES;
	switch (e->op) {
	case E_SYM:
		return sym_tri(e->sym);
	case E_NOT:
		return YES - expr_tri(e->l);
	case E_AND:
		return min(expr_tri(e->l), expr_tri(e->r));
	case E_OR:
		return max(expr_tri(e->l), expr_tri(e->r));
	case E_EQ:
		return compare(e->l->sym, e->r->sym) == 0 ? YES : NO;
	case E_NEQ:
		return compare(e->l->sym, e->r->sym) != 0 ? YES : NO;
	case E_LT:
		return compare(e->l->sym, e->r->sym) < 0 ? YES : NO;
	case E_LE:
		return compare(e->l->sym, e->r->sym) <= 0 ? YES : NO;
	case E_GT:
		return compare(e->l->sym, e->r->sym) > 0 ? YES : NO;
	case E_GE:
		return compare(e->l->sym, e->r->sym) >= 0 ? YES : NO;
	}
	return NO;
}

/* The text of a default or range bound: a constant's text, a symbol's
 * value, or y/n for an expression. */
static const char *expr_text(struct expr *e)
{
	if (e->op == E_SYM)
		return sym_value(e->sym);
	return tri_str(expr_tri(e));
}

int sym_valid(struct symbol *s, const char *v)
{
	const char *p = v;

	switch (s->type) {
	case T_BOOL:
		return !strcmp(v, "y") || !strcmp(v, "n");
	case T_TRISTATE:
		return !strcmp(v, "y") || !strcmp(v, "m") || !strcmp(v, "n");
	case T_INT:
		if (*p == '-')
			p++;
		return *p && strspn(p, "0123456789") == strlen(p);
	case T_HEX:
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		return *p && strspn(p, "0123456789abcdefABCDEF") == strlen(p);
	case T_STRING:
		return 1;
	case T_UNKNOWN:
		break;
	}
	return 0;
}

static struct prop *active(struct prop *p)
{
	for (; p; p = p->next)
		if (expr_tri(p->cond) != NO)
			return p;
	return NULL;
}

/* v within the active range of s (int, hex); clamped if clamp */
static const char *in_range(struct symbol *s, const char *v, int clamp)
{
	struct prop *r = active(s->ranges);
	long long n, lo, hi;
	static char buf[32];

	if (!r || (s->type != T_INT && s->type != T_HEX))
		return v;
	if (!number(expr_text(r->expr), &lo) ||
	    !number(expr_text(r->expr2), &hi))
		return v;
	if (s->type == T_HEX) {
		if (!number(v[0] == '0' && (v[1] == 'x' || v[1] == 'X') ?
			    v : "", &n)) {
			char tmp[40];

			snprintf(tmp, sizeof tmp, "0x%.30s", v);
			if (!number(tmp, &n))
				return clamp ? v : NULL;
		}
	} else if (!number(v, &n)) {
		return clamp ? v : NULL;
	}
	if (n >= lo && n <= hi)
		return v;
	if (!clamp)
		return NULL;
	snprintf(buf, sizeof buf, s->type == T_HEX ? "0x%llx" : "%lld",
		 n < lo ? lo : hi);
	return xstrdup(buf);
}

/* The value s would have without a user value (savedefconfig compares
 * against it). */
const char *sym_default_value(struct symbol *s)
{
	struct prop *d;
	int t;

	if (s->choice)
		return "n";
	d = active(s->defaults);
	if (is_tri(s)) {
		t = d ? min(expr_tri(d->expr), expr_tri(d->cond)) : NO;
		if (s->rev_dep)
			t = max(t, expr_tri(s->rev_dep));
		if (s->type == T_BOOL && t == MOD)
			t = YES;
		return tri_str(t);
	}
	/* unclamped, as kconfig compares: an out-of-range default is
	 * saved clamped */
	return d ? expr_text(d->expr) : "";
}

/* The member a choice takes without a user's pick: the first active
 * default that is visible, else (unless optional) the first visible
 * member. */
struct symbol *choice_default(struct symbol *ch)
{
	struct symbol *m, *first = NULL;
	struct prop *d;

	for (d = ch->defaults; d; d = d->next)
		if (expr_tri(d->cond) != NO && d->expr->op == E_SYM &&
		    d->expr->sym->choice == ch && active(d->expr->sym->prompts))
			return d->expr->sym;
	/* the symbol table is newest first: the last match is the first
	 * member in Config.in */
	for (m = symbols; !ch->optional && m; m = m->next)
		if (m->choice == ch && active(m->prompts))
			first = m;
	return first;
}

static void calc_choice(struct symbol *ch)
{
	struct symbol *m, *sel = NULL;

	ch->calc = 1;
	ch->visible = active(ch->prompts) != NULL;
	for (m = symbols; m && ch->visible; m = m->next)
		if (m->choice == ch && m->has_user && !strcmp(m->user, "y") &&
		    active(m->prompts))
			sel = m;
	if (ch->visible && !sel)
		sel = choice_default(ch);
	ch->val = sel ? sel->name : "";
	ch->write = 0;
	ch->calc = 2;
	for (m = symbols; m; m = m->next) {
		if (m->choice != ch)
			continue;
		m->visible = ch->visible && active(m->prompts);
		m->write = m->visible;
		m->val = m == sel ? "y" : "n";
		m->calc = 2;
	}
}

void sym_calc(struct symbol *s)
{
	struct prop *d;
	const char *v;
	int t;

	if (s->calc == 2 || s->is_const)
		return;
	if (s->calc == 1)
		die("%s: depends on itself", s->name ? s->name : "<choice>");
	if (s->choice) {
		calc_choice(s->choice);
		return;
	}
	if (s->is_choice) {
		calc_choice(s);
		return;
	}
	s->calc = 1;
	s->visible = active(s->prompts) != NULL;
	s->write = s->visible;
	d = active(s->defaults);
	if (is_tri(s)) {
		if (s->visible && s->has_user) {
			t = tri_of(s->user);
		} else if (d) {
			t = min(expr_tri(d->expr), expr_tri(d->cond));
			s->write = 1;
		} else {
			t = NO;
		}
		if (s->rev_dep && expr_tri(s->rev_dep) != NO) {
			t = max(t, expr_tri(s->rev_dep));
			s->write = 1;
		}
		if (s->type == T_BOOL && t == MOD)
			t = YES;
		s->val = (char *)tri_str(t);
	} else if (s->type == T_UNKNOWN) {
		s->val = "";
		s->write = 0;
	} else {
		v = NULL;
		if (s->visible && s->has_user)
			v = in_range(s, s->user, 0);
		if (!v && d) {
			v = in_range(s, expr_text(d->expr), 1);
			s->write = 1;
		}
		s->val = xstrdup(v ? v : "");
	}
	s->calc = 2;
}

const char *sym_value(struct symbol *s)
{
	if (s->is_const)
		return s->name;
	sym_calc(s);
	return s->val;
}

int item_visible(struct item *it)
{
	return expr_tri(it->cond) != NO;
}
