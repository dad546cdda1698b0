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
 * Memory is fixed: a table of CHART_MAX instances, a pid index and a
 * pool of argv bytes, mapped when --chart starts (so the wrapper, which
 * shares the binary, commits none of it). Past CHART_MAX instances the
 * later ones are counted, not drawn, and the SVG and one line on stderr
 * say so. One pass over the file (the instances are kept, the records
 * are not) and one walk of the tree: time linear in the file.
 * The record loop is the reader's (read.c); this file has its hooks. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "applets.h"
#include "stdiocap.h"

enum {
	CHART_MAX = CONFIG_READER_CHART_MAX,
	MAP_SIZE = 2 * CHART_MAX,	/* open addressing: pid -> instance */
	ARGV_KEEP = 512,		/* argv bytes kept per instance */
	POOL_SIZE = CHART_MAX * 64,
	MARKS = 8,			/* output intervals per instance */
	DROPPED = -2, DROPPED_EXITED = -3,	/* map values, not drawn */

	/* the picture, in px */
	WIDTH = 1400, MARGIN = 12, GUTTER = 380, PLOT = WIDTH - GUTTER - 2 * MARGIN,
	ROW = 18, BAR = 12, MARK_H = 5, INDENT = 10, INDENT_MAX = 16,
	FONT = 11, CHAR_W10 = 66,	/* monospace 11 px: 0.6 em, in 0.1 px */
	HEAD = 104,			/* title, summary, legend, axis labels */
};

enum {
	F_EXEC = 1,	/* its execve record was seen */
	F_DONE = 2,	/* ... and held the whole blob */
	F_IO = 4,	/* a stdin/stdout/stderr record was seen */
	F_EXITED = 8,
	F_CUT = 16,	/* argv longer than what was kept */
	F_SHOWN = 32,	/* --pid/--name: matched (set while drawing) */
};

struct inst {
	unsigned long long start, last;	/* us since the first record */
	unsigned long long bytes[3];
	uint32_t pid, ppid, status;
	int32_t parent, child, next;	/* instances; -1: none */
	uint32_t argv;			/* offset in the pool */
	uint16_t alen;
	uint8_t flags, nmark, shift, has_ppid;
	uint32_t mark[MARKS][2];	/* (us since start) >> shift */
};

static struct {
	struct inst *in;
	int32_t *map;		/* instance, DROPPED...; -1: empty slot */
	uint32_t *key;		/* its pid */
	unsigned char *pool;
	uint32_t n, pool_len, mapped, dropped;
	int have_base;
	uint32_t base_sec, base_usec;
	unsigned long long end, cut_at;	/* the last record; the first drop */
	int lineage;		/* an instance has a parent in the table */
	struct {
		int has_pid;
		uint32_t pid;
		const char *name;
	} filter;
} ch;

/* ---- the instance table */

static uint32_t map_slot(uint32_t pid)
{
	uint32_t h = pid * 2654435761u % MAP_SIZE;

	while (ch.map[h] != -1 && ch.key[h] != pid)
		h = (h + 1) % MAP_SIZE;
	return h;
}

static void map_set(uint32_t h, uint32_t pid, int32_t v)
{
	if (ch.map[h] == -1) {
		/* dropped pids only while a quarter stays free, so a probe
		 * always ends; the instances (<= CHART_MAX) always fit */
		if (v < 0 && ch.mapped >= MAP_SIZE / 4 * 3)
			return;
		ch.mapped++;
		ch.key[h] = pid;
	}
	ch.map[h] = v;
}

/* Microseconds since the capture's first record (0 if the clock went
 * back). */
static unsigned long long since(const struct capread_record *r)
{
	long long d = ((long long)r->sec - ch.base_sec) * 1000000 +
		      r->usec - (long long)ch.base_usec;

	return d < 0 ? 0 : (unsigned long long)d;
}

static void keep_argv(struct inst *p, const struct capread_record *r)
{
	struct frame_split sp;
	size_t end, n;

	/* the first payload holds 8192 bytes of the blob, or all of it:
	 * more than ARGV_KEEP in either case */
	frame_split_init(&sp);
	frame_split_feed(&sp, r->data, r->len);
	end = frame_split_argv_len(&sp);
	p->flags |= F_EXEC | (frame_split_done(&sp) ? F_DONE : 0);
	n = end ? end - 1 : r->len;	/* each item with its NUL */
	if (!end || n > ARGV_KEEP) {
		p->flags |= F_CUT;
		if (n > ARGV_KEEP)
			n = ARGV_KEEP;
	}
	if (n > POOL_SIZE - ch.pool_len) {
		p->flags |= F_CUT;
		n = POOL_SIZE - ch.pool_len;
	}
	memcpy(ch.pool + ch.pool_len, r->data, n);
	p->argv = ch.pool_len;
	p->alen = n;
	ch.pool_len += n;
}

