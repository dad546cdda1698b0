/* chart.c - stdiocap --chart: a capture as an SVG timeline that answers
 * "what failed?" without hovering. doc/stdiocap.1 "--chart".
 * SPDX-License-Identifier: MIT
 *
 * One self-contained SVG 1.1 file (no script, font, image or stylesheet
 * from outside): a header "N processes, K failed" and the failed ones as
 * links to their rows; one row per process instance in tree order
 * (children under their parent, from the capture's lineage,
 * doc/capture-format.md; in start order within a parent, and in start
 * order alone where the capture has no lineage), its PID and argv; one
 * bar from the first record to the exit record, coloured by the outcome,
 * with the exit code or signal written after every bar that failed;
 * stdout and stderr marks where output happened; a <title> tooltip.
 * Repeated siblings (a loop's seq | grep | wc) fold into one row each
 * (chartlay.c); --failed keeps the failed processes and their
 * ancestors.
 *
 * This file holds the hooks of the reader's driver (read.h): they keep
 * a small node per instance, since the picture is drawn at the end; who
 * ran whom comes from ptree.c, as for --tree. The nodes and a pool of
 * argv bytes grow in the readers' memory (mem.h) up to
 * CONFIG_READER_CHART_MAX instances; past it the later ones are
 * counted, not drawn, and the SVG and one line on stderr say so. Time
 * is linear in the file: one pass, a hashed pid index, one walk of the
 * tree. */
#include <errno.h>
#include <string.h>

#include "chart.h"
#include "mem.h"
#include "read.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define CHART_MAX_STR STR(CONFIG_READER_CHART_MAX)

enum { CHART_MAX = CONFIG_READER_CHART_MAX, ARGV_POOL = 64 };

static struct chart ch;

static void chart_free(void)
{
	chart_layout_free(&ch);
	mem_free(ch.in, (size_t)ch.cap * sizeof *ch.in);
	mem_free(ch.pool, ch.pool_cap);
	ptree_free(&ch.t);
	memset(&ch, 0, sizeof ch);
}

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

static struct chart_node *node_of(const struct inst *p)
{
	return p->ref ? &ch.in[p->ref - 1] : NULL;
}

/* Output of stream s (0 stdout, 1 stderr) at t: a node keeps
 * CHART_MARKS intervals a stream; one more merges the two closest (or
 * extends the last), so the longest silences stay. */
static void mark(struct chart_node *d, int s, unsigned long long t)
{
	uint32_t (*m)[2] = d->mark[s], gap;
	unsigned long long v;
	unsigned i, k, best, n = d->nmark[s];

	t -= t > d->start ? d->start : t;
	while ((v = t >> d->shift) > 0xffffffffu) {
		d->shift++;
		for (k = 0; k < 2; k++)
			for (i = 0; i < d->nmark[k]; i++) {
				d->mark[k][i][0] >>= 1;
				d->mark[k][i][1] >>= 1;
			}
	}
	if (n && v <= m[n - 1][1])
		return;
	if (n == CHART_MARKS) {
		best = n - 1;	/* the gap before v */
		gap = v - m[n - 1][1];
		for (k = 0; k + 1 < n; k++)
			if (m[k + 1][0] - m[k][1] < gap) {
				gap = m[k + 1][0] - m[k][1];
				best = k;
			}
		if (best == n - 1) {
			m[n - 1][1] = v;
			return;
		}
		m[best][1] = m[best + 1][1];
		memmove(m[best + 1], m[best + 2], (n - best - 2) * sizeof m[0]);
		n--;
	}
	m[n][0] = m[n][1] = v;
	d->nmark[s] = n + 1;
}

/* Room for one more node and n more argv bytes; 0 or -1 (the memory
 * budget is spent: counted as dropped). */
static int room(size_t n)
{
	ch.in = mem_room(ch.in, &ch.cap, (size_t)ch.n + 1, sizeof *ch.in, 256,
			 CHART_MAX);
	if (ch.cap <= ch.n)
		return -1;
	ch.pool = mem_room(ch.pool, &ch.pool_cap, ch.pool_len + n, 1, 16384,
			   SIZE_MAX);
	return ch.pool_cap < ch.pool_len + n ? -1 : 0;
}

/* ---- the hooks */

static void chart_begin(const struct read_opts *o)
{
	chart_free();
	ch.o = o;
	ch.filter = !!(o->set & (OPT_PID | OPT_NAME));
	ch.failed_only = !!(o->set & OPT_FAILED);
}

static int chart_start(const struct read_opts *o, struct inst *p)
{
	struct chart_node *d;
	size_t end = inst_argv_len(p), n = 0;
	uint32_t k;

	(void)o;
	if (p->split.len) {
		/* argv, each item with its NUL, as far as the head holds it */
		n = end ? end - 1 : p->hlen;
		if (!end || n > p->hlen)
			n = p->hlen;
	}
	if (ch.n == CHART_MAX || room(n) < 0 ||
	    !(k = ptree_add(&ch.t, p->key, p->ppid))) {
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
	/* its board (doc/network.md "Reading a farm"): rows and labels */
	d->board = PTREE_BOARD(p->key);
	ch.boards[d->board / 8] |= 1 << d->board % 8;
	d->flags = p->match ? CF_MATCH : 0;
	if (ch.t.node[k].parent)
		ch.lineage = 1;
	if (p->split.len) {
		d->flags |= CF_EXEC;
		if (!end || end - 1 > p->hlen)
			d->flags |= CF_CUT;
		if (n)	/* (no pool yet for an empty argv) */
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
	struct chart_node *d = node_of(p);
	unsigned long long t = since(r->sec, r->usec);

	(void)o;
	seen(t);
	if (!d)
		return 0;
	d->last = t;
	d->bytes[r->event] += r->len;
	if (r->event != EVENT_STDIN)
		mark(d, r->event - EVENT_STDOUT, t);
	return 0;
}

/* An instance ends without exit record: replaced by a new one of its
 * pid, or unfinished at the end of the file. */
static void chart_gone(const struct read_opts *o, struct inst *p)
{
	struct chart_node *d = node_of(p);

	(void)o;
	if (!d)
		return;
	ptree_end(&ch.t, p->ref);
	d->last = since(p->end_sec, p->end_usec);
	seen(d->last);
}

static int chart_exit(const struct read_opts *o, struct inst *p)
{
	struct chart_node *d = node_of(p);

	chart_gone(o, p);
	if (d) {
		d->flags |= CF_EXITED;
		d->status = p->status;
	}
	return 0;
}

static int chart_end(const struct read_opts *o)
{
	char b[FMT_ULL + 1];
	uint32_t dropped = ch.dropped;

	if (chart_layout(&ch) < 0) {
		msg_sys(errno, o->file, ": --chart");
		chart_free();
		return 1;
	}
	chart_draw(&ch);
	chart_free();
	if (!dropped)
		return 0;
	b[fmt_u(b, dropped)] = 0;
	msg(o->file, ": --chart: table full (" CHART_MAX_STR " processes): ", b,
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
	.opts = OPT_PID | OPT_NAME | OPT_FAILED | OPT_BOARD,
	.check = chart_check,
	.begin = IF_CHART(chart_begin),
	.start = IF_CHART(chart_start),
	.io = IF_CHART(chart_io),
	.exit = IF_CHART(chart_exit),
	.gone = IF_CHART(chart_gone),
	.end = IF_CHART(chart_end),
};
