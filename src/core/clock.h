/*
 * clock.h -- wall-clock time as events record it: RFC 3339 in UTC with
 * microseconds, "2026-11-27T19:17:02.123456Z".  Text, not a number, so that
 * a person reading an event sees when it happened.
 */
#ifndef REDRESS_CORE_CLOCK_H
#define REDRESS_CORE_CLOCK_H

#include <stdint.h>

#define CLOCK_TEXT_SIZE 32

/* Writes the current UTC time into out. */
void clock_now_text(char out[CLOCK_TEXT_SIZE]);

/* Microseconds from an arbitrary start that never goes backwards, for timing. */
uint64_t clock_monotonic_us(void);

#endif
