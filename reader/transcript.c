/* transcript.c - stdiocap --transcript: every record in file order, one
 * line per line of a chunk, times in seconds since the capture's first
 * record; --env / --env-diff show each exec's environment, or what
 * changed since the previous exec shown. README "Reading a capture".
 * SPDX-License-Identifier: MIT
 *
 * --env-diff is linear in the size of the capture: each exec's items
 * are looked up in a hash set of the previous exec's items, then the
 * previous names in one of its own, each built afresh at a size
 * proportional to the env's bytes (a crafted capture of many tiny
 * variables once took quadratic time). */
#include <string.h>

#include "read.h"

enum {
	BLOB_MAX = 65536,	/* bytes of one blob shown */
	SET_MAX = BLOB_MAX,	/* slots: at least the bytes of the env, so
				 * a set (items >= 2 bytes) is half full */
};

struct tr {
	struct inst *blob_of;	/* whose blob is in blob */
	size_t blob_len, prev_len;
	unsigned long long blob_total;
	int have_prev;
	unsigned char blob[BLOB_MAX], prev[BLOB_MAX];
	uint32_t set[SET_MAX];	/* 1 + offset of an item in its env; 0:
				 * free. One set at a time (env_diff). */
};
static struct tr *tr;		/* this run's, in o->mem */

/* ---- a hash set of env items */

