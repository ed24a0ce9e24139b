/*
 * users_fold.c -- the users module's events folded into memory, for
 * audit's fast path (log/audit.h).  No later event changes an account's
 * row, so each row is hashed into the fold as soon as its event is read;
 * the model keeps only the names seen, to refuse a name added twice as the
 * table's primary key would.
 *
 * The rows are the snapshot query's rows, column for column: accounts are
 * table 0 (users_apply.c, users_snapshots).
 */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "domain/users/users_int.h"

#define TABLE_ACCOUNTS 0

struct users_model {
	struct strmap names; /* name -> its own copy, which the map's key points into */
};

void *
users_fold_begin(void)
{
	struct users_model *m = calloc(1, sizeof(*m));

	if (m != NULL)
		strmap_init(&m->names);
	return m;
}

static void
fold_account(struct audit_fold *fold, const struct users_account *a)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(a->name),
	    AUDIT_TEXT_VALUE(users_role_name(a->role)),
	    AUDIT_TEXT_VALUE(a->password_sealed),
	    AUDIT_INT_VALUE(a->added_seq),
	};

	audit_fold_row(fold, TABLE_ACCOUNTS, row, sizeof(row) / sizeof(row[0]));
}

enum redress_err
users_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct users_model *m = model;
	struct users_account a;
	char *name;
	enum redress_err rc;

	if (strcmp(ev->type, USERS_EV_ADDED) != 0)
		return error_set(err, REDRESS_E_INVALID, "unknown users event type '%.64s'", ev->type);
	if ((rc = users_decode_added(ev, &a, err)) != REDRESS_OK)
		return rc;
	if (strmap_get(&m->names, a.name) != NULL)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is added twice", a.name);
	if ((name = strdup(a.name)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding accounts");
	if ((rc = strmap_put(&m->names, name, name, err)) != REDRESS_OK) {
		free(name);
		return rc;
	}
	fold_account(fold, &a);
	return REDRESS_OK;
}

void
users_fold_end(void *model, struct audit_fold *fold)
{
	struct users_model *m = model;
	size_t i;

	(void)fold; /* every row was added as its event was read */
	for (i = 0; i < m->names.cap; i++)
		if (m->names.slots[i].key != NULL)
			free(m->names.slots[i].value);
	strmap_free(&m->names);
	free(m);
}
