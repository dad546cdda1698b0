/* chartlay.c - the layout of --chart: which instances are shown, in
 * which rows, folded how, and every size, decided before a byte of SVG
 * is written (chartsvg.c draws from this alone). doc/stdiocap.1
 * "--chart".
 * SPDX-License-Identifier: MIT
 *
 * Rules:
 * - Shown: everything; with --pid/--name the subtrees of the matches;
 *   with --failed, of those, the failed ones (a non-zero exit code or a
 *   signal) and their ancestors.
 * - Rows in tree order; in a collector's capture the roots of each
 *   board together, boards in order of first appearance, and every
 *   label begins with its board in brackets (doc/network.md "Reading a
 *   farm"). Back-to-back siblings without children shown
 *   under them that repeat a group of 1 to CHART_FOLD_MAX argvs (a
 *   loop's "seq 1 100", or its seq | grep | wc) fold: one row per argv
 *   of the group for all its repeats, with their whole span and a count
 *   of failures among them. Outcomes may differ: each repeat keeps its
 *   own bar in the row, and failed ones are listed at the top.
 * - The label column is as wide as the widest label needs, within
 *   CH_LABEL_MIN and CH_LABEL_MAX characters; the header grows with
 *   the list of failed processes (CHART_FAILS_SHOWN at most). */
#include <errno.h>
#include <string.h>

#include "chart.h"
#include "mem.h"
#include "read.h"

int chart_failed(const struct chart_node *d)
{
	return d->flags & CF_EXITED && d->status;
}

size_t chart_label(const struct chart *c, const struct chart_node *d,
		   char *buf, size_t cap, int base)
{
	static const char none[] = "(no execve record)";
	char pre[FMT_BOARD + 3];
	size_t k = 0, m;

	if (d->board) {		/* "[BOARD] " */
		pre[k++] = '[';
		k += read_board(pre + k, (uint32_t)d->board << 24);
		pre[k++] = ']';
		pre[k++] = ' ';
	}
	m = k < cap ? k : cap;
	memcpy(buf, pre, m);
	buf += m;
	cap -= m;
	if (!(d->flags & CF_EXEC)) {
		if (cap >= sizeof none - 1)
			memcpy(buf, none, sizeof none - 1);
		return k + sizeof none - 1;
	}
	return k + fmt_argv(buf, cap, 0, d->alen ? c->pool + d->argv :
			    (const unsigned char *)"", d->alen,
			    d->flags & CF_CUT, base);
}

void chart_layout_free(struct chart *c)
{
	mem_free(c->vis, (size_t)c->n * sizeof *c->vis);
	mem_free(c->rows, (size_t)c->n * sizeof *c->rows);
	c->vis = NULL;
	c->rows = NULL;
	c->nvis = c->nrows = 0;
}

static struct chart_node *node(const struct chart *c, uint32_t k)
{
	return &c->in[k - 1];
}

/* The root after r (0: the first) of board index *g and the boards
 * after it; 0 after the last. Board 0 (a file's records) first. */
static uint32_t root_next(const struct chart *c, unsigned *g, uint32_t r)
{
	const struct ptree *t = &c->t;

	for (; *g < 8 * sizeof c->boards; ++*g, r = 0) {
		if (!(c->boards[*g / 8] >> *g % 8 & 1))
			continue;
		for (r++; r <= c->n; r++)
			if (!t->node[r].parent && node(c, r)->board == *g)
				return r;
	}
	return 0;
}

/* Marks what is shown (CF_SHOWN) and each one's depth below the top
 * of what is shown; then, with --failed, keeps only the failed ones
 * and their ancestors. */