/* Output at t: the instance keeps MARKS intervals; one more merges the
 * two closest (or extends the last), so the longest silences stay. */
static void mark(struct inst *p, unsigned long long t)
{
	unsigned long long v;
	unsigned i, k, best;
	uint32_t gap;

	t -= t > p->start ? p->start : t;
	while ((v = t >> p->shift) > 0xffffffffu) {
		p->shift++;
		for (i = 0; i < p->nmark; i++) {
			p->mark[i][0] >>= 1;
			p->mark[i][1] >>= 1;
		}
	}
	if (p->nmark && v <= p->mark[p->nmark - 1][1])
		return;
	if (p->nmark == MARKS) {
		best = MARKS - 1;	/* the gap before v */
		gap = v - p->mark[MARKS - 1][1];
		for (k = 0; k + 1 < MARKS; k++)
			if (p->mark[k + 1][0] - p->mark[k][1] < gap) {
				gap = p->mark[k + 1][0] - p->mark[k][1];
				best = k;
			}
		if (best == MARKS - 1) {
			p->mark[MARKS - 1][1] = v;
			return;
		}
		p->mark[best][1] = p->mark[best + 1][1];
		memmove(p->mark[best + 1], p->mark[best + 2],
			(MARKS - best - 2) * sizeof p->mark[0]);
		p->nmark--;
	}
	p->mark[p->nmark][0] = p->mark[p->nmark][1] = v;
	p->nmark++;
}

