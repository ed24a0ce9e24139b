/*
 * cmd_person.c -- `redress person ...`: registering the people a fund
 * exists for, reading their files, recording a death, erasing.
 *
 * Pseudonyms are the only identifiers this command prints, except `show
 * --reveal`, which prints the identity to the one who asked and records
 * that they did.  Errors name fields and lines, never a personal value.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"
#include "http/http.h"

static void
person_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress person add --kind victim|relative --name TEXT --birth-date YYYY-MM-DD\n"
	        "                          [--national-id TEXT] [--phone TEXT] [--address TEXT]\n"
	        "                          [--region CODE] [--language ko|ja|en] [--frailty 0-3]\n"
	        "       redress person show PSEUDONYM [--reveal [--reason TEXT]] [--json]\n"
	        "       redress person list [--status alive|deceased|erased] [--json]\n"
	        "       redress person import FILE.csv [--dry-run]\n"
	        "       redress person death PSEUDONYM --date YYYY-MM-DD\n"
	        "       redress person erase PSEUDONYM\n"
	        "       redress person bank PSEUDONYM --account TEXT [--iban TEXT] --bic BIC --holder TEXT\n"
	        "       redress person reindex\n"
	        "       redress person vulnerability PSEUDONYM --set CODE[,CODE...]|none --reason TEXT\n\n"
	        "The people a fund exists for.  Each is known by a pseudonym given in order,\n"
	        "V-000001 for a victim and R-000001 for a relative, and that is all any output shows.\n"
	        "Name, birth date, national id, phone and address are sealed with the person's own\n"
	        "key; only kind, status, birth year, date of death, region, language and frailty\n"
	        "(0 none known .. 3 most frail: the payment queue's order) are kept in clear.\n\n"
	        "add     registers a person and prints the pseudonym.  A national id already\n"
	        "        registered (whatever its spacing, hyphens or case) is refused, naming who\n"
	        "        holds it.  --language defaults to ko, --frailty to 0.\n"
	        "show    the file; --reveal also opens the identity (caseworkers), and records who\n"
	        "        read it, when, and --reason, sealed.\n"
	        "list    everyone, or those with --status.\n"
	        "import  registers every row of a CSV file whose first line names the columns\n"
	        "        kind,name,birth_date,national_id,phone,address,region,language,frailty\n"
	        "        (any order; kind, name and birth_date required) as one change: one bad row\n"
	        "        (named by line and field) imports nothing.  --dry-run checks everything and\n"
	        "        changes nothing.\n"
	        "death   records the date of death.\n"
	        "erase   destroys the person's key: her sealed fields never open again, here, in\n"
	        "        the log, or in backups made from now on (admin).\n"
	        "bank    records where she is paid: account number, IBAN if any, the bank's BIC and\n"
	        "        the account holder, sealed like her identity (a later record replaces it).\n"
	        "reindex indexes everyone again for the pages' search by name, telephone and\n"
	        "        national id, and for suspected duplicates (keyed hashes of normalized parts;\n"
	        "        a fund registered before the search or the duplicate keys existed needs it\n"
	        "        once).  Each identity is opened once, in one change.\n"
	        "vulnerability  records her vulnerability categories, replacing those recorded\n"
	        "        before (none: she has none): disability, displaced, sole-carer, no-income,\n"
	        "        minority.  A program may pay people with a category first (\"priority\":\n"
	        "        [\"vulnerability:disability\", ...]).  The codes are in clear, like frailty;\n"
	        "        --reason (required) is sealed with her key and goes with erasure.\n\n"
	        "add, import, death, bank, vulnerability and reindex need a caseworker; show and list an "
	        "account that reads\n"
	        "persons; --reveal a caseworker; erase an admin.\n\n");
	cli_person_change_usage(f);
}

/* Copies an option's value into a fixed field, refusing what does not fit. */
static int
set_field(char *dst, size_t size, const char *src, const char *option)
{
	size_t len = strlen(src);

	if (len >= size) {
		fprintf(stderr, "redress: %s is %zu bytes long; the limit is %zu\n", option, len, size - 1);
		return redress_exit_code(REDRESS_E_INVALID);
	}
	memcpy(dst, src, len + 1);
	return 0;
}

/* Suspected duplicates a registration or an import made (registry_dup_candidates). */
struct dup_list {
	struct registry_dup_pair *v;
	size_t n, cap;
};

