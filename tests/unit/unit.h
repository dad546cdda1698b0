/* unit.h - what the unit tests (tests/unit/NAME_test.c) share, in unit.c:
 * their PASS:/FAIL: lines and a temporary directory of their own.
 * tests/unit.test and tests/cross.test link unit.c into each of them.
 * SPDX-License-Identifier: MIT */
#ifndef UNIT_H
#define UNIT_H

/* Names the test's lines ("PASS: name: ..."); with_dir: makes its
 * directory, /tmp/name_test.XXXXXX. 0, or -1 with errno. */
int unit_begin(const char *name, int with_dir);

/* One line, PASS or FAIL, flushed (the tests fork: a child must not
 * print it again). */
void unit_result(int ok, const char *what);

/* rel inside the directory; the string stays valid for the next 7
 * calls. */
const char *unit_path(const char *rel);

/* Removes the directory and everything in it, if there is one. */
void unit_end(void);

#endif
