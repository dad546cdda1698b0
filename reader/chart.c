/* chart.c - stdiocap --chart: a capture as an SVG timeline.
 * SPDX-License-Identifier: MIT
 *
 * README "A picture of a run": one self-contained SVG 1.1 file (no
 * script, font, image or stylesheet from outside), one row per process
 * instance in tree order (children under their parent, from the
 * capture's lineage, doc/capture-format.md; in start order within a
 * parent, and in start order alone where the capture has no lineage),
 * one bar from the first record to the exit record, coloured by the
 * outcome, with marks where output happened and a <title> tooltip.
 *
 * A command of the reader's driver (read.h): it sees the instances
 * through the hooks and keeps a small node per instance, since the
 * picture is drawn at the end; who ran whom comes from ptree.c, as for
 * --tree. Memory is fixed: CHART_MAX nodes and a pool of argv bytes in
 * one mapping made when --chart starts (the wrapper, which shares the
 * binary, commits none of it).
 * Past CHART_MAX instances the later ones are counted, not drawn; the
 * SVG and one line on stderr say so. Time is linear in the file: one
 * pass, a hashed pid index, one walk of the tree. */
#include <string.h>
#include <sys/mman.h>

#include "ptree.h"
#include "read.h"
#include "svg.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define CHART_MAX_STR STR(CONFIG_READER_CHART_MAX)

enum {
	CHART_MAX = CONFIG_READER_CHART_MAX,
	ARGV_KEEP = INST_HEAD,		/* argv bytes kept per node */
	POOL_SIZE = CHART_MAX * 64,
	MARKS = 8,			/* output intervals per node */

	/* the picture, in px */
	WIDTH = 1400, MARGIN = 12, GUTTER = 380, PLOT = WIDTH - GUTTER - 2 * MARGIN,
	ROW = 18, BAR = 12, MARK_H = 5, INDENT = 10, INDENT_MAX = 16,
	FONT = 11, CHAR_W10 = 66,	/* monospace 11 px: 0.6 em, in 0.1 px */
	HEAD = 104,			/* title, summary, legend, axis labels */
	AXIS_EVERY = 50,		/* rows between the axis' labels again */
};

enum {
	F_EXEC = 1,	/* its execve record was seen */
	F_EXITED = 2,	/* its exit record was read */
	F_CUT = 8,	/* argv longer than what was kept */
	F_MATCH = 16,	/* passes --pid and --name */
};

struct node {
	unsigned long long start, last;	/* us since the first record */
	unsigned long long bytes[3];
	uint32_t pid, ppid, status;
	int32_t parent, child, next;	/* nodes; -1: none */
	uint32_t argv;			/* offset in the pool */
	uint16_t alen;
	uint8_t flags, nmark, shift;
	uint32_t mark[MARKS][2];	/* (us since start) >> shift */
};

static struct {
	unsigned char *map_base;	/* the mapping: nodes, pool */
	struct node *in;
	struct ptree t;		/* node k + 1 of t is in[k] */
	unsigned char *pool;
	uint32_t n, pool_len, dropped;
	const struct read_opts *o;
	unsigned long long end, cut_at;	/* the last record; the first drop */
	unsigned long long lo, hi;	/* the time the axis spans: all of
					 * it, or what --pid/--name show */
	int lineage;		/* a node has a parent in the table */
	int filter;		/* --pid or --name given */
} ch;

static const size_t map_len = CHART_MAX * sizeof(struct node) + POOL_SIZE;

/* ---- the nodes */

/* Microseconds since the capture's first record (0 if the clock went
 * back). */
static unsigned long long since(uint32_t sec, uint32_t usec)
{
	long long d = ((long long)sec - ch.o->base_sec) * 1000000 +
		      usec - (long long)ch.o->base_usec;

	return d < 0 ? 0 : (unsigned long long)d;
}

static void seen(unsigned long long t)
{
	if (t > ch.end)
		ch.end = t;
}

static struct node *node_of(const struct inst *p)
{
	return p->ref ? &ch.in[p->ref - 1] : NULL;
}

/* Output at t: a node keeps MARKS intervals; one more merges the two
 * closest (or extends the last), so the longest silences stay. */