static uint32_t hash(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Next non-empty item of env e (n bytes) at *pos; its length, 0 at the
 * end. */
static size_t env_item(const unsigned char *e, size_t n, size_t *pos,
		       const unsigned char **item)
{
	const unsigned char *z;
	size_t l;

	while (*pos < n && !e[*pos])
		++*pos;
	if (*pos >= n)
		return 0;
	*item = e + *pos;
	z = memchr(*item, 0, n - *pos);
	l = z ? (size_t)(z - *item) : n - *pos;
	*pos += l;
	return l;
}

/* An item's key: all of it, or (by_name) its name up to and with its
 * '=' (all of it without one). */
static size_t key_len(const unsigned char *it, size_t l, int by_name)
{
	const unsigned char *eq = by_name ? memchr(it, '=', l) : NULL;

	return eq ? (size_t)(eq - it) + 1 : l;
}

/* The set's slot for key (l bytes) over env e (n bytes): where an item
 * with that key is, or the free slot where it would go. */
static uint32_t *set_slot(uint32_t mask, const unsigned char *e, size_t n,
			  const unsigned char *key, size_t l, int by_name)
{
	uint32_t i = hash(key, l) & mask, *s;
	size_t pos, k;
	const unsigned char *it;

	for (;; i = (i + 1) & mask) {
		s = &tr->set[i];
		if (!*s)
			return s;
		pos = *s - 1;
		k = env_item(e, n, &pos, &it);
		k = key_len(it, k, by_name);
		if (k == l && !memcmp(it, key, l))
			return s;
	}
}

/* Fills the set with env e's items (or their names), each once;
 * returns the mask to look them up with. */
static uint32_t set_fill(const unsigned char *e, size_t n, int by_name)
{
	const unsigned char *it;
	size_t pos = 0, l;
	uint32_t mask = 15, *s;

	while (mask + 1 < n)
		mask = mask << 1 | 1;
	memset(tr->set, 0, (mask + 1) * sizeof *tr->set);
	while ((l = env_item(e, n, &pos, &it))) {
		s = set_slot(mask, e, n, it, key_len(it, l, by_name), by_name);
		if (!*s)
			*s = it - e + 1;
	}
	return mask;
}

/* ---- lines */

/* "  0.000213    4242 " and a word padded to 7 columns */
static void prefix(const struct read_opts *o, uint32_t sec, uint32_t usec,
		   uint32_t pid, const char *word)
{
	char b[FMT_SECS];

	out_pad(b, fmt_secs(b, ((long long)sec - o->base_sec) * 1000000 +
			    usec - o->base_usec), 10, 1);
	out_ch(' ');
	out_pad(b, fmt_u(b, pid), 7, 1);
	out_ch(' ');
	if (word)
		out_pad(word, strlen(word), 7, 0);
}

static void env_line(const struct read_opts *o, const struct inst *p,
		     char mark, const unsigned char *it, size_t l)
{
	prefix(o, p->sec, p->usec, p->pid, "env");
	if (mark)
		out_ch(mark);
	out_esc(it, l, 0);
	out_ch('\n');
}

/* --env-diff: +added or changed, then -removed since the previous exec:
 * the current items looked up in a set of the previous ones, then the
 * previous names in a set of the current ones. */
static void env_diff(const struct read_opts *o, const struct inst *p,
		     const unsigned char *e, size_t n)
{
	const unsigned char *it;
	size_t pos = 0, l, k;
	uint32_t mask = set_fill(tr->prev, tr->prev_len, 0);

	while ((l = env_item(e, n, &pos, &it)))
		if (!*set_slot(mask, tr->prev, tr->prev_len, it, l, 0))
			env_line(o, p, '+', it, l);
	mask = set_fill(e, n, 1);
	pos = 0;
	while ((l = env_item(tr->prev, tr->prev_len, &pos, &it))) {
		k = key_len(it, l, 1);
		if (!*set_slot(mask, e, n, it, k, 1))
			env_line(o, p, '-', it, k - (it[k - 1] == '='));
	}
}

static void tr_begin(const struct read_opts *o)
{
	tr = o->mem;
}

static void tr_exec(struct inst *p, const unsigned char *b, size_t n)
{
	size_t k;

	if (tr->blob_of != p) {
		tr->blob_of = p;
		tr->blob_len = 0;
		tr->blob_total = 0;
	}
	k = n < BLOB_MAX - tr->blob_len ? n : BLOB_MAX - tr->blob_len;
	memcpy(tr->blob + tr->blob_len, b, k);
	tr->blob_len += k;
	tr->blob_total += n;
}

/* The exec line and its env lines. */
static int tr_start(const struct read_opts *o, struct inst *p)
{
	const unsigned char *e, *it;
	size_t n, pos = 0, l;

	if (tr->blob_of != p)
		return 0;	/* no execve record: a capture begun mid-way */
	tr->blob_of = NULL;	/* (the slot may hold another one next) */
	if (!p->match)
		return 0;
	prefix(o, p->sec, p->usec, p->pid, "exec");
	n = inst_argv_len(p);
	out_argv(tr->blob, tr->blob_len, n);
	out_ch('\n');
	if (!(o->set & (OPT_ENV | OPT_ENV_DIFF)))
		return 0;
	e = tr->blob + (n < tr->blob_len ? n : tr->blob_len);
	n = tr->blob + tr->blob_len - e;
	if (o->set & OPT_ENV || !tr->have_prev) {
		while ((l = env_item(e, n, &pos, &it)))
			env_line(o, p, o->set & OPT_ENV ? 0 : '+', it, l);
	} else {
		env_diff(o, p, e, n);
	}
	if (tr->blob_total > tr->blob_len) {
		prefix(o, p->sec, p->usec, p->pid, "env");
		out_str("... (");
		out_u(tr->blob_total - tr->blob_len);
		out_str(" bytes of the execve record not shown)\n");
	}
	memcpy(tr->prev, e, n);
	tr->prev_len = n;
	tr->have_prev = 1;
	return 0;
}

/* One chunk: a line per line of it, the newline shown as \n at the end
 * of its line. */
static int tr_io(const struct read_opts *o, struct inst *p,
		 const struct capread_record *r)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	const unsigned char *b = r->data, *end = b + r->len, *z;

	if (!p->match || !(o->streams >> r->event & 1))
		return 0;
	do {
		z = memchr(b, '\n', end - b);
		z = z ? z + 1 : end;
		prefix(o, r->sec, r->usec, p->pid, names[r->event]);
		out_esc(b, z - b, 0);
		out_ch('\n');
		b = z;
	} while (b < end);
	return 0;
}

static int tr_exit(const struct read_opts *o, struct inst *p)
{
	char b[FMT_STATUS];

	if (p->match) {
		prefix(o, p->end_sec, p->end_usec, p->pid, NULL);
		out_mem(b, fmt_status(b, p->status));
		out_ch('\n');
	}
	return 0;
}

const struct read_cmd read_transcript = {
	.mem = sizeof(struct tr),
	.opts = OPT_ENV | OPT_ENV_DIFF | OPT_PID | OPT_NAME | OPT_STREAM |
		OPT_FOLLOW | OPT_BOARD,
	.begin = tr_begin,
	.exec = tr_exec,
	.start = tr_start,
	.io = tr_io,
	.exit = tr_exit,
};