int chart_begin(int has_pid, uint32_t pid, const char *name)
{
	size_t in = CHART_MAX * sizeof *ch.in, map = MAP_SIZE * sizeof *ch.map;
	unsigned char *m;

	memset(&ch, 0, sizeof ch);
	ch.filter.has_pid = has_pid;
	ch.filter.pid = pid;
	ch.filter.name = name;
	/* one mapping, touched only as far as it is used */
	m = mmap(NULL, in + 2 * map + POOL_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	ch.in = (struct inst *)m;
	ch.map = (int32_t *)(m + in);
	ch.key = (uint32_t *)(m + in + map);
	ch.pool = m + in + 2 * map;
	memset(ch.map, 0xff, map);	/* -1: empty */
	return 0;
}

void chart_record(const struct capread_record *r, int has_ppid, uint32_t ppid)
{
	unsigned long long t;
	struct inst *p = NULL;
	uint32_t h;
	int32_t i;

	if (!ch.have_base) {
		ch.have_base = 1;
		ch.base_sec = r->sec;
		ch.base_usec = r->usec;
	}
	t = since(r);
	if (t > ch.end)
		ch.end = t;
	h = map_slot(r->pid);
	i = ch.map[h];
	if (i == DROPPED) {
		if (r->event == EVENT_EXIT)
			ch.map[h] = DROPPED_EXITED;
		return;
	}
	if (i >= 0) {
		p = &ch.in[i];
		/* a reused pid (doc/capture-format.md: the execve records
		 * come first, the exit record last) */
		if (p->flags & F_EXITED || (r->event == EVENT_EXECVE &&
					    p->flags & (F_IO | F_DONE)))
			p = NULL;
	}
	if (!p) {
		if (ch.n == CHART_MAX) {
			if (i != -1 || ch.mapped < MAP_SIZE / 4 * 3 ||
			    r->event == EVENT_EXECVE)
				if (!ch.dropped++)
					ch.cut_at = t;
			map_set(h, r->pid, r->event == EVENT_EXIT ?
				DROPPED_EXITED : DROPPED);
			return;
		}
		p = &ch.in[ch.n];
		memset(p, 0, sizeof *p);
		p->start = t;
		p->pid = r->pid;
		p->parent = p->child = p->next = -1;
		if (has_ppid) {
			p->has_ppid = 1;
			p->ppid = ppid;
			i = ppid != r->pid ? ch.map[map_slot(ppid)] : -1;
			if (i >= 0) {
				p->parent = i;
				ch.lineage = 1;
			}
		}
		map_set(h, r->pid, ch.n++);
	}
	p->last = t;
	switch (r->event) {
	case EVENT_EXECVE:
		if (!(p->flags & F_EXEC))
			keep_argv(p, r);
		break;
	case EVENT_EXIT:
		p->flags |= F_EXITED;
		p->status = (uint32_t)r->data[0] << 24 | r->data[1] << 16 |
			    r->data[2] << 8 | r->data[3];
		break;
	default:
		p->flags |= F_IO;
		p->bytes[r->event] += r->len;
		if (r->event != EVENT_STDIN)
			mark(p, t);
	}
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
	unsigned long long span = ch.end ? ch.end : 1;

	return (MARGIN + GUTTER) * 10ull +
	       (t < span ? t : span) * (PLOT * 10ull) / span;
}

/* A tick at t: "0.250 ms", "40 ms", "3 s", with as many decimals as
 * the step needs. */
static void tick_label(unsigned long long t, unsigned long long step)
{
	if (step < 1000) {
		int d = step < 10 ? 3 : step < 100 ? 2 : 1;

		out_u(t / 1000);
		out_ch('.');
		out_u0(t % 1000 / (d == 3 ? 1 : d == 2 ? 10 : 100), d);
		out_str(" ms");
	} else if (step < 1000000) {
		out_u(t / 1000);
		out_str(" ms");
	} else {
		out_u(t / 1000000);
		out_str(" s");
	}
}

/* The time axis: a grid line per tick down to y `bottom` (px), the
 * labels above the rows and below them. 1, 2 or 5 times a power of
 * ten, at most 9 ticks: labels 110 px apart at least, never touching. */
static void axis(unsigned bottom)
{
	unsigned long long raw = ch.end / 8, step, t;

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
	for (t = 0; t <= ch.end; t += step) {
		out_str("<line class=\"grid\"");
		attr("x1", x_of(t));
		attr("x2", x_of(t));
		attr("y1", (HEAD - 4) * 10);
		attr("y2", bottom * 10);
		out_str("/>");
		text(x_of(t), (HEAD - 8) * 10, "tick");
		tick_label(t, step);
		out_str("</text>");
		text(x_of(t), (bottom + 13) * 10, "tick");
		tick_label(t, step);
		out_str("</text>");
		if (!ch.end)
			break;
	}
}

/* t us after the capture's first record, as a UTC date */
static void date_at(unsigned long long t)
{
	t += ch.base_usec;
	out_date(ch.base_sec + t / 1000000, t % 1000000);
}

static const char *outcome(const struct inst *p)
{
	if (!(p->flags & F_EXITED))
		return "bar open";
	if (p->status & 0x7f)
		return "bar sig";
	return p->status >> 8 & 0xff ? "bar fail" : "bar ok";
}

/* --name: argv[0], or its basename without a login '-' */
static int name_matches(const struct inst *p)
{
	const unsigned char *a = ch.pool + p->argv, *z, *b;
	size_t n = p->alen, l = strlen(ch.filter.name);

	if (!(p->flags & F_EXEC))
		return 0;
	z = memchr(a, 0, n);
	n = z ? (size_t)(z - a) : n;
	if (n == l && !memcmp(a, ch.filter.name, l))
		return 1;
	for (b = a + n; b > a && b[-1] != '/'; b--)
		;
	if (b < a + n && *b == '-')
		b++;
	return (size_t)(a + n - b) == l && !memcmp(b, ch.filter.name, l);
}

static int matches(const struct inst *p)
{
	return (!ch.filter.has_pid || p->pid == ch.filter.pid) &&
	       (!ch.filter.name || name_matches(p));
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

static void row(const struct inst *p, unsigned k, unsigned depth)
{
	char buf[ARGV_KEEP * 4 + 8];
	unsigned long long y = (HEAD + (unsigned long long)k * ROW) * 10;
	unsigned long long x0 = x_of(p->start), x1, m0, m1;
	unsigned indent = (depth < INDENT_MAX ? depth : INDENT_MAX) * INDENT;
	size_t n, fit;
	unsigned i;
	int exited = p->flags & F_EXITED;

	/* the tooltip: full argv, pid, parent, times, status, bytes */
	out_str("<g><title>");
	if (p->flags & F_EXEC) {
		n = svg_argv_show(buf, sizeof buf, ch.pool + p->argv, p->alen,
				  p->flags & F_CUT, 0);
		svg_text(buf, n < sizeof buf ? n : sizeof buf);
	} else {
		out_str("(no execve record)");
	}
	out_str("\npid ");
	out_u(p->pid);
	if (p->has_ppid) {
		out_str(", parent ");
		out_u(p->ppid);
	}
	out_str("\nstart +");
	out_secs(p->start);
	out_str(" s (");
	date_at(p->start);
	out_str(" UTC)\n");
	if (exited) {
		out_str("duration ");
		out_secs(p->last - p->start);
		out_str(" s\n");
		out_status(p->status);
	} else {
		out_str("no exit record (running, or its wrapper was killed);"
			" last record at +");
		out_secs(p->last);
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
		n = svg_argv_show(buf, sizeof buf, ch.pool + p->argv, p->alen,
				  p->flags & F_CUT, 1);
	else
		n = 0;
	if (!n) {
		memcpy(buf, "pid ", 4);
		n = 4;
		/* the pid, written backwards then turned */
		for (i = p->pid; ; i /= 10) {
			buf[n++] = '0' + i % 10;
			if (i < 10)
				break;
		}
		for (i = 0; i < (n - 4) / 2; i++) {
			char c = buf[4 + i];

			buf[4 + i] = buf[n - 1 - i];
			buf[n - 1 - i] = c;
		}
	}
	text((MARGIN + indent) * 10ull, y + 130, NULL);
	if (n > fit) {
		svg_text(buf, fit - 1);
		out_str("\xe2\x80\xa6");	/* U+2026: one column */
		n = fit;
	} else {
		svg_text(buf, n);
	}
	out_str("</text>");

	/* the bar, to the exit record or (no exit record) the end */
	x1 = x_of(exited ? p->last : ch.end);
	rect(outcome(p), x0, y + 30, x1 - x0 > 10 ? x1 - x0 : 10, BAR * 10);
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
	int shown = !ch.filter.has_pid && !ch.filter.name;
	int32_t i;

	for (i = root; i >= 0; i = walk_next(i, &depth)) {
		if (shown && depth <= top && (ch.filter.has_pid || ch.filter.name))
			shown = 0;	/* left the matched subtree */
		if (!shown && matches(&ch.in[i])) {
			shown = 1;
			top = depth;
		}
		if (!shown)
			continue;
		if (draw)
			row(&ch.in[i], k, depth - top);
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

int chart_finish(const char *file, int damaged, unsigned long number,
		 unsigned long long offset)
{
	unsigned n, y, height, notes = !!damaged + !!ch.dropped;
	int32_t i, root = -1;

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
	n = rows(root, 0);
	height = HEAD + n * ROW + 20 + (notes + !n) * 18 + MARGIN;
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
	attr("height", n * ROW * 10ull);
	out_str("/>\n");

	/* title, summary, legend */
	text(MARGIN * 10, 220, "head");
	out_str("stdiocap --chart ");
	svg_esc((const unsigned char *)file,
		strlen(file) < 100 ? strlen(file) : 100);
	out_str("</text>\n");
	text(MARGIN * 10, 420, NULL);
	if (ch.have_base) {
		out_str("start ");
		date_at(0);
		out_str(" UTC, ");
		out_secs(ch.end);
		out_str(" s, ");
	}
	out_u(ch.n);
	out_str(ch.n == 1 ? " process" : " processes");
	if (n != ch.n) {
		out_str(", ");
		out_u(n);
		out_str(" shown");
	}
	out_str(ch.lineage ? ", children under their parent" :
		", in start order (no lineage in the capture)");
	out_str("</text>\n");
	legend(MARGIN, "bar ok", "exit 0");
	legend(MARGIN + 150, "bar fail", "non-zero exit");
	legend(MARGIN + 300, "bar sig", "killed by a signal");
	legend(MARGIN + 470, "bar open", "no exit record");
	legend(MARGIN + 630, "io", "output (stdout, stderr)");
	axis(HEAD + n * ROW + 2);
	out_ch('\n');

	rows(root, 1);

	y = HEAD + n * ROW + 16;
	if (!n) {
		note(&y);
		out_str(ch.n ? "no process matches" : "no process in the capture");
		out_str("</text>\n");
	}
	if (ch.dropped) {
		out_str("<line class=\"cut\"");
		attr("x1", x_of(ch.cut_at));
		attr("x2", x_of(ch.cut_at));
		attr("y1", (HEAD - 4) * 10);
		attr("y2", (HEAD + n * ROW + 2) * 10ull);
		out_str("/>\n");
		note(&y);
		out_str("table full (");
		out_u(CHART_MAX);
		out_str(" processes): ");
		out_u(ch.dropped);
		out_str(" more from +");
		out_secs(ch.cut_at);
		out_str(" s on (the red dashed line) are not drawn</text>\n");
	}
	if (damaged) {
		note(&y);
		out_str("damaged capture: drawn up to record ");
		out_u(number);
		out_str(", the damage is at offset ");
		out_u(offset);
		out_str(" (stdiocap said what on stderr)</text>\n");
	}
	out_str("</svg>\n");
	out_flush();
	if (ch.dropped && !out_error()) {
		out_u(CHART_MAX);
		out_str(" processes): ");
		out_u(ch.dropped);
		out_str(" more not drawn");
		msg(file, ": chart table full (", out_take());
	}
	munmap(ch.in, CHART_MAX * sizeof *ch.in + 2 * MAP_SIZE * sizeof *ch.map +
		      POOL_SIZE);
	return 0;
}