static void mark(struct node *d, unsigned long long t)
{
	unsigned long long v;
	unsigned i, k, best;
	uint32_t gap;

	t -= t > d->start ? d->start : t;
	while ((v = t >> d->shift) > 0xffffffffu) {
		d->shift++;
		for (i = 0; i < d->nmark; i++) {
			d->mark[i][0] >>= 1;
			d->mark[i][1] >>= 1;
		}
	}
	if (d->nmark && v <= d->mark[d->nmark - 1][1])
		return;
	if (d->nmark == MARKS) {
		best = MARKS - 1;	/* the gap before v */
		gap = v - d->mark[MARKS - 1][1];
		for (k = 0; k + 1 < MARKS; k++)
			if (d->mark[k + 1][0] - d->mark[k][1] < gap) {
				gap = d->mark[k + 1][0] - d->mark[k][1];
				best = k;
			}
		if (best == MARKS - 1) {
			d->mark[MARKS - 1][1] = v;
			return;
		}
		d->mark[best][1] = d->mark[best + 1][1];
		memmove(d->mark[best + 1], d->mark[best + 2],
			(MARKS - best - 2) * sizeof d->mark[0]);
		d->nmark--;
	}
	d->mark[d->nmark][0] = d->mark[d->nmark][1] = v;
	d->nmark++;
}

/* ---- the hooks */

static void chart_begin(const struct read_opts *o)
{
	if (ch.map_base)
		munmap(ch.map_base, map_len);
	ptree_free(&ch.t);
	memset(&ch, 0, sizeof ch);
	ch.o = o;
	ch.filter = !!(o->set & (OPT_PID | OPT_NAME));
	/* one mapping, touched only as far as it is used */
	ch.map_base = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ch.map_base == MAP_FAILED) {
		ch.map_base = NULL;
		return;
	}
	ch.in = (struct node *)ch.map_base;
	ch.pool = (unsigned char *)(ch.in + CHART_MAX);
}

static int chart_start(const struct read_opts *o, struct inst *p)
{
	struct node *d;
	size_t end = inst_argv_len(p), n;
	uint32_t k;

	(void)o;
	if (!ch.map_base)
		return 0;
	if (ch.n == CHART_MAX || !(k = ptree_add(&ch.t, p->pid, p->ppid))) {
		if (!ch.dropped++)
			ch.cut_at = since(p->sec, p->usec);
		return 0;
	}
	d = &ch.in[ch.n];
	memset(d, 0, sizeof *d);
	d->start = d->last = since(p->sec, p->usec);
	seen(d->start);
	d->pid = p->pid;
	d->ppid = p->ppid;
	d->parent = d->child = d->next = -1;
	d->flags = p->match ? F_MATCH : 0;
	if (ch.t.node[k].parent) {
		d->parent = ch.t.node[k].parent - 1;
		ch.lineage = 1;
	}
	if (p->split.len) {
		/* argv, each item with its NUL, as far as the head holds it */
		d->flags |= F_EXEC;
		n = end ? end - 1 : p->hlen;
		if (!end || n > p->hlen) {
			d->flags |= F_CUT;
			n = p->hlen;
		}
		if (n > POOL_SIZE - ch.pool_len) {
			d->flags |= F_CUT;
			n = POOL_SIZE - ch.pool_len;
		}
		memcpy(ch.pool + ch.pool_len, p->head, n);
		d->argv = ch.pool_len;
		d->alen = n;
		ch.pool_len += n;
	}
	p->ref = ++ch.n;
	return 0;
}

static int chart_io(const struct read_opts *o, struct inst *p,
		    const struct capread_record *r)
{
	struct node *d = node_of(p);
	unsigned long long t = since(r->sec, r->usec);

	(void)o;
	seen(t);
	if (!d)
		return 0;
	d->last = t;
	d->bytes[r->event] += r->len;
	if (r->event != EVENT_STDIN)
		mark(d, t);
	return 0;
}

/* An instance ends without exit record: replaced by a new one of its
 * pid, or unfinished at the end of the file. */
static void chart_gone(const struct read_opts *o, struct inst *p)
{
	struct node *d = node_of(p);

	(void)o;
	if (!d)
		return;
	ptree_end(&ch.t, p->ref);
	d->last = since(p->end_sec, p->end_usec);
	seen(d->last);
}

static int chart_exit(const struct read_opts *o, struct inst *p)
{
	struct node *d = node_of(p);

	chart_gone(o, p);
	if (d) {
		d->flags |= F_EXITED;
		d->status = p->status;
	}
	return 0;
}

