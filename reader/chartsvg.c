/* chartsvg.c - --chart's drawing: the SVG written from the layout
 * (chartlay.c), through svg.c and out.c. doc/stdiocap.1 "--chart".
 * SPDX-License-Identifier: MIT
 *
 * Nothing here decides what is shown or how big it is; every function
 * writes one part of the picture, top to bottom: the header (title,
 * summary, the failed processes as links to their rows, legend), the
 * time axis, the rows, the notes. Coordinates are in tenths of a pixel
 * (svg.h); text is monospace with its width given, so no font makes two
 * texts overlap. */
#include <string.h>

#include "chart.h"
#include "read.h"
#include "svg.h"

enum { TIP_MEMBERS = 40 };	/* instances a folded row's tooltip names */

static const struct chart_node *node(const struct chart *c, uint32_t k)
{
	return &c->in[k - 1];
}

static const struct chart_node *member(const struct chart *c,
				       const struct chart_row *w, uint32_t m)
{
	return node(c, c->vis[w->at + m * w->stride]);
}

static unsigned long long x_of(const struct chart *c, unsigned long long t)
{
	unsigned long long span = c->hi > c->lo ? c->hi - c->lo : 1;

	t = t < c->lo ? 0 : t - c->lo;
	if (t > span)
		t = span;
	/* t * CH_PLOT * 10 must not overflow: a board without a clock
	 * that starts in 1970 and is set to today spans 56 years */
	while (span >> 50) {
		span >>= 10;
		t >>= 10;
	}
	return chart_plot_x(c) * 10ull + t * (CH_PLOT * 10ull) / span;
}

static void secs(unsigned long long us)
{
	char b[FMT_SECS];

	out_mem(b, fmt_secs(b, us));
}

/* t us after the capture's first record, as a UTC date */
static void date_at(const struct chart *c, unsigned long long t)
{
	char b[FMT_DATE];

	t += c->o->base_usec;
	out_mem(b, fmt_date(b, c->o->base_sec + t / 1000000, t % 1000000));
}

/* The status as the end of a bar says it: "exit 3", "SIGTERM" */
static size_t status_short(char *b, uint32_t status)
{
	size_t n = fmt_status(b, status);

	if (n > 10 && !memcmp(b, "killed by ", 10)) {
		memmove(b, b + 10, n - 10);
		n -= 10;
	}
	return n;
}

static const char *outcome(const struct chart_node *d)
{
	if (!(d->flags & CF_EXITED))
		return "bar open";
	if (d->status & 0x7f)
		return "bar sig";
	return d->status >> 8 & 0xff ? "bar fail" : "bar ok";
}

/* ---- the header */

static void start(const struct chart *c)
{
	const char *file = c->o->file;

	out_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\""
		" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\"");
	svg_attr("width", c->width * 10ull);
	svg_attr("height", c->height * 10ull);
	out_str(" font-family=\"DejaVu Sans Mono,Liberation Mono,monospace\"");
	svg_attr("font-size", CH_FONT * 10);
	out_str(">\n<title>stdiocap --chart ");
	svg_esc((const unsigned char *)file, strlen(file));
	out_str("</title>\n<style type=\"text/css\">"
		".bar{stroke:#333;stroke-width:0.5}.ok{fill:#5cb85c}"
		".fail{fill:#e8412c}.sig{fill:#9b4dca}"
		".open{fill:#c8c8c8;stroke-dasharray:3,2}"
		".out{fill:#1a1a1a}"
		".err{fill:#ff8c00;stroke:#6b3a00;stroke-width:0.5}"
		".span{stroke:#777;stroke-width:1}"
		".grid{stroke:#d8d8d8}.tick{text-anchor:middle;fill:#555}"
		".pid{fill:#666}.why{fill:#b00000;font-weight:bold}"
		".flink{fill:#b00000;text-decoration:underline}"
		".note{fill:#c00000}.cut{stroke:#c00000;stroke-width:2;"
		"stroke-dasharray:6,3}.head{font-size:15px;font-weight:bold}"
		".sum{font-weight:bold}"
		"</style>\n<defs><pattern id=\"zebra\""
		" patternUnits=\"userSpaceOnUse\"");
	svg_attr("y", c->head * 10ull);
	svg_attr("width", 100);
	svg_attr("height", CH_ROW * 20);
	out_str("><rect width=\"10\" fill=\"#f2f2f2\"");
	svg_attr("height", CH_ROW * 10);
	out_str("/></pattern></defs>\n<rect width=\"100%\" height=\"100%\""
		" fill=\"#ffffff\"/>\n<rect fill=\"url(#zebra)\"");
	svg_attr("x", CH_MARGIN * 10);
	svg_attr("y", c->head * 10ull);
	svg_attr("width", (c->width - 2 * CH_MARGIN) * 10ull);
	svg_attr("height", chart_rows_height(c) * 10);
	out_str("/>\n");
}

