/*
 * notice_int.h -- the content of one letter (notice.h), private to its two
 * writers: notice.c gathers it once from the fund's tables into a
 * sequence of blocks (headings, paragraphs, a claim's facts, a table's
 * rows, list items, the footer), and both the HTML writer (notice.c) and
 * the PDF writer (notice_pdf.c) walk the same sequence, so the two never
 * say different things.
 *
 * All text is already in her language and is UTF-8, unescaped; it holds
 * her name, address and the reasons of decisions, so it lives in a secret
 * buffer that is wiped when let go.
 */
#ifndef REDRESS_HTTP_NOTICE_INT_H
#define REDRESS_HTTP_NOTICE_INT_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "http/i18n.h"

#define NOTICE_CELLS      6     /* cells of one block, at most (a payment row has six) */
#define NOTICE_BLOCKS_MAX 20000 /* blocks of one letter */

/*
 * How a run of text is set.  In a table a cell's style is its column's
 * (an amount or a reference is never wrapped); in a paragraph, an item or
 * the footer the cells are runs of one line of text, and a reference run
 * is set in a fixed-width face and never broken.
 */
enum notice_style {
	NOTICE_TEXT,
	NOTICE_AMOUNT, /* an amount: set right, never wrapped */
	NOTICE_REF,    /* one of the fund's ids: fixed width, kept whole */
	NOTICE_DATE,   /* a date: never wrapped */
};

enum notice_block_type {
	NB_HEADING,     /* one heading (h2) */
	NB_PARA,        /* a paragraph of runs */
	NB_SECTION,     /* a claim's part begins (kept together where it can be) */
	NB_SECTION_END, /* and ends */
	NB_FACT,        /* one row of a two-column table: a label, a value */
	NB_HEAD,        /* a table's column headings; NB_ROWs follow */
	NB_ROW,         /* one row of that table, one cell per heading */
	NB_ITEM,        /* one item of a list of what is missing or due: runs */
	NB_FOOTER,      /* one paragraph of the letter's foot: runs */
};

struct notice_cell {
	uint32_t off; /* its text: a NUL-terminated string at text.data + off */
	unsigned char style;
};

struct notice_block {
	unsigned char type;   /* enum notice_block_type */
	unsigned char ncells; /* 1 to NOTICE_CELLS */
	struct notice_cell cell[NOTICE_CELLS];
};

struct notice_doc {
	struct buf text; /* every string of the letter, each NUL-terminated (secret) */
	struct notice_block *blocks;
	size_t n, cap;
	enum redress_err failed; /* sticky: the first allocation or limit that failed */
	int open;                /* 1: the last cell's text is not yet terminated */
	enum i18n_lang lang;
	const char *title;                  /* the letter's title in her language (a catalogue's string) */
	uint32_t fund, date, name, address; /* offsets of the header's strings in text */
};

/* The text at off of doc (a cell's or a header's). */
static inline const char *
notice_doc_str(const struct notice_doc *d, uint32_t off)
{
	return d->text.data != NULL && off < d->text.len ? d->text.data + off : "";
}

/*
 * Writes doc as an A4 PDF into out (appended; on error out may hold part of
 * a file: the caller wipes it).  The document's metadata holds its title
 * and "redress" as its creator, never her name.  REDRESS_E_IO naming
 * cairo's or pango's failure, REDRESS_E_NOMEM when out reached its maximum.
 */
enum redress_err notice_pdf_write(const struct notice_doc *doc, struct buf *out, struct redress_error *err);

#endif
