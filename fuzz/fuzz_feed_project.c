/*
 * fuzz_feed_project.c -- libFuzzer target for the projection of an event to
 * its public part (report_feed_project, domain/reports/report_feed.c), the
 * half of every version-3 Merkle leaf that the public feed publishes.
 *
 * The input is taken as an event's bytes.  The projection must never
 * crash, leak or read beyond them; what is not canonical JSON it must
 * refuse as tampered.  And it must agree with the first projection, over
 * jansson (tests/support/feed_reference.c), on every canonical input: both
 * refuse it, or both give the same bytes -- otherwise an event already in
 * some fund's log would get another leaf, and its proofs would break.  Any
 * disagreement aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/canon.h"
#include "core/error.h"
#include "crypto/seal.h"
#include "domain/reports/reports.h"
#include "feed_reference.h"
#include "log/tlog.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct seal_key *fuzz_key;
static struct canon_doc fuzz_doc;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t bytes[SEAL_KEY_SIZE];
	struct redress_error err;

	(void)argc;
	(void)argv;
	memset(bytes, 7, sizeof(bytes));
	if (seal_key_from_bytes(bytes, &fuzz_key, &err) != REDRESS_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redress_error err, ref_err;
	struct buf got, want;
	enum redress_err rc, ref_rc;
	int canonical;

	if (size > TLOG_EVENT_MAX)
		return 0;
	buf_init(&got, TLOG_EVENT_MAX + 1024);
	buf_init(&want, TLOG_EVENT_MAX + 1024);
	canonical = canon_read(&fuzz_doc, (const char *)data, size, &err) == REDRESS_OK;
	rc = report_feed_project(fuzz_key, (const char *)data, size, &got, &err);
	if (rc != REDRESS_OK && rc != REDRESS_E_TAMPERED)
		abort();
	if (!canonical && rc == REDRESS_OK)
		abort();
	if (canonical) {
		ref_rc = feed_reference_project(fuzz_key, (const char *)data, size, &want, &ref_err);
		if ((rc == REDRESS_OK) != (ref_rc == REDRESS_OK))
			abort();
		if (rc == REDRESS_OK && (got.len != want.len || memcmp(got.data, want.data, got.len) != 0))
			abort();
	}
	buf_free(&got);
	buf_free(&want);
	return 0;
}
