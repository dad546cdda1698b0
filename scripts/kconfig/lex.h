/* lex.h - what parse.c uses of lex.c: tokens of the current line,
 * expressions, and reading a file statement by statement.
 * SPDX-License-Identifier: MIT */
#ifndef LEX_H
#define LEX_H

#include "kconfig.h"

enum tok_kind { TK_WORD, TK_STRING, TK_OP };

struct token {
	enum tok_kind kind;
	char *text;
};

/* Reads file, calling statement once per logical line (help texts and
 * comments left out); the position is restored afterwards, so "source"
 * can nest. */
void lex_file(const char *file, void (*statement)(const char *line));
/* The file being read, and its line in *line. */
const char *lex_where(int *line);
/* The current line as tokens: tokenize, then peek at the next one,
 * next_token past it, accept_* one if it is that; expect_end: no more. */
void tokenize(const char *s);
struct token *peek(void);
void next_token(void);
int accept_op(const char *op);
int accept_word(const char *w);
void expect_end(void);
/* Dies with "FILE:LINE: what "word"". */
void syntax(const char *what, const char *word);

/* Expressions: mk a node; mk_and/mk_or treat NULL as "always";
 * parse_or a whole expression, parse_atom one operand, parse_if an
 * optional trailing "if EXPR" (then the end of the line). */
struct expr *mk(enum op op, struct expr *l, struct expr *r);
struct expr *mk_and(struct expr *l, struct expr *r);
struct expr *mk_or(struct expr *l, struct expr *r);
struct expr *parse_or(void);
struct expr *parse_atom(void);
struct expr *parse_if(void);

#endif
