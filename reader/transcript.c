/* transcript.c - stdiocap --transcript: every record in file order,
 * times in seconds since the capture's first record; --env / --env-diff
 * show each exec's environment, or what it changed. doc/stdiocap.1
 * "--transcript".
 * SPDX-License-Identifier: MIT
 *
 * Lines, not records: the records of one process and stream are joined
 * into lines for display (an unbuffered "ls: " + "cannot access" + ...
 * is one line). A line is shown when its newline arrives, when its
 * process ends or the reading ends, and at a turn of the dialogue:
 * output waiting when the process's input comes (a prompt), input
 * waiting when its own output comes; each with the time of its first
 * byte. Output of its other stream does not end it: a relay may read a
 * stdout chunk before the stderr written first. --raw shows one line
 * per record instead, its newlines as \n.
 *
 * Relayed output: a wrapped program run by a wrapped shell is recorded
 * twice, once by its own wrapper and again by the shell's, which
 * relays the same bytes (the lineage of doc/capture-format.md names the
 * shell as the parent). Each process's recent output is kept; output
 * of a parent that is, byte for byte, output its recorded children made
 * before is marked "(relayed from PID)", or left out with
 * --hide-relayed. --extract is not concerned: it gives the bytes.
 *
 * --env-diff compares each exec's environment with its parent's (the
 * instance its lineage names, alive when it started): + new or
 * changed, - removed; --env-diff=full with the previous exec shown.
 * A process whose parent is not in the capture is compared with
 * nothing, and a line says so. Both are linear in the size of the
 * capture: each exec's items are looked up in a hash set of the other
 * environment's items, then its names in one of its own, each built
 * afresh at a size proportional to the env's bytes (a crafted capture
 * of many tiny variables once took quadratic time).
 *
 * A collector's capture (doc/network.md "Reading a farm"): every line
 * names its board after the PID, in brackets as --ps does, and a
 * process is its key (pid and board, struct inst), so relayed output
 * and a parent's environment are only ever looked for on its own
 * board. */
#include <stdlib.h>
#include <string.h>

#include "read.h"

enum {
	BLOB_MAX = 65536,	/* bytes of one blob shown */
	SET_MAX = BLOB_MAX,	/* slots: at least the bytes of the env, so
				 * a set (items >= 2 bytes) is half full */
	LINE_MAX_ = 4096,	/* bytes of a line kept waiting for its
				 * newline; a longer one is shown in parts */
	LINES = 32,		/* lines waiting at once (the oldest is
				 * shown to make room) */
	KEEP = 8192,		/* recent output kept per process and stream
				 * (a parent relays at most this at once) */
	KEEPS = 64,		/* processes' streams kept at once */
	ENVS = 4096,		/* buckets of the environments by pid */
	ENV_BYTES = 32 << 20,	/* environments kept for --env-diff at most */
};

/* A line waiting for its newline. */
struct line {
	unsigned long seq;	/* its instance; 0: a free slot */
	unsigned long age;	/* when it began, to show the oldest */
	uint32_t key, from;	/* from: relayed from that child, or 0 */
	uint32_t sec, usec;	/* its first byte */
	int stream;
	size_t len;
	unsigned char b[LINE_MAX_];
};

/* A process's recent output on one stream, not yet found relayed. */
struct keep {
	unsigned long seq;	/* its instance; 0: a free slot */
	unsigned long used;	/* for the least recently used */
	uint32_t key, pkey;	/* its key and its parent's (struct inst) */
	size_t len;
	unsigned char b[KEEP];
};

/* A live process's environment, for its children's --env-diff. */
struct env {
	struct env *next;
	uint32_t key;		/* its process's (struct inst) */
	size_t len;
	unsigned char b[];
};