static void summary(const struct chart *c)
{
	const char *file = c->o->file;

	svg_text_open(CH_MARGIN * 10, 220, "head");
	out_str("stdiocap --chart ");
	svg_esc((const unsigned char *)file,
		strlen(file) < 100 ? strlen(file) : 100);
	out_str("</text>\n");
	svg_text_open(CH_MARGIN * 10, 420, NULL);
	out_str("<tspan class=\"sum\">");
	out_u(c->n);
	out_str(c->n == 1 ? " process, " : " processes, ");
	out_u(c->all_fails);
	out_str(" failed");
	if (c->open) {
		out_str(", ");
		out_u(c->open);
		out_str(" without exit record");
	}
	out_str("</tspan>");
	if (c->n || c->o->number) {
		out_str(" (start ");
		date_at(c, 0);
		out_str(" UTC, ");
		secs(c->end);
		out_str(" s)");
	}
	if (c->failed_only)
		out_str(", --failed: the failed ones and their ancestors");
	if ((c->filter || c->failed_only) && c->nrows) {
		out_str(", ");
		out_u(c->procs);
		out_str(" shown, from +");
		secs(c->lo);
		out_str(" s to +");
		secs(c->hi);
		out_str(" s");
	}
	out_str(c->lineage ? ", children under their parent" :
		", in start order (no lineage in the capture)");
	out_str("</text>\n");
}

/* The failed ones, in row order, each a link to its row. */
static void fail_list(const struct chart *c)
{
	char b[512];
	const struct chart_row *w;
	const struct chart_node *d;
	uint32_t i, m, shown = 0;
	unsigned long long y;
	size_t n, l;

	for (i = 0; i < c->nrows && shown < CHART_FAILS_SHOWN; i++) {
		w = &c->rows[i];
		for (m = 0; m < w->count && shown < CHART_FAILS_SHOWN; m++) {
			d = member(c, w, m);
			if (!chart_failed(d))
				continue;
			y = (62 + shown++ * CH_LINE) * 10ull;
			out_str("<a xlink:href=\"#r");
			out_u(i + 1);
			out_str("\">");
			n = fmt_u(b, d->pid);
			b[n++] = ' ';
			n += fmt_status(b + n, d->status);
			b[n++] = ' ';
			b[n++] = ' ';
			l = chart_label(c, d, b + n, 100, 0);
			if (l > 100) {	/* only 100 written */
				memcpy(b + n + 97, "...", 3);
				l = 100;
			}
			n += l;
			svg_text_fit(CH_MARGIN * 10 + 100, y, "flink",
				     n * CH_CHAR_W10, b, n);
			out_str("</a>\n");
		}
	}
	if (c->fails > shown) {
		svg_text_open(CH_MARGIN * 10 + 100,
			      (62 + shown * CH_LINE) * 10ull, "note");
		out_str("... and ");
		out_u(c->fails - shown);
		out_str(" more failed: their bars are red or purple,"
			" their status after them</text>\n");
	}
}

