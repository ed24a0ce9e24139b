/*
 * notice_pdf.c -- a letter (notice_int.h) as an A4 PDF: pango lays out
 * each block (wrapping, Korean and Japanese line breaking, fonts found by
 * fontconfig: Noto Sans CJK KR or JP by her language, from Debian's
 * fonts-noto-cjk), cairo's PDF surface writes it into memory, never to a
 * file.  Each page has the fund's name and the date at its head and its
 * number at its foot; a long letter breaks between lines, and a table's
 * headings are repeated on the page it continues on.  Amounts, dates and
 * the fund's ids are never wrapped.  The document's metadata holds the
 * letter's title and "redress" as its creator, never her name.
 *
 * Each call makes a font map of its own, so that renders in different
 * threads of the server share nothing of pango's.
 */
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "http/notice.h"
#include "http/notice_int.h"

#define PAGE_W        595.0 /* A4, in points */
#define PAGE_H        842.0
#define MARGIN_X      51.0 /* 18 mm */
#define MARGIN_TOP    57.0 /* 20 mm */
#define MARGIN_BOTTOM 57.0
#define CONTENT_W     (PAGE_W - 2 * MARGIN_X)
#define BOTTOM        (PAGE_H - MARGIN_BOTTOM)
#define PAD_X         4.0 /* a table cell's padding */
#define PAD_Y         2.5
#define BODY_PT       10.0
#define TABLE_PT      9.0
#define SMALL_PT      8.5

struct pdf {
	const struct notice_doc *d;
	struct buf *out;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontMap *fonts;
	PangoContext *ctx;
	const char *family; /* her language's face */
	const char *mono;   /* and its fixed-width face, for the fund's ids */
	double y;           /* where the next block begins on this page */
	int page;           /* this page's number, from 1 */
};

