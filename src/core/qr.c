/*
 * qr.c -- QR codes through libqrencode, drawn as SVG or terminal blocks.
 * libqrencode's module byte has bit 0 set for a dark module.
 */
#include "core/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "core/text.h"

/* The SVG of the largest code (version 40: 177 modules) stays well under this. */
#define QR_SVG_MAX (1u << 20)

static enum redress_err
qr_encode(const char *text, QRcode **code_r, struct redress_error *err)
{
	size_t len;

	if (text == NULL || *text == '\0')
		return error_set(err, REDRESS_E_INVALID, "a QR code needs text to encode");
	len = strlen(text);
	if (len > QR_TEXT_MAX)
		return error_set(err, REDRESS_E_INVALID, "QR text of %zu bytes is longer than %d", len,
		                 QR_TEXT_MAX);
	errno = 0;
	*code_r = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (*code_r == NULL)
		return error_set(err, errno == ENOMEM ? REDRESS_E_NOMEM : REDRESS_E_INVALID,
		                 "libqrencode could not encode %zu bytes as a QR code: %s", len,
		                 errno != 0 ? strerror(errno) : "unknown error");
	return REDRESS_OK;
}

/* 1 when the module at (x, y) of the code with its quiet zone is dark. */
static int
dark(const QRcode *code, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= code->width || y >= code->width)
		return 0;
	return code->data[y * code->width + x] & 1;
}

/* Appends s to out with & < > " ' escaped for XML text and attributes. */
static void
xml_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_putc(out, *s); break;
		}
	}
}

enum redress_err
qr_svg(const char *text, const char *label, struct buf *out, struct redress_error *err)
{
	QRcode *code = NULL;
	struct buf svg;
	enum redress_err rc;
	int size, x, y, run;

	if ((rc = text_check("the QR code's label", label, QR_LABEL_MAX, err)) != REDRESS_OK)
		return rc;
	if ((rc = qr_encode(text, &code, err)) != REDRESS_OK)
		return rc;
	size = code->width + 2 * QR_QUIET;
	buf_init_secret(&svg, QR_SVG_MAX); /* the drawing of a TOTP secret: wiped when freed */
	buf_printf(
	    &svg,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
	    " role=\"img\" aria-label=\"",
	    size, size, size * 4, size * 4);
	xml_escape(&svg, label);
	buf_printf(&svg,
	           "\" shape-rendering=\"crispEdges\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	           "<path fill=\"#000\" d=\"",
	           size, size);
	/* Each horizontal run of dark modules is one rectangle of the path. */
	for (y = 0; y < size; y++)
		for (x = 0; x<size; x += run> 0 ? run : 1) {
			for (run = 0; x + run < size && dark(code, x + run, y); run++)
				;
			if (run > 0)
				buf_printf(&svg, "M%d %dh%dv1h-%dz", x, y, run, run);
		}
	buf_puts(&svg, "\"/>\n</svg>\n");
	QRcode_free(code);
	if ((rc = buf_error(&svg, err)) == REDRESS_OK) {
		buf_append(out, svg.data, svg.len);
		rc = buf_error(out, err);
	}
	buf_free(&svg);
	return rc;
}

enum redress_err
qr_terminal(const char *text, FILE *f, struct redress_error *err)
{
	/* Upper and lower module of a cell, light as a block: none, lower, upper, both light. */
	static const char *const cells[4] = {" ", "\xe2\x96\x84", "\xe2\x96\x80", "\xe2\x96\x88"};
	QRcode *code = NULL;
	enum redress_err rc;
	int size, x, y;

	if ((rc = qr_encode(text, &code, err)) != REDRESS_OK)
		return rc;
	size = code->width + 2 * QR_QUIET;
	for (y = 0; y < size; y += 2) {
		for (x = 0; x < size; x++) {
			int upper = !dark(code, x, y), lower = y + 1 < size ? !dark(code, x, y + 1) : 1;

			fputs(cells[upper << 1 | lower], f);
		}
		fputc('\n', f);
	}
	QRcode_free(code);
	if (fflush(f) != 0 || ferror(f))
		return error_set(err, REDRESS_E_IO, "the QR code could not be written: %s", strerror(errno));
	return REDRESS_OK;
}