static enum redress_err
dup_seen(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct dup_list *d = ctx;

	if (d->n == d->cap) {
		size_t cap = d->cap != 0 ? d->cap * 2 : 8;
		struct registry_dup_pair *v = realloc(d->v, cap * sizeof(*v));

		if (v == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory noting suspected duplicates");
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = *pair;
	return REDRESS_OK;
}

/* Warns on stderr of each pair new makes: pseudonyms only, never a name. */
static void
dup_warn(const struct dup_list *d, const char *new_one)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr,
		        "redress: warning: %s may be the same person as %s (same %s); both are registered:"
		        " decide with 'redress duplicates resolve %s,%s --same|--distinct --reason TEXT'\n",
		        new_one, strcmp(d->v[i].a, new_one) == 0 ? d->v[i].b : d->v[i].a,
		        registry_dup_basis_name(d->v[i].basis), d->v[i].a, d->v[i].b);
}

struct add_arg {
	struct registry_new_person person;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct dup_list dups;
};

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct add_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);
	enum redress_err rc;

	a->dups.n = 0;
	if ((rc = registry_add(cli->log, &cli->actor, &keys, &a->person, a->pseudonym, err)) != REDRESS_OK)
		return rc;
	return registry_dup_candidates(tlog_store(cli->log), a->pseudonym, dup_seen, &a->dups, err);
}

static int
person_add(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"kind", required_argument, NULL, 'k'},
	    {"name", required_argument, NULL, 'n'},
	    {"birth-date", required_argument, NULL, 'b'},
	    {"national-id", required_argument, NULL, 'i'},
	    {"phone", required_argument, NULL, 'p'},
	    {"address", required_argument, NULL, 'a'},
	    {"region", required_argument, NULL, 'r'},
	    {"language", required_argument, NULL, 'l'},
	    {"frailty", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct add_arg *a;
	struct registry_identity *id;
	struct redress_error err;
	int c, status = 0, have_kind = 0;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return redress_exit_code(REDRESS_E_NOMEM);
	id = &a->person.identity;
	while (status == 0 && (c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (registry_kind_parse(optarg, &a->person.kind, &err) != REDRESS_OK)
				status = cli_usage_error("person", "--kind: %s", err.message);
			have_kind = 1;
			break;
		case 'n': status = set_field(id->name, sizeof(id->name), optarg, "--name"); break;
		case 'b':
			status = set_field(id->birth_date, sizeof(id->birth_date), optarg, "--birth-date");
			break;
		case 'i':
			status = set_field(id->national_id, sizeof(id->national_id), optarg, "--national-id");
			break;
		case 'p': status = set_field(id->phone, sizeof(id->phone), optarg, "--phone"); break;
		case 'a': status = set_field(id->address, sizeof(id->address), optarg, "--address"); break;
		case 'r':
			status = set_field(a->person.region, sizeof(a->person.region), optarg, "--region");
			break;
		case 'l':
			status =
			    set_field(a->person.language, sizeof(a->person.language), optarg, "--language");
			break;
		case 'f':
			if (optarg[0] < '0' || optarg[0] > '3' || optarg[1] != '\0')
				status = cli_usage_error("person", "--frailty is 0, 1, 2 or 3");
			else
				a->person.frailty = optarg[0] - '0';
			break;
		case 'h': person_usage(stdout); goto out;
		default: status = cli_bad_option("person", argv); break;
		}
	}
	if (status != 0)
		goto out;
	if (optind != argc)
		status = cli_usage_error("person", "'add' takes options only, not '%s'", argv[optind]);
	else if (!have_kind || id->name[0] == '\0' || id->birth_date[0] == '\0')
		status = cli_usage_error("person", "'add' needs --kind, --name and --birth-date");
	else if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_add, a)) == 0) {
		printf("%s\n", a->pseudonym);
		dup_warn(&a->dups, a->pseudonym);
	}
out:
	free(a->dups.v);
	explicit_bzero(a, sizeof(*a));
	free(a);
	return status;
}