static cairo_status_t
pdf_sink(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *out = closure;

	buf_append(out, data, len);
	return out->failed != REDRESS_OK ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/*
 * A layout of text in size points (bold or not), width points wide (<= 0:
 * one line, never wrapped), aligned as align.  The caller unrefs it.
 */
static PangoLayout *
layout_new(struct pdf *p, const char *text, double size, int bold, double width, PangoAlignment align)
{
	PangoLayout *lo = pango_layout_new(p->ctx);
	PangoFontDescription *fd = pango_font_description_from_string(p->family);

	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lo, fd);
	pango_font_description_free(fd);
	pango_layout_set_wrap(lo, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_width(lo, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_alignment(lo, align);
	pango_layout_set_text(lo, text, -1);
	return lo;
}

/*
 * A layout of a block's runs (a paragraph, an item, the footer): its
 * cells one after another, each reference in the fixed-width face and
 * never broken across lines.
 */
static PangoLayout *
layout_runs(struct pdf *p, const struct notice_block *k, double size, int bold, double width,
            struct buf *scratch)
{
	PangoAttrList *attrs = pango_attr_list_new();
	PangoLayout *lo;
	unsigned i;

	buf_reset(scratch);
	for (i = 0; i < k->ncells; i++) {
		size_t from = scratch->len;

		buf_puts(scratch, notice_doc_str(p->d, k->cell[i].off));
		if (k->cell[i].style == NOTICE_REF && scratch->len > from) {
			PangoAttribute *a = pango_attr_family_new(p->mono);
			PangoAttribute *b = pango_attr_allow_breaks_new(FALSE);

			a->start_index = b->start_index = (guint)from;
			a->end_index = b->end_index = (guint)scratch->len;
			pango_attr_list_insert(attrs, a);
			pango_attr_list_insert(attrs, b);
		}
	}
	lo = layout_new(p, scratch->data != NULL ? scratch->data : "", size, bold, width, PANGO_ALIGN_LEFT);
	pango_layout_set_attributes(lo, attrs);
	pango_attr_list_unref(attrs);
	return lo;
}

/* A table cell's layout: an amount, a date or an id on one line, text wrapped to width. */
static PangoLayout *
layout_cell(struct pdf *p, const struct notice_cell *c, int head, double width)
{
	const char *s = notice_doc_str(p->d, c->off);
	PangoLayout *lo;

	if (head || c->style == NOTICE_TEXT)
		return layout_new(p, s, TABLE_PT, head, width, PANGO_ALIGN_LEFT);
	lo = layout_new(p, s, TABLE_PT, 0, -1, PANGO_ALIGN_LEFT);
	if (c->style == NOTICE_REF) {
		PangoFontDescription *fd = pango_font_description_from_string(p->mono);

		pango_font_description_set_size(fd, (gint)(TABLE_PT * PANGO_SCALE));
		pango_layout_set_font_description(lo, fd);
		pango_font_description_free(fd);
	}
	return lo;
}

static double
height_of(PangoLayout *lo)
{
	int w, h;

	pango_layout_get_size(lo, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double
width_of(PangoLayout *lo)
{
	int w, h;

	pango_layout_get_size(lo, &w, &h);
	return (double)w / PANGO_SCALE;
}

static void
show(struct pdf *p, PangoLayout *lo, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, lo);
}

/* A line across the text's width at y, in grey g. */
static void
rule(struct pdf *p, double y, double g, double width)
{
	cairo_set_source_rgb(p->cr, g, g, g);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, MARGIN_X, y);
	cairo_line_to(p->cr, PAGE_W - MARGIN_X, y);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* The page's head (the fund, the date, a rule) and foot (its number); y below the head. */
static void
page_frame(struct pdf *p)
{
	const char *fund = notice_doc_str(p->d, p->d->fund);
	PangoLayout *date =
	    layout_new(p, notice_doc_str(p->d, p->d->date), SMALL_PT, 0, -1, PANGO_ALIGN_LEFT);
	double dw = width_of(date);
	PangoLayout *name = layout_new(p, fund, SMALL_PT, 1, CONTENT_W - dw - 12, PANGO_ALIGN_LEFT);
	PangoLayout *num;
	char n[16];
	double h = height_of(name);

	show(p, name, MARGIN_X, MARGIN_TOP - 24);
	show(p, date, PAGE_W - MARGIN_X - dw, MARGIN_TOP - 24);
	rule(p, MARGIN_TOP - 24 + (h > height_of(date) ? h : height_of(date)) + 3, 0, 0.7);
	snprintf(n, sizeof(n), "%d", p->page);
	num = layout_new(p, n, SMALL_PT, 0, -1, PANGO_ALIGN_LEFT);
	show(p, num, (PAGE_W - width_of(num)) / 2, PAGE_H - MARGIN_BOTTOM + 18);
	p->y = MARGIN_TOP - 24 + (h > 12 ? h : 12) + 16;
	g_object_unref(num);
	g_object_unref(name);
	g_object_unref(date);
}

static int
page_next(struct pdf *p)
{
	cairo_show_page(p->cr);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		return -1;
	p->page++;
	page_frame(p);
	return 0;
}

/* Room for h points more on this page, or a new page; -1 when cairo failed. */
static int
room(struct pdf *p, double h)
{
	if (p->y + h <= BOTTOM || p->y <= MARGIN_TOP + 30)
		return 0;
	return page_next(p);
}

/* Draws lo at x line by line, breaking the page between lines where it must. */
static int
flow(struct pdf *p, PangoLayout *lo, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(lo);
	int rc = 0;

	do {
		PangoRectangle r;
		double h, base;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		h = (double)r.height / PANGO_SCALE;
		base = (double)(pango_layout_iter_get_baseline(it) - r.y) / PANGO_SCALE;
		if ((rc = room(p, h)) != 0)
			break;
		cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, p->y + base);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return rc;
}

/* ---- Tables -------------------------------------------------------------------- */

/*
 * Draws one row of cells at the widths w[], with borders; a head row is
 * bold on grey.  A row taller than what is left of the page starts a new
 * one, under the table's head drawn again when there is one (a row is
 * never taller than a page: a fact's long value is drawn as a paragraph
 * instead, see facts()).
 */
static int
row(struct pdf *p, const struct notice_block *k, const double *w, int head, unsigned first_bold,
    const struct notice_block *repeat)
{
	PangoLayout *lo[NOTICE_CELLS] = {NULL};
	double h = 0, x = MARGIN_X;
	unsigned i;
	int rc = 0;

	for (i = 0; i < k->ncells; i++) {
		lo[i] = layout_cell(p, &k->cell[i], head || (i == 0 && first_bold), w[i] - 2 * PAD_X);
		if (height_of(lo[i]) > h)
			h = height_of(lo[i]);
	}
	h += 2 * PAD_Y;
	if (p->y + h > BOTTOM && p->y > MARGIN_TOP + 30) {
		if ((rc = page_next(p)) != 0 || (repeat != NULL && (rc = row(p, repeat, w, 1, 0, NULL)) != 0))
			goto out;
	}
	for (i = 0; i < k->ncells; i++) {
		if (head || (i == 0 && first_bold)) {
			cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
			cairo_rectangle(p->cr, x, p->y, w[i], h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
		cairo_set_line_width(p->cr, 0.5);
		cairo_rectangle(p->cr, x, p->y, w[i], h);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		if (!head && k->cell[i].style == NOTICE_AMOUNT)
			show(p, lo[i], x + w[i] - PAD_X - width_of(lo[i]), p->y + PAD_Y);
		else
			show(p, lo[i], x + PAD_X, p->y + PAD_Y);
		x += w[i];
	}
	p->y += h;
out:
	for (i = 0; i < k->ncells; i++)
		if (lo[i] != NULL)
			g_object_unref(lo[i]);
	return rc;
}

/*
 * A claim's facts, blocks [*i, ...) of type NB_FACT: a label column of 35%
 * and the value beside it; a value taller than half a page is written
 * under its label as a paragraph, which may break across pages.
 */
static int
facts(struct pdf *p, size_t *i)
{
	const struct notice_doc *d = p->d;
	double w[2] = {CONTENT_W * 0.35, CONTENT_W * 0.65};
	int rc = 0;

	for (; *i < d->n && d->blocks[*i].type == NB_FACT && rc == 0; (*i)++) {
		const struct notice_block *k = &d->blocks[*i];
		PangoLayout *v;
		struct notice_block label;

		if (k->ncells < 2)
			continue;
		v = layout_cell(p, &k->cell[1], 0, w[1] - 2 * PAD_X);
		if (height_of(v) + 2 * PAD_Y <= (BOTTOM - MARGIN_TOP) / 2) {
			g_object_unref(v);
			rc = row(p, k, w, 0, 1, NULL);
			continue;
		}
		label = *k;
		label.ncells = 1;
		g_object_unref(v);
		{
			double whole[1] = {CONTENT_W};

			if ((rc = row(p, &label, whole, 0, 1, NULL)) != 0)
				break;
		}
		v = layout_cell(p, &k->cell[1], 0, CONTENT_W - 2 * PAD_X);
		p->y += PAD_Y;
		rc = flow(p, v, MARGIN_X + PAD_X);
		p->y += PAD_Y;
		g_object_unref(v);
	}
	p->y += 6;
	return rc;
}

/*
 * A table: its head at blocks[*i] and the NB_ROWs after it.  A column of
 * amounts, dates or ids is as wide as its widest cell, never wrapped; the
 * other columns share what is left in proportion to their text.  When
 * the fixed columns leave too little, every column wraps in equal shares.
 */
static int
table(struct pdf *p, size_t *i)
{
	const struct notice_doc *d = p->d;
	const struct notice_block *head = &d->blocks[*i];
	unsigned ncol = head->ncells, c, nwrap = 0;
	double w[NOTICE_CELLS] = {0}, natural[NOTICE_CELLS] = {0}, fixed = 0, wrap_sum = 0;
	int nowrap[NOTICE_CELLS] = {0};
	size_t j, end;
	int rc = 0;

	for (end = *i + 1; end < d->n && d->blocks[end].type == NB_ROW; end++)
		for (c = 0; c < ncol && c < d->blocks[end].ncells; c++)
			if (d->blocks[end].cell[c].style != NOTICE_TEXT)
				nowrap[c] = 1;
	for (j = *i; j < end; j++)
		for (c = 0; c < ncol && c < d->blocks[j].ncells; c++) {
			PangoLayout *lo = layout_cell(p, &d->blocks[j].cell[c], j == *i, -1);
			double nw = width_of(lo) + 2 * PAD_X;

			if (nw > natural[c])
				natural[c] = nw;
			g_object_unref(lo);
		}
	for (c = 0; c < ncol; c++) {
		if (nowrap[c])
			fixed += natural[c];
		else {
			nwrap++;
			wrap_sum += natural[c];
		}
	}
	if (fixed + 48.0 * nwrap > CONTENT_W) {
		for (c = 0; c < ncol; c++)
			w[c] = CONTENT_W / ncol;
	} else {
		double left = CONTENT_W - fixed;

		for (c = 0; c < ncol; c++) {
			if (nowrap[c])
				w[c] = natural[c];
			else if (wrap_sum > 0) {
				w[c] = left * natural[c] / wrap_sum;
				if (w[c] < 48.0)
					w[c] = 48.0;
			} else
				w[c] = left / nwrap;
		}
		/* Shares floored at 48 points may overrun: take the excess from the widest. */
		{
			double sum = 0;
			unsigned widest = 0;

			for (c = 0; c < ncol; c++) {
				sum += w[c];
				if (!nowrap[c] && (nowrap[widest] || w[c] > w[widest]))
					widest = c;
			}
			if (sum > CONTENT_W)
				w[widest] -= sum - CONTENT_W;
		}
	}
	if ((rc = room(p, 48)) != 0 || (rc = row(p, head, w, 1, 0, NULL)) != 0)
		goto out;
	for (j = *i + 1; j < end && rc == 0; j++)
		rc = row(p, &d->blocks[j], w, 0, 0, head);
out:
	*i = end;
	p->y += 6;
	return rc;
}

/* A block's runs from x to the right margin, line by line, then after points of space. */
static int
runs(struct pdf *p, const struct notice_block *k, double size, int bold, double x, double after,
     struct buf *scratch)
{
	PangoLayout *lo = layout_runs(p, k, size, bold, PAGE_W - MARGIN_X - x, scratch);
	int rc = flow(p, lo, x);

	p->y += after;
	g_object_unref(lo);
	return rc;
}

/* ---- The letter ------------------------------------------------------------------ */

static int
blocks(struct pdf *p)
{
	const struct notice_doc *d = p->d;
	struct buf scratch;
	size_t i = 0;
	int rc = 0;

	buf_init_secret(&scratch, NOTICE_PAGE_MAX);
	while (i < d->n && rc == 0) {
		const struct notice_block *k = &d->blocks[i];

		switch (k->type) {
		case NB_HEADING:
			p->y += 10;
			/* A heading is kept with the first lines after it. */
			if ((rc = room(p, 60)) == 0)
				rc = runs(p, k, 12, 1, MARGIN_X, 4, &scratch);
			i++;
			break;
		case NB_PARA:
			rc = runs(p, k, BODY_PT, 0, MARGIN_X, 6, &scratch);
			i++;
			break;
		case NB_ITEM:
			if ((rc = room(p, BODY_PT * 1.5)) == 0) {
				PangoLayout *dot = layout_new(p, "\u2022", BODY_PT, 0, -1, PANGO_ALIGN_LEFT);

				show(p, dot, MARGIN_X + 3, p->y);
				g_object_unref(dot);
				rc = runs(p, k, BODY_PT, 0, MARGIN_X + 14, 4, &scratch);
			}
			i++;
			break;
		case NB_FOOTER:
			if (i == 0 || d->blocks[i - 1].type != NB_FOOTER) {
				p->y += 14;
				if ((rc = room(p, 40)) != 0)
					break;
				rule(p, p->y, 0.45, 0.5);
				p->y += 6;
			}
			rc = runs(p, k, SMALL_PT, 0, MARGIN_X, 3, &scratch);
			i++;
			break;
		case NB_SECTION:
			p->y += 4;
			i++;
			break;
		case NB_FACT: rc = facts(p, &i); break;
		case NB_HEAD: rc = table(p, &i); break;
		case NB_SECTION_END:
		case NB_ROW: /* a row without its head: none is made */
		default: i++; break;
		}
	}
	buf_free(&scratch);
	return rc;
}

/* The first page's opening: her name and address, the letter's title. */
static int
opening(struct pdf *p)
{
	PangoLayout *to = layout_new(p, notice_doc_str(p->d, p->d->name), 11, 0, CONTENT_W, PANGO_ALIGN_LEFT);
	PangoLayout *at =
	    layout_new(p, notice_doc_str(p->d, p->d->address), 10, 0, CONTENT_W, PANGO_ALIGN_LEFT);
	PangoLayout *title = layout_new(p, p->d->title, 15, 1, CONTENT_W, PANGO_ALIGN_LEFT);
	int rc;

	p->y += 18;
	if ((rc = flow(p, to, MARGIN_X)) == 0 && (rc = flow(p, at, MARGIN_X)) == 0) {
		p->y += 26;
		rc = flow(p, title, MARGIN_X);
		p->y += 8;
	}
	g_object_unref(title);
	g_object_unref(at);
	g_object_unref(to);
	return rc;
}

enum redress_err
notice_pdf_write(const struct notice_doc *doc, struct buf *out, struct redress_error *err)
{
	static const char *const faces[][2] = {
	    [I18N_KO] = {"Noto Sans CJK KR", "Noto Sans Mono CJK KR"},
	    [I18N_JA] = {"Noto Sans CJK JP", "Noto Sans Mono CJK JP"},
	    [I18N_EN] = {"Noto Sans CJK KR", "Noto Sans Mono CJK KR"},
	};
	struct pdf p;
	cairo_font_options_t *fo = NULL;
	cairo_status_t st;
	enum redress_err rc = REDRESS_OK;
	size_t start = out->len;

	memset(&p, 0, sizeof(p));
	p.d = doc;
	p.out = out;
	p.family = faces[(unsigned)doc->lang < 3 ? doc->lang : I18N_KO][0];
	p.mono = faces[(unsigned)doc->lang < 3 ? doc->lang : I18N_KO][1];
	p.surface = cairo_pdf_surface_create_for_stream(pdf_sink, out, PAGE_W, PAGE_H);
	if ((st = cairo_surface_status(p.surface)) != CAIRO_STATUS_SUCCESS) {
		rc = error_set(err, REDRESS_E_IO, "the notice's PDF could not be started: %s",
		               cairo_status_to_string(st));
		goto out;
	}
	cairo_pdf_surface_restrict_to_version(p.surface, CAIRO_PDF_VERSION_1_5);
	/* Her name is never the title: the letter's kind is, in her language. */
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, doc->title);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "redress");
	p.cr = cairo_create(p.surface);
	if ((st = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		rc = error_set(err, REDRESS_E_IO, "the notice's PDF could not be drawn: %s",
		               cairo_status_to_string(st));
		goto out;
	}
	p.fonts = pango_cairo_font_map_new();
	p.ctx = pango_font_map_create_context(p.fonts);
	pango_cairo_context_set_resolution(p.ctx, 72); /* a point is a unit of the page */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p.ctx, fo);
	pango_context_set_language(p.ctx, pango_language_from_string(i18n_code(doc->lang)));
	p.page = 1;
	page_frame(&p);
	if (opening(&p) == 0 && blocks(&p) == 0)
		cairo_show_page(p.cr);
	if ((st = cairo_status(p.cr)) != CAIRO_STATUS_SUCCESS) {
		rc = error_set(err, REDRESS_E_IO, "the notice's PDF could not be drawn: %s",
		               cairo_status_to_string(st));
		goto out;
	}
	cairo_surface_finish(p.surface);
	/* cairo 1.16 does not always pass its stream's write error on to the surface: both are asked. */
	if (out->failed != REDRESS_OK) {
		rc = error_set(err, out->failed, "the notice's PDF is longer than %zu bytes", out->max);
		goto out;
	}
	if ((st = cairo_surface_status(p.surface)) != CAIRO_STATUS_SUCCESS) {
		rc = error_set(err, REDRESS_E_IO, "the notice's PDF could not be written: %s",
		               cairo_status_to_string(st));
		goto out;
	}
	if (out->len == start)
		rc = error_set(err, REDRESS_E_IO, "the notice's PDF came out empty");
out:
	if (fo != NULL)
		cairo_font_options_destroy(fo);
	if (p.ctx != NULL)
		g_object_unref(p.ctx);
	if (p.fonts != NULL)
		g_object_unref(p.fonts);
	if (p.cr != NULL)
		cairo_destroy(p.cr);
	if (p.surface != NULL) {
		/* Finishing again after an error flushes nothing more of use; the caller wipes out. */
		cairo_surface_destroy(p.surface);
	}
	return rc;
}
