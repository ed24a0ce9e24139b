/*
 * registry_rewrap.c -- a new master key for the registry: every person's
 * data key, in registry_keys, unwrapped with the old master key and
 * wrapped with the new one, inside the caller's change (redress keys
 * rotate).  registry_keys is no projection of the log (the log never
 * holds a key), so this writes no event; the users module's event of the
 * same change records the rotation.  Afterwards the old master key opens
 * no one's data key in this database.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/registry/registry_int.h"

#define REWRAP_BATCH 512 /* rows read at once: no statement stays open across the updates */

struct rewrap_row {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char wrapped[1024];
};

static const struct store_field rewrap_fields[] = {
    STORE_FIELD(struct rewrap_row, pseudonym),
    STORE_FIELD(struct rewrap_row, wrapped),
};

enum redress_err
registry_keys_rewrap(struct store *store, const struct seal_key *old_master,
                     const struct seal_key *new_master, uint64_t *count_r, struct redress_error *err)
{
	struct rewrap_row *rows;
	char last[REGISTRY_PSEUDONYM_MAX + 1] = "", ad[REGISTRY_PSEUDONYM_MAX + 32];
	struct seal_key *key = NULL;
	struct store_stmt *st;
	enum store_step_result r = STORE_DONE;
	enum redress_err rc = REDRESS_OK;
	struct buf wrapped;
	size_t n, i;

	*count_r = 0;
	if ((rows = calloc(REWRAP_BATCH, sizeof(*rows))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory re-wrapping data keys");
	buf_init(&wrapped, sizeof(rows[0].wrapped));
	for (;;) {
		if ((st = registry_stmt(store, REGISTRY_Q_KEYS_AFTER, err)) == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_text(st, 1, last);
		store_bind_int64(st, 2, REWRAP_BATCH);
		for (n = 0;
		     n < REWRAP_BATCH && (r = store_read(st, rewrap_fields, &rows[n], err)) == STORE_ROW; n++)
			;
		if (n < REWRAP_BATCH && r != STORE_DONE) {
			rc = err->code;
			goto out;
		}
		store_end_reads(store);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			snprintf(ad, sizeof(ad), "%s/key", rows[i].pseudonym);
			buf_reset(&wrapped);
			if ((rc = seal_unwrap(old_master, rows[i].wrapped, ad, &key, err)) != REDRESS_OK) {
				error_prefix(err, "%s's data key does not open with the old master key",
				             rows[i].pseudonym);
				goto out;
			}
			rc = seal_wrap(new_master, key, ad, &wrapped, err);
			seal_key_free(&key);
			if (rc != REDRESS_OK)
				goto out;
			if ((st = registry_stmt(store, REGISTRY_Q_KEY_REWRAP, err)) == NULL) {
				rc = err->code;
				goto out;
			}
			store_bind_text(st, 1, rows[i].pseudonym);
			store_bind_text(st, 2, wrapped.data);
			if ((rc = store_run(st, err)) != REDRESS_OK)
				goto out;
			(*count_r)++;
		}
		memcpy(last, rows[n - 1].pseudonym, sizeof(last));
	}
out:
	memset(rows, 0, REWRAP_BATCH * sizeof(*rows));
	free(rows);
	buf_free(&wrapped);
	return rc;
}