/* The file as text, from the JSON registry_file_json() gives, so that both say the same. */
static void
print_show(const struct registry_person *p, json_t *file, const struct registry_identity *id)
{
	json_t *v, *heirs = json_object_get(file, "heirs");
	const char *scope;
	size_t i;

	printf("%s  %s, %s\n", p->pseudonym, registry_kind_name(p->kind), registry_status_name(p->status));
	printf("  birth year  %d\n", p->birth_year);
	if (p->death_date[0] != '\0')
		printf("  died        %s\n", p->death_date);
	printf("  region      %s\n", p->region[0] != '\0' ? p->region : "-");
	printf("  language    %s\n", p->language);
	printf("  frailty     %d\n", p->frailty);
	printf("  registered  event %llu\n", (unsigned long long)p->registered_seq);
	if (json_object_get(file, "merged_into") != NULL)
		printf("  merged into %s (event %lld): no new claim is opened for her\n",
		       json_string_value(json_object_get(file, "merged_into")),
		       (long long)json_integer_value(json_object_get(file, "merged_event")));
	printf("  wish        %s\n", json_string_value(json_object_get(file, "wish")));
	v = json_object_get(file, "vulnerability");
	if (json_array_size(v) > 0) {
		printf("  vulnerable ");
		for (i = 0; i < json_array_size(v); i++)
			printf("%s%s", i > 0 ? "," : " ", json_string_value(json_array_get(v, i)));
		printf(" (event %lld)\n",
		       (long long)json_integer_value(json_object_get(file, "vulnerability_event")));
	}
	json_object_foreach(json_object_get(file, "consents"), scope, v)
	{
		printf("  consent     %s: %s (event %lld)\n", scope,
		       json_is_true(json_object_get(v, "given")) ? "granted" : "withdrawn",
		       (long long)json_integer_value(json_object_get(v, "event")));
	}
	for (i = 0; i < json_array_size(heirs); i++) {
		v = json_array_get(heirs, i);
		printf("  heir        %s  %s\n", json_string_value(json_object_get(v, "relative")),
		       json_string_value(json_object_get(v, "share")));
	}
	if (id != NULL) {
		printf("  name        %s\n", id->name);
		printf("  birth date  %s\n", id->birth_date);
		printf("  national id %s\n", id->national_id[0] ? id->national_id : "-");
		printf("  phone       %s\n", id->phone[0] ? id->phone : "-");
		printf("  address     %s\n", id->address[0] ? id->address : "-");
	}
}

struct reveal_arg {
	const char *pseudonym, *reason;
	struct registry_identity id;
};

static enum redress_err
do_reveal(struct cli *cli, void *arg, struct redress_error *err)
{
	struct reveal_arg *r = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return registry_reveal(cli->log, &cli->actor, &keys, r->pseudonym, r->reason, &r->id, err);
}

static int
person_show(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"reveal", no_argument, NULL, 'r'},
	    {"reason", required_argument, NULL, 'R'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reveal_arg *r = NULL;
	struct registry_person p;
	struct redress_error err;
	json_t *file = NULL;
	const char *reason = NULL;
	int c, reveal = 0, json = 0, status = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r': reveal = 1; break;
		case 'R': reason = optarg; break;
		case 'j': json = 1; break;
		case 'h': person_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("person", "'show' takes exactly one PSEUDONYM");
	if (reason != NULL && !reveal)
		return cli_usage_error("person", "--reason goes with --reveal");
	if (reveal) {
		/* The reveal is a change: the event that says who read the file. */
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return redress_exit_code(REDRESS_E_NOMEM);
		r->pseudonym = argv[optind];
		r->reason = reason;
		if ((status = cli_run_change(cli, PERM_PERSONS_REVEAL, do_reveal, r)) != 0)
			goto out;
	} else if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK) {
		return cli_fail(&err);
	}
	if (registry_file_json(tlog_store(cli->log), argv[optind], &p, &file, &err) != REDRESS_OK ||
	    cli_merged_json(tlog_store(cli->log), p.pseudonym, file, &err) != REDRESS_OK) {
		status = cli_fail(&err);
		goto out;
	}
	if (json) {
		if (r != NULL)
			json_object_set_new(file, "identity", registry_identity_json(&r->id));
		cli_print_json(json_incref(file));
	} else {
		print_show(&p, file, r != NULL ? &r->id : NULL);
	}
out:
	json_decref(file);
	if (r != NULL) {
		explicit_bzero(r, sizeof(*r));
		free(r);
	}
	return status;
}

struct list_out {
	json_t *json; /* an array, or NULL for text */
	struct store *store;
	struct cli *cli;
};