static void legend(const struct chart *c)
{
	static const struct {
		unsigned dx;
		const char *cls, *what;
	} item[] = {
		{ 0, "bar ok", "exit 0" }, { 90, "bar fail", "non-zero exit" },
		{ 225, "bar sig", "killed by a signal" },
		{ 390, "bar open", "no exit record" },
		{ 535, "out", "stdout" }, { 615, "err", "stderr" },
	};
	unsigned long long top = (68 + c->fails_listed * CH_LINE) * 10ull;
	unsigned i;

	for (i = 0; i < sizeof item / sizeof *item; i++) {
		svg_rect(item[i].cls, (CH_MARGIN + item[i].dx) * 10ull, top,
			 140, 100);
		svg_text_open((CH_MARGIN + item[i].dx + 18) * 10ull, top + 90,
			      NULL);
		out_str(item[i].what);
		out_str("</text>");
	}
	svg_text_open((CH_MARGIN + 695) * 10ull, top + 90, NULL);
	out_str("NAME \xc3\x97N: N repeats folded into one row</text>\n");
}

/* ---- the time axis */

/* A tick at t: "0.250 ms", "40 ms", "3 s", with as many decimals as
 * the step needs. */
static void tick_label(unsigned long long t, unsigned long long step)
{
	char b[10];
	int d;

	if (step < 1000) {
		d = step < 10 ? 3 : step < 100 ? 2 : 1;
		out_u(t / 1000);
		out_ch('.');
		out_mem(b, fmt_u0(b, t % 1000 / (d == 3 ? 1 : d == 2 ? 10 :
						   100), d));
		out_str(" ms");
	} else if (step < 1000000) {
		out_u(t / 1000);
		out_str(" ms");
	} else {
		out_u(t / 1000000);
		out_str(" s");
	}
}

/* The tick labels at y (px). Ticks are times since the capture's
 * first record, as in the tooltips. */
static void tick_row(const struct chart *c, unsigned long long y)
{
	unsigned long long t;

	for (t = (c->lo + c->step - 1) / c->step * c->step; t <= c->hi;
	     t += c->step) {
		svg_text_open(x_of(c, t), y * 10, "tick");
		tick_label(t, c->step);
		out_str("</text>");
	}
}

/* A grid line per tick down to the rows' bottom, the labels above the
 * rows, below them and every CH_AXIS_EVERY rows (on a white row, so no
 * grid line crosses them). */
static void axis(const struct chart *c)
{
	unsigned long long bottom = c->head + chart_rows_height(c) + 2, t, y;
	unsigned j;

	for (t = (c->lo + c->step - 1) / c->step * c->step; t <= c->hi;
	     t += c->step)
		svg_line("grid", x_of(c, t), (c->head - 4) * 10ull, x_of(c, t),
			 bottom * 10);
	tick_row(c, c->head - 8);
	tick_row(c, bottom + 13);
	for (j = CH_AXIS_EVERY; j < c->nrows; j += CH_AXIS_EVERY) {
		y = chart_row_top(c, j) - CH_ROW;
		out_str("<rect fill=\"#ffffff\"");
		svg_attr("x", CH_MARGIN * 10);
		svg_attr("y", y * 10);
		svg_attr("width", (c->width - 2 * CH_MARGIN) * 10ull);
		svg_attr("height", CH_ROW * 10);
		out_str("/>");
		tick_row(c, y + 13);
	}
	out_ch('\n');
}

/* ---- the rows */

