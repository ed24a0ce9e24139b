/*
 * feed_reference.h -- the first projection of an event to its public part
 * (jansson), frozen, for comparing the one in report_feed.c against.
 */
#ifndef REDRESS_TESTS_FEED_REFERENCE_H
#define REDRESS_TESTS_FEED_REFERENCE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

/* As report_feed_project (ctx the fund's index key): appends the public part of event to out. */
enum redress_err feed_reference_project(const void *ctx, const char *event, size_t len, struct buf *out,
                                        struct redress_error *err);

#endif