static void choose(struct chart *c, uint32_t *depth)
{
	const struct ptree *t = &c->t;
	uint32_t r, k, up;
	unsigned d, top = 0, g = 0;
	int shown;

	for (r = 0; (r = root_next(c, &g, r));) {
		shown = !c->filter;
		d = 0;
		for (k = r; k; k = ptree_walk(t, r, k, &d)) {
			if (shown && c->filter && d <= top)
				shown = 0;	/* left the matched subtree */
			if (!shown && node(c, k)->flags & CF_MATCH) {
				shown = 1;
				top = d;
			}
			if (shown) {
				node(c, k)->flags |= CF_SHOWN;
				depth[k - 1] = d - (c->filter ? top : 0);
			}
		}
	}
	if (!c->failed_only)
		return;
	/* CF_LEAF serves as "kept" here, cleared again below */
	for (k = 1; k <= c->n; k++) {
		if (!(node(c, k)->flags & CF_SHOWN) ||
		    !chart_failed(node(c, k)))
			continue;
		for (up = k; up && node(c, up)->flags & CF_SHOWN &&
		     !(node(c, up)->flags & CF_LEAF); up = t->node[up].parent)
			node(c, up)->flags |= CF_LEAF;
	}
	for (k = 1; k <= c->n; k++) {
		if (!(node(c, k)->flags & CF_LEAF))
			node(c, k)->flags &= ~CF_SHOWN;
		node(c, k)->flags &= ~CF_LEAF;
	}
}

/* The shown nodes in tree order, each with its depth in depth[]. */
static void list(struct chart *c, const uint32_t *depth, uint32_t *vdepth)
{
	const struct ptree *t = &c->t;
	uint32_t r, k, i;
	unsigned d, g = 0;

	for (r = 0; (r = root_next(c, &g, r));) {
		d = 0;
		for (k = r; k; k = ptree_walk(t, r, k, &d))
			if (node(c, k)->flags & CF_SHOWN) {
				vdepth[c->nvis] = depth[k - 1];
				c->vis[c->nvis++] = k;
			}
	}
	for (i = 0; i < c->nvis; i++)
		if (i + 1 == c->nvis || vdepth[i + 1] <= vdepth[i])
			node(c, c->vis[i])->flags |= CF_LEAF;
}

static int same_argv(const struct chart *c, uint32_t a, uint32_t b)
{
	const struct chart_node *x = node(c, a), *y = node(c, b);

	return !((x->flags ^ y->flags) & (CF_EXEC | CF_CUT)) &&
	       x->alen == y->alen && (!x->alen ||
	       !memcmp(c->pool + x->argv, c->pool + y->argv, x->alen));
}

/* How many times the group of p nodes at vis[i] repeats back to back
 * within vis[i..end). */
static uint32_t repeats(const struct chart *c, uint32_t i, uint32_t end,
			uint32_t p)
{
	uint32_t r = 1, j;

	for (;; r++) {
		if (i + (r + 1) * p > end)
			return r;
		for (j = 0; j < p; j++)
			if (!same_argv(c, c->vis[i + j], c->vis[i + r * p + j]))
				return r;
	}
}

static void row_add(struct chart *c, uint32_t at, uint32_t stride,
		    uint32_t count, uint32_t depth)
{
	struct chart_row *w = &c->rows[c->nrows++];
	struct chart_node *d;
	unsigned long long e;
	uint32_t m;

	memset(w, 0, sizeof *w);
	w->at = at;
	w->stride = stride;
	w->count = count;
	w->depth = depth;
	w->start = ~0ull;
	for (m = 0; m < count; m++) {
		d = node(c, c->vis[at + m * stride]);
		d->row = c->nrows;
		e = d->flags & CF_EXITED ? d->last : c->end;
		if (d->start < w->start)
			w->start = d->start;
		if (e > w->end)
			w->end = e;
		w->fails += chart_failed(d);
		c->fails += chart_failed(d);
		c->open += !(d->flags & CF_EXITED);
	}
}

/* The rows: a run of leaf siblings folds where a group repeats. */
static void fold(struct chart *c, const uint32_t *vdepth)
{
	const struct ptree *t = &c->t;
	uint32_t i = 0, end, p, r, best_p, best_r, j;

	while (i < c->nvis) {
		end = i;
		/* (roots of two boards are no siblings: never one row) */
		while (end < c->nvis && node(c, c->vis[end])->flags & CF_LEAF &&
		       vdepth[end] == vdepth[i] &&
		       t->node[c->vis[end]].parent == t->node[c->vis[i]].parent &&
		       node(c, c->vis[end])->board == node(c, c->vis[i])->board)
			end++;
		if (end == i) {	/* it has children shown */
			row_add(c, i, 1, 1, vdepth[i]);
			i++;
			continue;
		}
		while (i < end) {
			best_p = 1;
			best_r = 1;
			for (p = 1; p <= CHART_FOLD_MAX && 2 * p <= end - i;
			     p++) {
				r = repeats(c, i, end, p);
				if (r >= 2 && r * p > best_r * best_p) {
					best_p = p;
					best_r = r;
				}
			}
			for (j = 0; j < best_p; j++)
				row_add(c, i + j, best_p, best_r, vdepth[i]);
			i += best_p * best_r;
		}
	}
}