static enum redress_err
list_one(void *ctx, const struct registry_person *p, struct redress_error *err)
{
	struct list_out *out = ctx;
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	enum redress_err rc;
	json_t *o;
	int sees;

	/* Only the people the account's office sees (domain/offices). */
	if ((sees = cli_sees(out->cli, p->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	/* A person merged into another as a duplicate (domain/dups) says whom. */
	if ((rc = dups_merged_into(out->store, p->pseudonym, into, NULL, err)) != REDRESS_OK)
		return rc;
	if (out->json != NULL) {
		if ((o = registry_person_json(p)) == NULL ||
		    (into[0] != '\0' && json_object_set_new(o, "merged_into", json_string(into)) != 0) ||
		    json_array_append_new(out->json, o) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing persons");
		return REDRESS_OK;
	}
	printf("%-10s %-8s %-8s %4d  %s  frailty %d  %-16s%s%s%s%s\n", p->pseudonym,
	       registry_kind_name(p->kind), registry_status_name(p->status), p->birth_year, p->language,
	       p->frailty, p->region[0] != '\0' ? p->region : "-", p->death_date[0] != '\0' ? "  died " : "",
	       p->death_date, into[0] != '\0' ? "  merged into " : "", into);
	return REDRESS_OK;
}

static int
person_list(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"status", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct list_out out = {NULL, NULL, cli};
	struct redress_error err;
	int c, status = -1, json = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (strcmp(optarg, "alive") != 0 && strcmp(optarg, "deceased") != 0 &&
			    strcmp(optarg, "erased") != 0)
				return cli_usage_error("person", "--status is alive, deceased or erased");
			status = strcmp(optarg, "alive") == 0      ? REGISTRY_ALIVE
			         : strcmp(optarg, "deceased") == 0 ? REGISTRY_DECEASED
			                                           : REGISTRY_ERASED;
			break;
		case 'j': json = 1; break;
		case 'h': person_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("person", "'list' takes no argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json)
		out.json = json_array();
	out.store = tlog_store(cli->log);
	if (registry_each(tlog_store(cli->log), status, list_one, &out, &err) != REDRESS_OK) {
		json_decref(out.json);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(out.json);
	return 0;
}

/* One row imported: its first line and the pseudonym it got. */
struct imported {
	size_t line;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
};

struct import_arg {
	struct cli *cli;
	struct registry_keys keys;
	size_t len;        /* the file's bytes, for progress */
	int progress;      /* stderr is a terminal: draw a progress bar there */
	unsigned shown;    /* the percentage drawn last */
	uint64_t shown_at; /* when, in monotonic microseconds */
	struct imported *rows;
	size_t nrows, cap;
	struct dup_list dups; /* the pairs the file's persons make, with each other or with those before */
};

static void
draw_progress(struct import_arg *a, size_t offset, int last)
{
	unsigned pct = a->len > 0 ? (unsigned)((double)offset * 100.0 / (double)a->len) : 100;
	uint64_t now = clock_monotonic_us();
	char bar[41];
	unsigned i;

	if (!a->progress || (!last && (pct == a->shown || now - a->shown_at < 100000)))
		return;
	for (i = 0; i < 40; i++)
		bar[i] = i < pct * 40 / 100 ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rimporting [%s] %3u%%  %zu rows", bar, pct, a->nrows);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
	a->shown = pct;
	a->shown_at = now;
}

static enum redress_err
import_row(void *ctx, size_t line, size_t offset, const struct registry_new_person *p,
           struct redress_error *err)
{
	struct import_arg *a = ctx;
	struct imported *row;
	enum redress_err rc;

	if (a->nrows == a->cap) {
		size_t cap = a->cap != 0 ? a->cap * 2 : 256;
		struct imported *rows = realloc(a->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory importing");
		a->rows = rows;
		a->cap = cap;
	}
	row = &a->rows[a->nrows];
	row->line = line;
	if ((rc = registry_add(a->cli->log, &a->cli->actor, &a->keys, p, row->pseudonym, err)) !=
	        REDRESS_OK ||
	    (rc = registry_dup_candidates(tlog_store(a->cli->log), row->pseudonym, dup_seen, &a->dups,
	                                  err)) != REDRESS_OK)
		return rc;
	a->nrows++;
	draw_progress(a, offset, 0);
	return REDRESS_OK;
}

static int
person_import(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct import_arg a;
	struct redress_error err;
	struct buf file = {0};
	const char *path;
	int c, dry_run = 0, status = 0;
	size_t i;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'n': dry_run = 1; break;
		case 'h': person_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("person", "'import' takes exactly one FILE");
	path = argv[optind];
	memset(&a, 0, sizeof(a));
	if (cli_read_file(path, REGISTRY_CSV_MAX, &file, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_open_as(cli, CLI_WRITE, PERM_PERSONS_WRITE, &err) != REDRESS_OK ||
	    tlog_begin(cli->log, &err) != REDRESS_OK) {
		status = cli_fail(&err);
		goto out;
	}
	a.cli = cli;
	a.keys = cli_registry_keys(cli);
	a.len = file.len;
	a.progress = isatty(STDERR_FILENO);
	a.shown_at = clock_monotonic_us();
	/* One change: every row, or (on the first error) none. */
	if (registry_csv_parse(file.data != NULL ? file.data : "", file.len, path, import_row, &a, &err) !=
	    REDRESS_OK) {
		if (a.progress)
			fputc('\n', stderr);
		tlog_rollback(cli->log);
		status = cli_fail(&err);
		goto out;
	}
	draw_progress(&a, file.len, 1);
	if (dry_run) {
		tlog_rollback(cli->log);
		printf("%s: %zu %s valid; nothing was imported (--dry-run)\n", path, a.nrows,
		       a.nrows == 1 ? "row is" : "rows are");
		goto out;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK) {
		status = cli_fail(&err);
		goto out;
	}
	for (i = 0; i < a.nrows; i++)
		printf("line %zu: %s\n", a.rows[i].line, a.rows[i].pseudonym);
	printf("%s: %zu %s imported\n", path, a.nrows, a.nrows == 1 ? "person" : "persons");
	/* Suspected duplicates do not stop an import: they are reported, to be decided. */
	for (i = 0; i < a.dups.n; i++)
		printf("suspected duplicate: %s,%s (%s)\n", a.dups.v[i].a, a.dups.v[i].b,
		       registry_dup_basis_name(a.dups.v[i].basis));
	if (a.dups.n > 0)
		printf("%s: %zu suspected duplicate %s: see 'redress duplicates list'\n", path, a.dups.n,
		       a.dups.n == 1 ? "pair" : "pairs");
out:
	free(a.dups.v);
	free(a.rows);
	if (file.data != NULL)
		explicit_bzero(file.data, file.cap);
	buf_free(&file);
	return status;
}

struct death_arg {
	const char *pseudonym, *date;
	uint64_t moved; /* entitlements passed to heirs */
	int unresolved; /* some could not be: no heirs, or shares not 1 */
};

static enum redress_err
do_death(struct cli *cli, void *arg, struct redress_error *err)
{
	struct death_arg *d = arg;
	struct registry_keys keys = cli_registry_keys(cli);
	enum redress_err rc;

	if ((rc = registry_death(cli->log, &cli->actor, &keys, d->pseudonym, d->date, err)) != REDRESS_OK)
		return rc;
	/* In the same change: what she was owed and not yet paid passes to her heirs. */
	return entitlements_on_death(cli->log, &cli->actor, d->pseudonym, &d->moved, &d->unresolved, err);
}

static int
person_death(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"date", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct death_arg d = {NULL, NULL, 0, 0};
	int c, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd': d.date = optarg; break;
		case 'h': person_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind + 1 != argc || d.date == NULL)
		return cli_usage_error("person", "'death' takes one PSEUDONYM and --date YYYY-MM-DD");
	d.pseudonym = argv[optind];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_death, &d)) == 0) {
		printf("%s: deceased on %s\n", d.pseudonym, d.date);
		if (d.moved > 0)
			printf("%llu unpaid entitlements passed to her heirs\n", (unsigned long long)d.moved);
		if (d.unresolved)
			printf("some unpaid entitlements stay queued in her name: record her heirs (shares "
			       "adding up"
			       " to 1), then run 'redress entitlements compute'\n");
	}
	return status;
}

struct vulnerability_arg {
	const char *pseudonym, *reason;
	unsigned mask;
};

static enum redress_err
do_vulnerability(struct cli *cli, void *arg, struct redress_error *err)
{
	struct vulnerability_arg *v = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return registry_vulnerability_record(cli->log, &cli->actor, &keys, v->pseudonym, v->mask, v->reason,
	                                     err);
}

static int
person_vulnerability(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"set", required_argument, NULL, 's'},
	    {"reason", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct vulnerability_arg v = {NULL, NULL, 0};
	char text[REGISTRY_VULN_TEXT_MAX + 1];
	struct redress_error err;
	const char *set = NULL;
	int c, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': set = optarg; break;
		case 'r': v.reason = optarg; break;
		case 'h': person_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind + 1 != argc || set == NULL || v.reason == NULL)
		return cli_usage_error("person",
		                       "'vulnerability' takes one PSEUDONYM, --set CODE[,CODE...] (or"
		                       " none) and --reason TEXT");
	if (registry_vulnerability_parse(set, &v.mask, &err) != REDRESS_OK) {
		error_prefix(&err, "--set");
		return cli_fail(&err);
	}
	v.pseudonym = argv[optind];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_vulnerability, &v)) == 0) {
		registry_vulnerability_text(v.mask, text);
		printf("%s: vulnerability categories %s\n", v.pseudonym, text[0] != '\0' ? text : "none");
	}
	return status;
}

