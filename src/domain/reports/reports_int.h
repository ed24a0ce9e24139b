/*
 * reports_int.h -- what the reports module's files share and no other
 * module sees: its statements' ids (the catalogue is in reports_apply.c).
 */
#ifndef REDRESS_DOMAIN_REPORTS_INT_H
#define REDRESS_DOMAIN_REPORTS_INT_H

#include "store/store.h"

/* The module's statements (reports_catalogue, in reports_apply.c), by id. */
enum reports_statement {
	REPORTS_Q_REGISTERED,
	REPORTS_Q_REACHED,
	REPORTS_Q_DECLINED,
	REPORTS_Q_CELLS,
	REPORTS_Q_CONSENTED,
	REPORTS_Q_APPROVED,
	REPORTS_Q_PAID_PEOPLE,
	REPORTS_Q_WAITING,
	REPORTS_Q_AMOUNTS,
	REPORTS_Q_DEATHS,
	REPORTS_Q_DAYS,
	REPORTS_Q_MONTHS,
	REPORTS_Q_PLEDGED,
	REPORTS_Q_APPLIED,    /* claims opened under the program */
	REPORTS_Q_APPEALS,    /* the program's appeals: opened, upheld, overturned */
	REPORTS_Q_GRIEVANCES, /* grievances opened, and resolved */
	REPORTS_Q_GRIEVANCES_OPEN /* the day each open grievance was opened */,
	REPORTS_Q_INSERT,
	REPORTS_Q_SNAPSHOT,
	REPORTS_Q_LATEST, /* a program's latest published report */
	REPORTS_Q_COUNT
};
extern const struct store_catalogue reports_catalogue;

#endif