static void tip_one(const struct chart *c, const struct chart_node *d)
{
	char b[FMT_STATUS];

	out_str("\npid ");
	out_u(d->pid);
	out_str(", parent ");
	out_u(d->ppid);
	out_str("\nstart +");
	secs(d->start);
	out_str(" s (");
	date_at(c, d->start);
	out_str(" UTC)\n");
	if (d->flags & CF_EXITED) {
		out_str("duration ");
		secs(d->last - d->start);
		out_str(" s\n");
		out_mem(b, fmt_status(b, d->status));
	} else {
		out_str("no exit record (running, or its wrapper was killed);"
			" last record at +");
		secs(d->last);
		out_str(" s");
	}
	out_str("\nstdin ");
	out_u(d->bytes[0]);
	out_str(" B, stdout ");
	out_u(d->bytes[1]);
	out_str(" B, stderr ");
	out_u(d->bytes[2]);
	out_str(" B");
}

/* The tooltip: argv, then the instance, or each folded one in a line. */
static void tip(const struct chart *c, const struct chart_row *w)
{
	char b[INST_HEAD * 4 + 8];
	const struct chart_node *d = member(c, w, 0);
	uint32_t m;
	size_t n;

	out_str("<title>");
	n = chart_label(c, d, b, sizeof b, 0);
	svg_text(b, n < sizeof b ? n : sizeof b);
	if (w->count == 1) {
		tip_one(c, d);
		out_str("</title>");
		return;
	}
	out_str("\n\xc3\x97");
	out_u(w->count);
	out_str(" from +");
	secs(w->start);
	out_str(" s to +");
	secs(w->end);
	out_str(" s, ");
	out_u(w->fails);
	out_str(" failed");
	for (m = 0; m < w->count && m < TIP_MEMBERS; m++) {
		d = member(c, w, m);
		out_str("\npid ");
		out_u(d->pid);
		out_str(", parent ");
		out_u(d->ppid);
		out_str(": ");
		if (d->flags & CF_EXITED)
			out_mem(b, fmt_status(b, d->status));
		else
			out_str("no exit record");
		out_str(", +");
		secs(d->start);
		out_str(" s");
	}
	if (w->count > TIP_MEMBERS)
		out_str("\n...");
	out_str("</title>");
}

/* PID and label, cut to the label column ("..." where cut). */
static void label(const struct chart *c, const struct chart_row *w,
		  unsigned long long y)
{
	char b[CH_LABEL_MAX * 4 + 32], s[FMT_ULL + 4];
	const struct chart_node *d = member(c, w, 0);
	unsigned depth = w->depth < CH_INDENT_MAX ? w->depth : CH_INDENT_MAX;
	unsigned fit = c->label_w - depth * CH_INDENT, cols;
	size_t n, sn = 0;

	n = fmt_u(b, d->pid);
	svg_text_fit((CH_MARGIN * 10 + (c->pid_w - n) * CH_CHAR_W10), y + 130,
		     "pid", n * CH_CHAR_W10, b, n);
	if (w->count > 1) {	/* " ×12": kept whole, the argv cut first */
		memcpy(s, " \xc3\x97", 3);
		sn = 3 + fmt_u(s + 3, w->count);
	}
	cols = sn ? sn - 1 : 0;		/* × is one column in two bytes */
	n = chart_label(c, d, b, sizeof b - sizeof s, 1);
	if (n + cols > fit) {
		n = fit > cols + 3 ? fit - cols - 3 : 0;
		memcpy(b + n, "...", 3);
		n += 3;
	}
	memcpy(b + n, s, sn);
	svg_text_fit((CH_MARGIN + (c->pid_w + 1 + depth * CH_INDENT) *
		      CH_CHAR_W10 / 10) * 10ull, y + 130, NULL,
		     (n + cols) * CH_CHAR_W10, b, n + sn);
}