struct tr {
	struct inst *blob_of;	/* whose blob is in blob */
	size_t blob_len, prev_len;
	unsigned long long blob_total;
	int have_prev;
	unsigned long ages;
	size_t env_bytes;
	unsigned char blob[BLOB_MAX], prev[BLOB_MAX];
	uint32_t set[SET_MAX];	/* 1 + offset of an item in its env; 0:
				 * free. One set at a time (env_diff). */
	struct line line[LINES];
	struct keep keep[KEEPS];
	struct env *env[ENVS];	/* --env-diff: by key */
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

/* "  0.000213    4242 ", "[BOARD] " when the process (its key) has
 * one, and a word padded to 7 columns */
static void prefix(const struct read_opts *o, uint32_t sec, uint32_t usec,
		   uint32_t key, const char *word)
{
	char b[FMT_SECS + FMT_BOARD];
	size_t n;

	out_pad(b, fmt_secs(b, ((long long)sec - o->base_sec) * 1000000 +
			    usec - o->base_usec), 10, 1);
	out_ch(' ');
	out_pad(b, fmt_u(b, key & 0xffffff), 7, 1);
	out_ch(' ');
	if ((n = read_board(b, key))) {
		out_ch('[');
		out_mem(b, n);
		out_str("] ");
	}
	if (word)
		out_pad(word, strlen(word), 7, 0);
}

static void env_line(const struct read_opts *o, const struct inst *p,
		     char mark, const unsigned char *it, size_t l)
{
	prefix(o, p->sec, p->usec, p->key, "env");
	if (mark)
		out_ch(mark);
	out_esc(it, l, 0);
	out_ch('\n');
}

/* --env-diff: +added or changed, then -removed against the environment
 * old (n0 bytes): the current items looked up in a set of the old ones,
 * then the old names in a set of the current ones. */
static void env_diff(const struct read_opts *o, const struct inst *p,
		     const unsigned char *old, size_t n0,
		     const unsigned char *e, size_t n)
{
	const unsigned char *it;
	size_t pos = 0, l, k;
	uint32_t mask = set_fill(old, n0, 0);

	while ((l = env_item(e, n, &pos, &it)))
		if (!*set_slot(mask, old, n0, it, l, 0))
			env_line(o, p, '+', it, l);
	mask = set_fill(e, n, 1);
	pos = 0;
	while ((l = env_item(old, n0, &pos, &it))) {
		k = key_len(it, l, 1);
		if (!*set_slot(mask, e, n, it, k, 1))
			env_line(o, p, '-', it, k - (it[k - 1] == '='));
	}
}

/* ---- the environments of live processes (--env-diff by parent) */

static struct env **env_at(uint32_t key)
{
	struct env **e = &tr->env[key % ENVS];

