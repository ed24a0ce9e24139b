/*
 * support.h -- what the unit tests and the fuzz targets share: a seeded
 * generator, so "random" cases are the same on every run and machine, and
 * a reference UTF-8 checker written from the Unicode standard's table, to
 * hold core/text.c's checker against.
 */
#ifndef REDRESS_TESTS_SUPPORT_H
#define REDRESS_TESTS_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64: the next value of the sequence that *state seeds. */
uint64_t support_random(uint64_t *state);

/* 1 when the len bytes at s are well-formed UTF-8 by Unicode 15, table 3-7. */
int support_utf8_valid(const unsigned char *s, size_t len);

/*
 * A fuzz input made of a verifier key (its first line) and a file (the
 * rest): each copied NUL-terminated, as the command line reads files, into
 * *key_r and *text_r (the caller frees both), the file's length in
 * *text_len_r.  0 when there is no first line or memory ran out (nothing
 * to free).
 */
int support_split_key_line(const uint8_t *data, size_t size, char **key_r, char **text_r, size_t *text_len_r);

#endif