/* 1, 2 or 5 times a power of ten: at most 9 ticks, labels 110 px
 * apart at least. */
static unsigned long long tick_step(unsigned long long span)
{
	unsigned long long raw = span / 8, step;

	for (step = 1; step < raw; step *= 10) {
		if (2 * step >= raw)
			return 2 * step;
		if (5 * step >= raw)
			return 5 * step;
	}
	return step;
}

static unsigned digits(unsigned long long v)
{
	unsigned n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Characters of row w's label: indent, argv, " ×N" (2 columns for ×). */
static unsigned label_len(const struct chart *c, const struct chart_row *w)
{
	char b[1];
	unsigned d = w->depth < CH_INDENT_MAX ? w->depth : CH_INDENT_MAX;
	size_t n = chart_label(c, node(c, c->vis[w->at]), b, 0, 1);

	if (w->count > 1)
		n += 2 + digits(w->count);
	return d * CH_INDENT + (n > 1000 ? 1000 : (unsigned)n);
}

int chart_layout(struct chart *c)
{
	uint32_t *depth, *vdepth, k, i, maxpid = 0;
	size_t sz = (size_t)c->n * sizeof *depth;
	unsigned l;

	c->vis = mem_alloc(sz ? sz : 1);
	c->rows = mem_alloc(c->n ? (size_t)c->n * sizeof *c->rows : 1);
	depth = mem_alloc(sz ? sz : 1);
	vdepth = mem_alloc(sz ? sz : 1);
	if (!c->vis || !c->rows || !depth || !vdepth) {
		mem_free(depth, sz);
		mem_free(vdepth, sz);
		chart_layout_free(c);
		return errno = ENOMEM, -1;
	}
	for (k = 1; k <= c->n; k++)
		c->all_fails += chart_failed(node(c, k));
	choose(c, depth);
	list(c, depth, vdepth);
	fold(c, vdepth);
	mem_free(depth, sz);
	mem_free(vdepth, sz);

	c->procs = c->nvis;
	c->fails_listed = c->fails <= CHART_FAILS_SHOWN ?
			  c->fails : CHART_FAILS_SHOWN + 1;	/* "... more" */
	c->lo = 0;
	c->hi = c->end;
	if ((c->filter || c->failed_only) && c->nrows) {
		c->lo = ~0ull;
		c->hi = 0;
		for (i = 0; i < c->nrows; i++) {
			if (c->rows[i].start < c->lo)
				c->lo = c->rows[i].start;
			if (c->rows[i].end > c->hi)
				c->hi = c->rows[i].end;
		}
	}
	c->step = tick_step(c->hi - c->lo);
	c->label_w = CH_LABEL_MIN;
	for (i = 0; i < c->nrows; i++) {
		l = label_len(c, &c->rows[i]);
		if (l > c->label_w)
			c->label_w = l > CH_LABEL_MAX ? CH_LABEL_MAX : l;
	}
	for (i = 0; i < c->nvis; i++)
		if (node(c, c->vis[i])->pid > maxpid)
			maxpid = node(c, c->vis[i])->pid;
	c->pid_w = digits(maxpid) < 3 ? 3 : digits(maxpid);
	c->head = 64 + c->fails_listed * CH_LINE + 50;
	c->notes = !c->nrows + !!c->dropped + !!c->o->gaps + !!c->o->broken;
	c->width = chart_plot_x(c) + CH_PLOT + CH_RIGHT + CH_MARGIN;
	c->height = c->head + chart_rows_height(c) + 20 + c->notes * 18 +
		    CH_MARGIN;
	return 0;
}