	while (*e && (*e)->key != key)
		e = &(*e)->next;
	return e;
}

static void env_drop(uint32_t key)
{
	struct env **e = env_at(key), *d = *e;

	if (d) {
		*e = d->next;
		tr->env_bytes -= d->len;
		free(d);
	}
}

/* Keeps p's environment (e, n bytes) in place of any older one of its
 * key; 0 when the bound or memory does not allow it. */
static int env_keep(uint32_t key, const unsigned char *e, size_t n)
{
	struct env *d;

	env_drop(key);
	if (n > ENV_BYTES - tr->env_bytes ||
	    !(d = malloc(sizeof *d + n)))
		return 0;
	d->key = key;
	d->len = n;
	memcpy(d->b, e, n);
	d->next = tr->env[key % ENVS];
	tr->env[key % ENVS] = d;
	tr->env_bytes += n;
	return 1;
}

static void env_free(void)
{
	unsigned i;

	for (i = 0; i < ENVS; i++)
		while (tr->env[i])
			env_drop(tr->env[i]->key);
}

/* The env lines of an exec: all (--env), or what changed against the
 * parent (--env-diff) or the previous exec shown (--env-diff=full). */
static void env_show(const struct read_opts *o, const struct inst *p,
		     const unsigned char *e, size_t n)
{
	const unsigned char *it;
	struct env *par;
	size_t pos = 0, l;
	char b[FMT_ULL];

	if (o->set & OPT_ENV) {
		while ((l = env_item(e, n, &pos, &it)))
			env_line(o, p, 0, it, l);
		return;
	}
	if (o->set & OPT_ENV_FULL) {
		if (tr->have_prev)
			env_diff(o, p, tr->prev, tr->prev_len, e, n);
		else
			env_diff(o, p, NULL, 0, e, n);
		return;
	}
	par = *env_at(inst_parent_key(p));
	if (par) {
		env_diff(o, p, par->b, par->len, e, n);
		return;
	}
	prefix(o, p->sec, p->usec, p->key, "env");
	out_str("(parent ");
	out_mem(b, fmt_u(b, p->ppid));
	out_str(tr->env_bytes >= ENV_BYTES / 2 ?
		" not in the capture, or its environment not kept: "
		"compared with nothing)\n" :
		" not in the capture: compared with nothing)\n");
	env_diff(o, p, NULL, 0, e, n);
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

/* The exec line and its env lines. Every process's environment is
 * kept while it lives, for its children to be compared with (matched
 * by --pid or --name or not). */
static int tr_start(const struct read_opts *o, struct inst *p)
{
	const unsigned char *e;
	size_t n;
	int by_parent = (o->set & (OPT_ENV_DIFF | OPT_ENV_FULL)) == OPT_ENV_DIFF;

	if (tr->blob_of != p)
		return 0;	/* no execve record: a capture begun mid-way */
	tr->blob_of = NULL;	/* (the slot may hold another one next) */
	n = inst_argv_len(p);
	e = tr->blob + (n < tr->blob_len ? n : tr->blob_len);
	if (p->match) {
		prefix(o, p->sec, p->usec, p->key, "exec");
		out_argv(tr->blob, tr->blob_len, n);
		out_ch('\n');
		if (o->set & (OPT_ENV | OPT_ENV_DIFF))
			env_show(o, p, e, tr->blob + tr->blob_len - e);
		if (o->set & (OPT_ENV | OPT_ENV_DIFF) &&
		    tr->blob_total > tr->blob_len) {
			prefix(o, p->sec, p->usec, p->key, "env");
			out_str("... (");
			out_u(tr->blob_total - tr->blob_len);
			out_str(" bytes of the execve record not shown)\n");
		}
	}
	n = tr->blob + tr->blob_len - e;
	if (by_parent) {
		env_keep(p->key, e, n);
	} else if (p->match) {
		memcpy(tr->prev, e, n);
		tr->prev_len = n;
		tr->have_prev = 1;
	}
	return 0;
}

/* ---- output lines */

static const char *const names[] = { "stdin", "stdout", "stderr" };

/* One line: its prefix, the relay mark, the bytes a and b joined. */
static void line_out(const struct read_opts *o, uint32_t sec, uint32_t usec,
		     uint32_t key, int stream, uint32_t from,
		     const unsigned char *a, size_t na,
		     const unsigned char *b, size_t nb)
{
	prefix(o, sec, usec, key, names[stream]);
	if (from) {
		out_str("(relayed from ");
		out_u(from & 0xffffff);
		out_str(") ");
	}
	out_esc(a, na, 0);
	out_esc(b, nb, 0);
	out_ch('\n');
}

static void line_flush(const struct read_opts *o, struct line *l)
{
	if (!l->seq)
		return;
	line_out(o, l->sec, l->usec, l->key, l->stream, l->from, l->b, l->len,
		 NULL, 0);
	l->seq = 0;
}

enum { LINES_ALL, LINES_OUTPUT, LINES_INPUT };

/* Shows the lines of p still waiting (p: all), oldest first: all, its
 * own output (not what it relayed) or its input. */
static void lines_flush(const struct read_opts *o, const struct inst *p,
			int which)
{
	struct line *l, *old;
	unsigned i;

	for (;;) {
		old = NULL;
		for (i = 0; i < LINES; i++) {
			l = &tr->line[i];
			if (!l->seq || (p && l->seq != p->seq) ||
			    (which == LINES_OUTPUT &&
			     (l->from || l->stream == EVENT_STDIN)) ||
			    (which == LINES_INPUT && l->stream != EVENT_STDIN))
				continue;
			if (!old || l->age < old->age)
				old = l;
		}
		if (!old)
			return;
		line_flush(o, old);
	}
}

/* The line of p's stream waiting, or a new slot for one (the oldest
 * line is shown to make room). */
static struct line *line_of(const struct read_opts *o, const struct inst *p,
			    int stream)
{
	struct line *l, *free_ = NULL, *old = NULL;
	unsigned i;

	for (i = 0; i < LINES; i++) {
		l = &tr->line[i];
		if (l->seq == p->seq && l->stream == stream)
			return l;
		if (!l->seq)
			free_ = l;
		else if (!old || l->age < old->age)
			old = l;
	}
	if (!free_) {
		line_flush(o, old);
		free_ = old;
	}
	return free_;
}

/* Bytes of a chunk (n at b) as lines: the one waiting for p's stream
 * first, a line per newline, what follows the last one kept waiting. */
static void lines_add(const struct read_opts *o, const struct inst *p,
		      const struct capread_record *r, uint32_t from,
		      const unsigned char *b, size_t n)
{
	const unsigned char *end = b + n, *z;
	struct line *l;

	l = line_of(o, p, r->event);
	if (l->seq && l->from != from)
		line_flush(o, l);	/* relayed, then its own, or back */

	while (b < end) {
		z = memchr(b, '\n', end - b);
		if (z) {	/* a whole line */
			z++;
			if (l->seq) {
				line_out(o, l->sec, l->usec, l->key, l->stream,
					 l->from, l->b, l->len, b, z - b);
				l->seq = 0;
			} else {
				line_out(o, r->sec, r->usec, p->key, r->event,
					 from, b, z - b, NULL, 0);
			}
			b = z;
			continue;
		}
		n = end - b;
		if (l->seq && l->len + n > LINE_MAX_)
			line_flush(o, l);	/* too long to wait: a part */
		if (!l->seq) {
			l->seq = p->seq;
			l->age = ++tr->ages;
			l->key = p->key;
			l->from = from;
			l->sec = r->sec;
			l->usec = r->usec;
			l->stream = r->event;
			l->len = 0;
		}
		if (n > LINE_MAX_) {
			line_out(o, l->sec, l->usec, l->key, l->stream, from,
				 b, n, NULL, 0);
			l->seq = 0;
		} else {
			memcpy(l->b + l->len, b, n);
			l->len += n;
		}
		b = end;
	}
}

/* ---- relayed output */

/* How many of the n bytes at b, written by the process key, are output
 * its recorded children kept, from the start: they are taken from what
 * was kept, and *from is the child (the first of them). The rest is
 * the process's own (a shell's echo read in the same chunk). */
static size_t relayed(uint32_t key, const unsigned char *b, size_t n,
		      uint32_t *from)
{
	size_t took[KEEPS], done = 0, m = 0;
	struct keep *k = NULL;
	unsigned i;

	*from = 0;
	memset(took, 0, sizeof took);
	while (done < n) {
		for (i = 0; i < KEEPS; i++) {
			k = &tr->keep[i];
			if (!k->seq || k->pkey != key || k->key == key ||
			    took[i] == k->len)
				continue;
			m = k->len - took[i] < n - done ? k->len - took[i] : n - done;
			if (!memcmp(k->b + took[i], b + done, m))
				break;
		}
		if (i == KEEPS)
			break;
		if (!*from)
			*from = k->key;
		took[i] += m;
		done += m;
	}
	for (i = 0; i < KEEPS; i++) {
		k = &tr->keep[i];
		if (!took[i])
			continue;
		memmove(k->b, k->b + took[i], k->len - took[i]);
		k->len -= took[i];
	}
	return done;
}

/* Keeps p's output for its parent's records to be matched with: the
 * latest KEEP bytes of its output streams, in one slot per process
 * (a parent may relay both into one, 2>&1). */
static void keep_add(const struct inst *p, const unsigned char *b, size_t n)
{
	struct keep *k, *slot = NULL;
	unsigned i;

	for (i = 0; i < KEEPS; i++) {
		k = &tr->keep[i];
		if (k->seq == p->seq) {
			slot = k;
			break;
		}
		if (!slot || !k->seq || (slot->seq && k->used < slot->used))
			slot = k;
	}
	if (slot->seq != p->seq) {
		slot->seq = p->seq;
		slot->key = p->key;
		slot->pkey = inst_parent_key(p);
		slot->len = 0;
	}
	slot->used = ++tr->ages;
	if (n >= KEEP) {
		b += n - KEEP;
		n = KEEP;
	}
	if (slot->len + n > KEEP) {	/* never relayed: the oldest go */
		memmove(slot->b, slot->b + (slot->len + n - KEEP), KEEP - n);
		slot->len = KEEP - n;
	}
	memcpy(slot->b + slot->len, b, n);
	slot->len += n;
}

/* Shows n bytes at b of chunk r, relayed from from (or 0). */
static void chunk(const struct read_opts *o, const struct inst *p,
		  const struct capread_record *r, uint32_t from,
		  const unsigned char *b, size_t n)
{
	if (!n || (from && o->set & OPT_HIDE_RELAYED))
		return;
	if (o->set & OPT_RAW)
		line_out(o, r->sec, r->usec, p->key, r->event, from, b, n,
			 NULL, 0);
	else
		lines_add(o, p, r, from, b, n);
}

/* One chunk: what was relayed from children, then the process's own. */
static int tr_io(const struct read_opts *o, struct inst *p,
		 const struct capread_record *r)
{
	uint32_t from = 0;
	size_t m = 0;

	if (r->event != EVENT_STDIN) {
		m = relayed(p->key, r->data, r->len, &from);
		keep_add(p, r->data, r->len);
	}
	if (!p->match || !(o->streams >> r->event & 1))
		return 0;
	/* input ends a prompt waiting, the process's own output ends the
	 * input line waiting: the turns of a dialogue */
	if (!(o->set & OPT_RAW) && (r->event == EVENT_STDIN || m < r->len))
		lines_flush(o, p, r->event == EVENT_STDIN ? LINES_OUTPUT :
			    LINES_INPUT);
	chunk(o, p, r, from, r->data, m);
	chunk(o, p, r, 0, r->data + m, r->len - m);
	return 0;
}

static int tr_exit(const struct read_opts *o, struct inst *p)
{
	char b[FMT_STATUS];

	lines_flush(o, p, LINES_ALL);
	env_drop(p->key);
	if (p->match) {
		prefix(o, p->end_sec, p->end_usec, p->key, NULL);
		out_mem(b, fmt_status(b, p->status));
		out_ch('\n');
	}
	return 0;
}

/* Ended without exit record. Replaced: its environment stays for the
 * program that replaced it (exec wrapped-cmd: its parent has its pid). */
static void tr_gone(const struct read_opts *o, struct inst *p)
{
	lines_flush(o, p, LINES_ALL);
	if (p->end != INST_REPLACED)
		env_drop(p->key);
}

static int tr_end(const struct read_opts *o)
{
	lines_flush(o, NULL, LINES_ALL);
	env_free();
	return 0;
}

const struct read_cmd read_transcript = {
	.mem = sizeof(struct tr),
	.opts = OPT_ENV | OPT_ENV_DIFF | OPT_ENV_FULL | OPT_PID | OPT_NAME |
		OPT_STREAM | OPT_FOLLOW | OPT_RAW | OPT_HIDE_RELAYED | OPT_BOARD,
	.begin = tr_begin,
	.exec = tr_exec,
	.start = tr_start,
	.io = tr_io,
	.exit = tr_exit,
	.gone = tr_gone,
	.end = tr_end,
};