/* One instance's bar and output marks; returns the bar's right end. */
static unsigned long long bar(const struct chart *c, const struct chart_node *d,
			      unsigned long long y)
{
	unsigned long long x0 = x_of(c, d->start), x1, m0, m1;
	unsigned s, i;

	x1 = x_of(c, d->flags & CF_EXITED ? d->last : c->end);
	if (x1 < x0 + CH_MIN_BAR * 10)
		x1 = x0 + CH_MIN_BAR * 10;
	svg_rect(outcome(d), x0, y + 30, x1 - x0, CH_BAR * 10);
	/* stderr above, stdout below: both seen at any zoom */
	for (s = 0; s < 2; s++)
		for (i = 0; i < d->nmark[s]; i++) {
			m0 = x_of(c, d->start +
				  ((unsigned long long)d->mark[s][i][0] << d->shift));
			m1 = x_of(c, d->start +
				  ((unsigned long long)d->mark[s][i][1] << d->shift));
			svg_rect(s ? "err" : "out", m0,
				 y + 30 + (s ? 0 : (CH_BAR - 5) * 10),
				 m1 - m0 > 20 ? m1 - m0 : 20, 50);
		}
	return x1;
}

static void row(const struct chart *c, uint32_t k)
{
	const struct chart_row *w = &c->rows[k];
	const struct chart_node *d = member(c, w, 0);
	unsigned long long y = chart_row_top(c, k) * 10, x1 = 0, e;
	char b[FMT_STATUS + FMT_ULL];
	uint32_t m;
	size_t n = 0;

	out_str("<g id=\"r");
	out_u(k + 1);
	out_str("\">");
	tip(c, w);
	label(c, w, y);
	if (w->count > 1)
		svg_line("span", x_of(c, w->start), y + 90, x_of(c, w->end),
			 y + 90);
	for (m = 0; m < w->count; m++)
		if ((e = bar(c, member(c, w, m), y)) > x1)
			x1 = e;
	/* what failed, written after the bar */
	if (w->count == 1 && chart_failed(d)) {
		n = status_short(b, d->status);
	} else if (w->fails) {
		n = fmt_u(b, w->fails);
		memcpy(b + n, " failed", 7);
		n += 7;
	}
	if (n)
		svg_text_fit(x1 + 40, y + 130, "why", n * CH_CHAR_W10, b, n);
	out_str("</g>\n");
}

/* ---- the notes below */

static void note(unsigned *y)
{
	*y += 18;
	svg_text_open(CH_MARGIN * 10ull, *y * 10ull, "note");
}

static void notes(const struct chart *c)
{
	const struct read_opts *o = c->o;
	unsigned y = c->head + chart_rows_height(c) + 16;

	if (!c->nrows) {
		note(&y);
		out_str(!c->n ? "no process in the capture" :
			c->failed_only && !c->all_fails ? "no process failed" :
			"no process matches");
		out_str("</text>\n");
	}
	if (c->dropped && c->cut_at >= c->lo && c->cut_at <= c->hi) {
		svg_line("cut", x_of(c, c->cut_at), (c->head - 4) * 10ull,
			 x_of(c, c->cut_at),
			 (c->head + chart_rows_height(c) + 2) * 10);
		out_ch('\n');
	}
	if (c->dropped) {
		note(&y);
		out_str("table full (");
		out_u(c->n);
		out_str(" processes): ");
		out_u(c->dropped);
		out_str(" more from +");
		secs(c->cut_at);
		out_str(" s on (the red dashed line) are not drawn</text>\n");
	}
	if (o->gaps) {
		note(&y);
		out_str("damaged capture: ");
		out_u(o->gaps);
		out_str(o->gaps == 1 ? " gap of " : " gaps, ");
		out_u(o->gap_bytes);
		out_str(" bytes in all, skipped"
			" (stdiocap said where on stderr)</text>\n");
	}
	if (o->broken) {
		note(&y);
		out_str("damaged capture: drawn up to record ");
		out_u(o->number);
		out_str(", the damage is at offset ");
		out_u(o->offset);
		out_str(" (stdiocap said what on stderr)</text>\n");
	}
}

void chart_draw(const struct chart *c)
{
	uint32_t k;

	start(c);
	summary(c);
	fail_list(c);
	legend(c);
	axis(c);
	for (k = 0; k < c->nrows; k++)
		row(c, k);
	notes(c);
	out_str("</svg>\n");
}