static enum redress_err
do_reindex(struct cli *cli, void *arg, struct redress_error *err)
{
	struct registry_keys keys = cli_registry_keys(cli);

	return registry_search_reindex(cli->log, &cli->actor, &keys, arg, err);
}

static int
person_reindex(struct cli *cli, int argc, char **argv)
{
	uint64_t count = 0;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		person_usage(stdout);
		return 0;
	}
	if (argc != 1)
		return cli_usage_error("person", "'reindex' takes no argument");
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_reindex, &count)) == 0)
		printf("%llu persons indexed for search by name, telephone and national id\n",
		       (unsigned long long)count);
	return status;
}

static enum redress_err
do_erase(struct cli *cli, void *arg, struct redress_error *err)
{
	enum redress_err rc;

	/* Answers the server kept for retries that hold anyone's data go with her (http/writer.c). */
	if ((rc = registry_erase(cli->log, &cli->actor, arg, err)) != REDRESS_OK)
		return rc;
	return http_idempotency_forget_personal(cli->store, err);
}

static int
person_erase(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		person_usage(stdout);
		return 0;
	}
	if (argc != 2)
		return cli_usage_error("person", "'erase' takes exactly one PSEUDONYM");
	if ((status = cli_run_change(cli, PERM_PERSONS_ERASE, do_erase, argv[1])) != 0)
		return status;
	/* The key row is gone from the tables; the journal may still hold the page it was on. */
	if (store_scrub(cli->store, &err) != REDRESS_OK) {
		fprintf(
		    stderr,
		    "redress: %s is erased (the change is kept), but the database's journal may still hold"
		    " an old copy of the page its key was on: another process kept reading the database"
		    " (%s).  A running 'redress serve' empties the journal at its next change; with no"
		    " server running, nothing else reads and this does not happen\n",
		    argv[1], err.message);
		return redress_exit_code(err.code);
	}
	printf("%s: erased; the data key is destroyed and the sealed fields can no longer be opened\n",
	       argv[1]);
	return 0;
}

int
cmd_person(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		person_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "add") == 0)
		return person_add(cli, argc, argv);
	if (strcmp(sub, "show") == 0)
		return person_show(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return person_list(cli, argc, argv);
	if (strcmp(sub, "import") == 0)
		return person_import(cli, argc, argv);
	if (strcmp(sub, "death") == 0)
		return person_death(cli, argc, argv);
	if (strcmp(sub, "erase") == 0)
		return person_erase(cli, argc, argv);
	if (strcmp(sub, "bank") == 0)
		return cmd_person_bank(cli, argc, argv);
	if (strcmp(sub, "reindex") == 0)
		return person_reindex(cli, argc, argv);
	if (strcmp(sub, "vulnerability") == 0)
		return person_vulnerability(cli, argc, argv);
	if (strcmp(sub, "update") == 0 || strcmp(sub, "approve-change") == 0 ||
	    strcmp(sub, "reject-change") == 0 || strcmp(sub, "changes") == 0)
		return cmd_person_change(cli, argc, argv);
	return cli_usage_error("person", "'%s' is not a person command", sub);
}