/* ---- the picture: coordinates in 0.1 px */

static void num10(unsigned long long v)
{
	out_u(v / 10);
	if (v % 10) {
		out_ch('.');
		out_ch('0' + v % 10);
	}
}

static void attr(const char *name, unsigned long long v10)
{
	out_ch(' ');
	out_str(name);
	out_str("=\"");
	num10(v10);
	out_ch('"');
}

/* <rect class="CLS" x y width height/> */
static void rect(const char *cls, unsigned long long x, unsigned long long y,
		 unsigned long long w, unsigned long long h)
{
	out_str("<rect class=\"");
	out_str(cls);
	out_ch('"');
	attr("x", x);
	attr("y", y);
	attr("width", w);
	attr("height", h);
	out_str("/>");
}

/* Opens <text x y [class]>; the caller writes the text and closes it. */
static void text(unsigned long long x, unsigned long long y, const char *cls)
{
	out_str("<text");
	attr("x", x);
	attr("y", y);
	if (cls) {
		out_str(" class=\"");
		out_str(cls);
		out_ch('"');
	}
	out_ch('>');
}

static unsigned long long x_of(unsigned long long t)
{
	unsigned long long span = ch.hi > ch.lo ? ch.hi - ch.lo : 1;

	t = t < ch.lo ? 0 : t - ch.lo;
	if (t > span)
		t = span;
	/* t * PLOT * 10 must not overflow: a board without a clock that
	 * starts in 1970 and is set to today spans 56 years */
	while (span >> 50) {
		span >>= 10;
		t >>= 10;
	}
	return (MARGIN + GUTTER) * 10ull + t * (PLOT * 10ull) / span;
}

/* A tick at t: "0.250 ms", "40 ms", "3 s", with as many decimals as
 * the step needs. */
static void tick_label(unsigned long long t, unsigned long long step)
{
	char b[10];

	if (step < 1000) {
		int d = step < 10 ? 3 : step < 100 ? 2 : 1;

		out_u(t / 1000);
		out_ch('.');
		out_mem(b, fmt_u0(b, t % 1000 / (d == 3 ? 1 : d == 2 ? 10 : 100), d));
		out_str(" ms");
	} else if (step < 1000000) {
		out_u(t / 1000);
		out_str(" ms");
	} else {
		out_u(t / 1000000);
		out_str(" s");
	}
}

/* Row k's top, in px: every AXIS_EVERY rows a row of axis labels
 * comes first, so a tall chart can be read anywhere. */
static unsigned long long row_top(unsigned k)
{
	return HEAD + ((unsigned long long)k + k / AXIS_EVERY) * ROW;
}

/* The height of n rows and their axis rows, in px. */
static unsigned long long rows_height(unsigned n)
{
	return n ? row_top(n - 1) + ROW - HEAD : 0;
}

/* The tick labels of step at y (px). Ticks are times since the
 * capture's first record, as in the tooltips. */
static void tick_row(unsigned long long y, unsigned long long step)
{
	unsigned long long t;

	for (t = (ch.lo + step - 1) / step * step; t <= ch.hi; t += step) {
		text(x_of(t), y * 10, "tick");
		tick_label(t, step);
		out_str("</text>");
	}
}

/* The time axis: a grid line per tick down to the rows' bottom, the
 * labels above the rows, below them and every AXIS_EVERY rows. 1, 2 or
 * 5 times a power of ten, at most 9 ticks: labels 110 px apart at
 * least, never touching. */
static void axis(unsigned n)
{
	unsigned long long raw = (ch.hi - ch.lo) / 8, step, t;
	unsigned long long bottom = HEAD + rows_height(n) + 2;
	unsigned j;

	for (step = 1; step < raw; step *= 10) {
		if (2 * step >= raw) {
			step *= 2;
			break;
		}
		if (5 * step >= raw) {
			step *= 5;
			break;
		}
	}
	for (t = (ch.lo + step - 1) / step * step; t <= ch.hi; t += step) {
		out_str("<line class=\"grid\"");
		attr("x1", x_of(t));
		attr("x2", x_of(t));
		attr("y1", (HEAD - 4) * 10);
		attr("y2", bottom * 10);
		out_str("/>");
	}
	tick_row(HEAD - 8, step);
	tick_row(bottom + 13, step);
	/* the axis rows: white, so no grid line crosses their labels */
	for (j = AXIS_EVERY; j < n; j += AXIS_EVERY) {
		out_str("<rect fill=\"#ffffff\"");
		attr("x", MARGIN * 10);
		attr("y", (row_top(j) - ROW) * 10);
		attr("width", (WIDTH - 2 * MARGIN) * 10);
		attr("height", ROW * 10);
		out_str("/>");
		tick_row(row_top(j) - ROW + 13, step);
	}
}

