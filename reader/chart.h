/* chart.h - stdiocap --chart in three steps: the hooks gather one node
 * per instance (chart.c), the layout decides every row and size
 * (chartlay.c), the drawing writes the SVG from the layout alone
 * (chartsvg.c). doc/stdiocap.1 "--chart".
 * SPDX-License-Identifier: MIT */
#ifndef CHART_H
#define CHART_H

#include <stdint.h>

#include "ptree.h"
#include "read.h"

enum {
	CHART_MARKS = 8,	/* output intervals kept per node and stream */
	CHART_FOLD_MAX = 4,	/* siblings in a repeated group (a|b|c) */
	CHART_FAILS_SHOWN = 20,	/* failed processes listed at the top */
};

enum {
	CF_EXEC = 1,	/* its execve record was seen */
	CF_EXITED = 2,	/* its exit record was read */
	CF_CUT = 4,	/* argv longer than what was kept */
	CF_MATCH = 8,	/* passes --pid and --name */
	CF_SHOWN = 16,	/* layout: it has a row (or a place in one) */
	CF_LEAF = 32,	/* layout: nothing shown under it */
};

struct chart_node {
	unsigned long long start, last;	/* us since the first record */
	unsigned long long bytes[3];
	uint32_t pid, ppid, status;
	uint32_t argv;			/* offset in the pool */
	uint32_t row;			/* layout: its row + 1 */
	uint16_t alen;
	uint8_t flags, shift;
	uint8_t board;			/* its board's index (0: none) */
	uint8_t nmark[2];		/* per output stream: stdout, stderr */
	uint32_t mark[2][CHART_MARKS][2];	/* (us since start) >> shift */
};

/* A row: one instance, or a repeated one folded (count > 1): the
 * instances vis[at], vis[at + stride], ... (count of them). */
struct chart_row {
	uint32_t at, stride, count, fails;
	uint32_t depth;
	unsigned long long start, end;	/* the span of all of them */
};

struct chart {
	/* gathered by the hooks */
	const struct read_opts *o;
	struct chart_node *in;	/* node k of t is in[k - 1] */
	struct ptree t;
	unsigned char *pool;	/* argv bytes */
	uint32_t n, pool_len, dropped;
	size_t pool_cap, cap;	/* bytes; nodes (mem_room) */
	unsigned long long end;		/* the last record */
	unsigned long long cut_at;	/* the first instance dropped */
	int lineage;		/* a node has a parent */
	int failed_only;	/* --failed */
	int filter;		/* --pid or --name */
	unsigned char boards[32];	/* bit per board index seen */

	/* the layout (chartlay.c) */
	uint32_t *vis;		/* nodes shown, in tree order */
	uint32_t nvis;
	struct chart_row *rows;
	uint32_t nrows;
	uint32_t procs, fails, open;	/* drawn; failed; without exit */
	uint32_t all_fails;	/* failed among all instances */
	uint32_t fails_listed;	/* lines of the list of failed ones */
	unsigned long long lo, hi;	/* the time the axis spans */
	unsigned long long step;	/* between ticks, us */
	unsigned pid_w;		/* characters of the PID column */
	unsigned label_w;	/* characters of the labels' column */
	unsigned width, height;	/* px */
	unsigned head;		/* px above the rows */
	unsigned notes;		/* lines of notes below the rows */
};

/* chartlay.c: the layout of c, in memory of mem.h; -1 (ENOMEM) */
int chart_layout(struct chart *c);
void chart_layout_free(struct chart *c);
/* the argv of node d as the label shows it (fmt_argv, basename),
 * after "[BOARD] " in a collector's capture; its whole length, cap
 * bytes of it written */
size_t chart_label(const struct chart *c, const struct chart_node *d,
		   char *buf, size_t cap, int base);
int chart_failed(const struct chart_node *d);

/* chartsvg.c: writes the chart through out.h */
void chart_draw(const struct chart *c);

/* the geometry the layout and the drawing share, in px */
enum {
	CH_MARGIN = 12, CH_ROW = 18, CH_BAR = 12, CH_INDENT = 2,
	CH_INDENT_MAX = 16, CH_FONT = 11, CH_CHAR_W10 = 66,
	CH_PLOT = 1000,		/* the time axis */
	CH_RIGHT = 150,		/* after the plot: "SIGSEGV (core dumped)" */
	CH_LINE = 16,		/* a line of the header */
	CH_AXIS_EVERY = 50,	/* rows between the axis' labels again */
	CH_MIN_BAR = 4,		/* the narrowest bar */
	CH_LABEL_MIN = 24, CH_LABEL_MAX = 60,	/* label column, in chars */
};

/* Row k's top, every CH_AXIS_EVERY rows a row of axis labels first */
static inline unsigned long long chart_row_top(const struct chart *c,
					       unsigned k)
{
	return c->head + ((unsigned long long)k + k / CH_AXIS_EVERY) * CH_ROW;
}

static inline unsigned long long chart_rows_height(const struct chart *c)
{
	return c->nrows ? chart_row_top(c, c->nrows - 1) + CH_ROW - c->head : 0;
}

/* The plot's left edge, in px */
static inline unsigned chart_plot_x(const struct chart *c)
{
	return CH_MARGIN + (c->pid_w + 1 + c->label_w) * CH_CHAR_W10 / 10 + 8;
}

#endif
