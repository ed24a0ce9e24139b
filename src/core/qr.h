/*
 * qr.h -- QR codes through libqrencode, for enrolling a second factor.
 *
 * What this promises: text encoded as a QR code (8-bit mode, error
 * correction level M, the smallest version that holds it) with the quiet
 * zone of QR_QUIET modules the standard asks for, drawn either as a
 * standalone SVG image or as UTF-8 half blocks on a terminal.  The same
 * text always gives the same bytes.  The text itself is a secret (an
 * otpauth:// URI): it is never logged, and the caller wipes it.
 */
#ifndef REDRESS_CORE_QR_H
#define REDRESS_CORE_QR_H

#include <stdio.h>

#include "core/buf.h"
#include "core/error.h"

#define QR_QUIET     4    /* modules of light border on each side */
#define QR_TEXT_MAX  1024 /* bytes of text encoded, at most */
#define QR_LABEL_MAX 256  /* bytes of the SVG's accessible name, at most */

/*
 * Appends to out a standalone SVG document of text's QR code: an <svg>
 * with xmlns, a viewBox of the code's size plus the quiet zone in modules,
 * role="img" and aria-label="label" (XML-escaped; label is valid UTF-8 of
 * at most QR_LABEL_MAX bytes, say what the image is for), a white
 * background and one <path> holding every dark module.  Nothing is
 * appended on failure: REDRESS_E_INVALID for text or a label out of range,
 * REDRESS_E_NOMEM when libqrencode or out cannot allocate.
 */
enum redress_err qr_svg(const char *text, const char *label, struct buf *out, struct redress_error *err);

/*
 * Writes text's QR code to f in UTF-8 half blocks, two rows of modules
 * per line, with the quiet zone: light modules are drawn as blocks, for
 * a terminal with light text on a dark background (as `qrencode -t UTF8`
 * does).  REDRESS_E_IO when f cannot be written.
 */
enum redress_err qr_terminal(const char *text, FILE *f, struct redress_error *err);

#endif