/* t us after the capture's first record, as a UTC date */
static void date_at(unsigned long long t)
{
	char b[FMT_DATE];

	t += ch.o->base_usec;
	out_mem(b, fmt_date(b, ch.o->base_sec + t / 1000000, t % 1000000));
}

static void secs(unsigned long long us)
{
	char b[FMT_SECS];

	out_mem(b, fmt_secs(b, us));
}

static const char *outcome(const struct node *p)
{
	if (!(p->flags & F_EXITED))
		return "bar open";
	if (p->status & 0x7f)
		return "bar sig";
	return p->status >> 8 & 0xff ? "bar fail" : "bar ok";
}

/* The tree, walked in row order: first child, else the next sibling
 * of the nearest ancestor that has one. */
static int32_t walk_next(int32_t i, unsigned *depth)
{
	if (ch.in[i].child >= 0) {
		++*depth;
		return ch.in[i].child;
	}
	for (; i >= 0; i = ch.in[i].parent) {
		if (ch.in[i].next >= 0)
			return ch.in[i].next;
		--*depth;
	}
	return -1;
}

/* Walks the rows; draws them when draw, else only counts them. With
 * --pid/--name, a row is a match or below one. */
static unsigned rows(int32_t root, int draw);

static void row(const struct node *p, unsigned k, unsigned depth)
{
	char buf[ARGV_KEEP * 4 + 8];
	unsigned long long y = row_top(k) * 10;
	unsigned long long x0 = x_of(p->start), x1, m0, m1;
	unsigned indent = (depth < INDENT_MAX ? depth : INDENT_MAX) * INDENT;
	size_t n, len, fit;
	unsigned i;
	int exited = p->flags & F_EXITED;

	/* the tooltip: full argv, pid, parent, times, status, bytes */
	out_str("<g><title>");
	if (p->flags & F_EXEC) {
		n = fmt_argv(buf, sizeof buf, 0, ch.pool + p->argv, p->alen,
				  p->flags & F_CUT, 0);
		svg_text(buf, n < sizeof buf ? n : sizeof buf);
	} else {
		out_str("(no execve record)");
	}
	out_str("\npid ");
	out_u(p->pid);
	out_str(", parent ");
	out_u(p->ppid);
	out_str("\nstart +");
	secs(p->start);
	out_str(" s (");
	date_at(p->start);
	out_str(" UTC)\n");
	if (exited) {
		out_str("duration ");
		secs(p->last - p->start);
		out_str(" s\n");
		out_mem(buf, fmt_status(buf, p->status));
	} else {
		out_str("no exit record (running, or its wrapper was killed);"
			" last record at +");
		secs(p->last);
		out_str(" s");
	}
	out_str("\nstdin ");
	out_u(p->bytes[0]);
	out_str(" B, stdout ");
	out_u(p->bytes[1]);
	out_str(" B, stderr ");
	out_u(p->bytes[2]);
	out_str(" B</title>");

	/* the label: argv[0]'s basename and the arguments, cut to fit */
	fit = (GUTTER - 8 - indent) * 10 / CHAR_W10;
	if (p->flags & F_EXEC)
		n = fmt_argv(buf, sizeof buf, 0, ch.pool + p->argv, p->alen,
				  p->flags & F_CUT, 1);
	else
		n = 0;
	if (!n) {
		memcpy(buf, "pid ", 4);
		n = 4 + fmt_u(buf + 4, p->pid);
	}
	len = n;
	if (n > fit)
		n = fit;
	/* monospace, and its width given: no font can make it overlap */
	out_str("<text lengthAdjust=\"spacingAndGlyphs\"");
	attr("textLength", n * CHAR_W10);
	attr("x", (MARGIN + indent) * 10ull);
	attr("y", y + 130);
	out_ch('>');
	if (n < len) {
		svg_text(buf, n - 1);
		out_str("\xe2\x80\xa6");	/* U+2026: one column */
	} else {
		svg_text(buf, n);
	}
	out_str("</text>");

	/* the bar, to the exit record or (no exit record) the end */
	x1 = x_of(exited ? p->last : ch.end);
	rect(outcome(p), x0, y + 30, x1 - x0 > 30 ? x1 - x0 : 30, BAR * 10);
	for (i = 0; i < p->nmark; i++) {
		m0 = x_of(p->start + ((unsigned long long)p->mark[i][0] << p->shift));
		m1 = x_of(p->start + ((unsigned long long)p->mark[i][1] << p->shift));
		rect("io", m0, y + 30 + (BAR - MARK_H) * 10,
		     m1 - m0 > 20 ? m1 - m0 : 20, MARK_H * 10);
	}
	out_str("</g>\n");
}

static unsigned rows(int32_t root, int draw)
{
	unsigned k = 0, depth = 0, top = 0;
	int shown = !ch.filter;
	int32_t i;

	for (i = root; i >= 0; i = walk_next(i, &depth)) {
		if (shown && depth <= top && ch.filter)
			shown = 0;	/* left the matched subtree */
		if (!shown && ch.in[i].flags & F_MATCH) {
			shown = 1;
			top = depth;
		}
		if (!shown)
			continue;
		if (draw) {
			row(&ch.in[i], k, depth - top);
		} else if (ch.filter) {	/* the time the rows shown span */
			const struct node *d = &ch.in[i];
			unsigned long long e = d->flags & F_EXITED ? d->last : ch.end;

			if (d->start < ch.lo)
				ch.lo = d->start;
			if (e > ch.hi)
				ch.hi = e;
		}
		k++;
	}
	return k;
}

static void legend(unsigned x, const char *cls, const char *what)
{
	rect(cls, x * 10ull, 520, 140, 100);
	text((x + 18) * 10ull, 610, NULL);
	out_str(what);
	out_str("</text>");
}

/* A red note line below the chart. */
static void note(unsigned *y)
{
	*y += 18;
	text(MARGIN * 10ull, *y * 10ull, "note");
}

static int chart_end(const struct read_opts *o)
{
	const char *file = o->file;
	char b[FMT_ULL + 1];
	unsigned n, y, height, notes = !!o->broken + !!ch.dropped + !!o->gaps;
	int32_t i, root = -1;

	if (!ch.map_base) {
		msg(file, ": --chart: out of memory");
		return 1;
	}

	/* children in start order: built backwards, each put first */
	for (i = ch.n; i--;) {
		int32_t par = ch.in[i].parent;

		if (par >= 0) {
			ch.in[i].next = ch.in[par].child;
			ch.in[par].child = i;
		} else {
			ch.in[i].next = root;
			root = i;
		}
	}
	ch.lo = ch.filter ? ch.end : 0;
	ch.hi = ch.filter ? 0 : ch.end;
	n = rows(root, 0);
	if (!n) {
		ch.lo = 0;
		ch.hi = ch.end;
	}
	height = HEAD + rows_height(n) + 20 + (notes + !n) * 18 + MARGIN;
	out_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
	attr("width", WIDTH * 10);
	attr("height", height * 10ull);
	out_str(" font-family=\"DejaVu Sans Mono,Liberation Mono,monospace\"");
	attr("font-size", FONT * 10);
	out_str(">\n<title>stdiocap --chart ");
	svg_esc((const unsigned char *)file, strlen(file));
	out_str("</title>\n<style type=\"text/css\">"
		".bar{stroke:#333;stroke-width:0.5}.ok{fill:#5cb85c}"
		".fail{fill:#e8412c}.sig{fill:#9b4dca}"
		".open{fill:#c8c8c8;stroke-dasharray:3,2}.io{fill:#1a1a1a}"
		".grid{stroke:#d8d8d8}.tick{text-anchor:middle;fill:#555}"
		".note{fill:#c00000}.cut{stroke:#c00000;stroke-width:2;"
		"stroke-dasharray:6,3}.head{font-size:15px;font-weight:bold}"
		"</style>\n<defs><pattern id=\"rows\" patternUnits=\"userSpaceOnUse\"");
	attr("y", HEAD * 10);
	attr("width", 100);
	attr("height", ROW * 20);
	out_str("><rect width=\"10\" fill=\"#f2f2f2\"");
	attr("height", ROW * 10);
	out_str("/></pattern></defs>\n<rect width=\"100%\" height=\"100%\""
		" fill=\"#ffffff\"/>\n<rect fill=\"url(#rows)\"");
	attr("x", MARGIN * 10);
	attr("y", HEAD * 10);
	attr("width", (WIDTH - 2 * MARGIN) * 10);
	attr("height", rows_height(n) * 10);
	out_str("/>\n");

	/* title, summary, legend */
	text(MARGIN * 10, 220, "head");
	out_str("stdiocap --chart ");
	svg_esc((const unsigned char *)file,
		strlen(file) < 100 ? strlen(file) : 100);
	out_str("</text>\n");
	text(MARGIN * 10, 420, NULL);
	if (ch.n || o->number) {
		out_str("start ");
		date_at(0);
		out_str(" UTC, ");
		secs(ch.end);
		out_str(" s, ");
	}
	out_u(ch.n);
	out_str(ch.n == 1 ? " process" : " processes");
	if (ch.filter && n) {
		out_str(", ");
		out_u(n);
		out_str(" shown, from +");
		secs(ch.lo);
		out_str(" s to +");
		secs(ch.hi);
		out_str(" s");
	}
	out_str(ch.lineage ? ", children under their parent" :
		", in start order (no lineage in the capture)");
	out_str("</text>\n");
	legend(MARGIN, "bar ok", "exit 0");
	legend(MARGIN + 150, "bar fail", "non-zero exit");
	legend(MARGIN + 300, "bar sig", "killed by a signal");
	legend(MARGIN + 470, "bar open", "no exit record");
	legend(MARGIN + 630, "io", "output (stdout, stderr)");
	axis(n);
	out_ch('\n');

	rows(root, 1);

	y = HEAD + rows_height(n) + 16;
	if (!n) {
		note(&y);
		out_str(ch.n ? "no process matches" : "no process in the capture");
		out_str("</text>\n");
	}
	if (ch.dropped && ch.cut_at >= ch.lo && ch.cut_at <= ch.hi) {
		out_str("<line class=\"cut\"");
		attr("x1", x_of(ch.cut_at));
		attr("x2", x_of(ch.cut_at));
		attr("y1", (HEAD - 4) * 10);
		attr("y2", (HEAD + rows_height(n) + 2) * 10);
		out_str("/>\n");
	}
	if (ch.dropped) {
		note(&y);
		out_str("table full (");
		out_u(CHART_MAX);
		out_str(" processes): ");
		out_u(ch.dropped);
		out_str(" more from +");
		secs(ch.cut_at);
		out_str(" s on (the red dashed line) are not drawn</text>\n");
	}
	if (o->gaps) {
		note(&y);
		out_str("damaged capture: ");
		out_u(o->gaps);
		out_str(o->gaps == 1 ? " gap of " : " gaps, ");
		out_u(o->gap_bytes);
		out_str(" bytes in all, skipped (stdiocap said where on stderr)</text>\n");
	}
	if (o->broken) {
		note(&y);
		out_str("damaged capture: drawn up to record ");
		out_u(o->number);
		out_str(", the damage is at offset ");
		out_u(o->offset);
		out_str(" (stdiocap said what on stderr)</text>\n");
	}
	out_str("</svg>\n");
	munmap(ch.map_base, map_len);
	ch.map_base = NULL;
	ptree_free(&ch.t);
	if (!ch.dropped)
		return 0;
	b[fmt_u(b, ch.dropped)] = 0;
	msg(file, ": --chart: table full (" CHART_MAX_STR " processes): ", b,
	    " more not drawn");
	return 1;
}

static const char *chart_check(struct read_opts *o, char **arg)
{
	(void)o;
	(void)arg;
	return ENABLE_READER_CHART ? NULL :
	       "not built in (CONFIG_READER_CHART)";
}

/* Without CONFIG_READER_CHART only the refusal is linked. */
#define IF_CHART(f) (ENABLE_READER_CHART ? (f) : NULL)
const struct read_cmd read_chart = {
	.opts = OPT_PID | OPT_NAME | OPT_BOARD,
	.check = chart_check,
	.begin = IF_CHART(chart_begin),
	.start = IF_CHART(chart_start),
	.io = IF_CHART(chart_io),
	.exit = IF_CHART(chart_exit),
	.gone = IF_CHART(chart_gone),
	.end = IF_CHART(chart_end),
};
