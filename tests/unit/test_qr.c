/*
 * test_qr.c -- QR codes drawn as SVG and terminal blocks.  No decoder is
 * installed, so the structure is checked: the size of the code for its
 * text (version 1 is 21 modules, each version 4 more), the quiet zone left
 * light on every side, the three finder patterns where the standard puts
 * them, the same bytes for the same text, the label escaped for XML, and
 * refusals of text and labels out of range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/qr.h"

#define URI                                                                                                  \
	"otpauth://totp/"                                                                                    \
	"redress:ada?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=redress&algorithm=SHA1&digits=6&period=" \
	"30"

/* The size (modules with the quiet zone) the SVG's viewBox gives. */
static int
svg_size(const char *svg)
{
	const char *v = strstr(svg, "viewBox=\"0 0 ");
	int w = 0, h = 0;

	assert_non_null(v);
	assert_int_equal(sscanf(v, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
	assert_int_equal(w, h);
	return w;
}

/* Paints the path's rectangles ("Mx yhNv1h-Nz") into a size x size grid. */
static unsigned char *
svg_modules(const char *svg, int size)
{
	unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
	const char *d = strstr(svg, " d=\"");
	int x, y, n, m, used, i;

	assert_non_null(grid);
	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used), 4);
		assert_int_equal(n, m);
		assert_true(x >= 0 && y >= 0 && n > 0 && x + n <= size && y < size);
		for (i = 0; i < n; i++)
			grid[y * size + x + i] = 1;
		d += used;
	}
	assert_int_equal(*d, '"');
	return grid;
}

/* A 7 x 7 finder pattern with its top-left corner at (x, y): dark ring, light ring, dark 3 x 3. */
static void
assert_finder(const unsigned char *grid, int size, int x0, int y0)
{
	int x, y;

	for (y = 0; y < 7; y++)
		for (x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;

			assert_int_equal(grid[(y0 + y) * size + x0 + x], ring || core);
		}
}

static void
test_svg_structure(void **state)
{
	struct redress_error err;
	unsigned char *grid;
	struct buf out;
	int size, width, i;

	(void)state;
	buf_init(&out, 1 << 20);
	assert_int_equal(qr_svg(URI, "Second factor for ada", &out, &err), REDRESS_OK);
	assert_true(strncmp(out.data, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40) == 0);
	assert_non_null(strstr(out.data, " role=\"img\""));
	assert_non_null(strstr(out.data, " aria-label=\"Second factor for ada\""));
	assert_string_equal(out.data + out.len - 7, "</svg>\n");
	/* One path. */
	assert_non_null(strstr(out.data, "<path"));
	assert_null(strstr(strstr(out.data, "<path") + 1, "<path"));
	/* Never the secret outside the drawing: the text itself is not in the document. */
	assert_null(strstr(out.data, "GEZDGNBV"));

	size = svg_size(out.data);
	width = size - 2 * QR_QUIET;
	assert_true(width >= 21 && width <= 177 && (width - 21) % 4 == 0);
	grid = svg_modules(out.data, size);
	/* The quiet zone is light on every side. */
	for (i = 0; i < size * QR_QUIET; i++) {
		assert_int_equal(grid[i], 0);                                       /* top */
		assert_int_equal(grid[size * size - 1 - i], 0);                     /* bottom */
		assert_int_equal(grid[(i % size) * size + i / size], 0);            /* left */
		assert_int_equal(grid[(i % size) * size + size - 1 - i / size], 0); /* right */
	}
	/* The finder patterns, top left, top right, bottom left. */
	assert_finder(grid, size, QR_QUIET, QR_QUIET);
	assert_finder(grid, size, QR_QUIET + width - 7, QR_QUIET);
	assert_finder(grid, size, QR_QUIET, QR_QUIET + width - 7);
	free(grid);
	buf_free(&out);
}

static void
test_sizes_grow_with_text(void **state)
{
	struct redress_error err;
	struct buf a, b;

	(void)state;
	buf_init(&a, 1 << 20);
	buf_init(&b, 1 << 20);
	assert_int_equal(qr_svg("a", "x", &a, &err), REDRESS_OK);
	assert_int_equal(svg_size(a.data), 21 + 2 * QR_QUIET); /* version 1 */
	assert_int_equal(qr_svg(URI URI, "x", &b, &err), REDRESS_OK);
	assert_true(svg_size(b.data) > svg_size(a.data));
	buf_free(&a);
	buf_free(&b);
}

static void
test_deterministic(void **state)
{
	struct redress_error err;
	struct buf a, b;
	char *t1 = NULL, *t2 = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *f;

	(void)state;
	buf_init(&a, 1 << 20);
	buf_init(&b, 1 << 20);
	assert_int_equal(qr_svg(URI, "label", &a, &err), REDRESS_OK);
	assert_int_equal(qr_svg(URI, "label", &b, &err), REDRESS_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_reset(&b);
	assert_int_equal(qr_svg(URI "x", "label", &b, &err), REDRESS_OK);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);

	assert_non_null(f = open_memstream(&t1, &n1));
	assert_int_equal(qr_terminal(URI, f, &err), REDRESS_OK);
	fclose(f);
	assert_non_null(f = open_memstream(&t2, &n2));
	assert_int_equal(qr_terminal(URI, f, &err), REDRESS_OK);
	fclose(f);
	assert_int_equal(n1, n2);
	assert_memory_equal(t1, t2, n1);
	free(t1);
	free(t2);
	buf_free(&a);
	buf_free(&b);
}

static void
test_label_escaped(void **state)
{
	struct redress_error err;
	struct buf out;

	(void)state;
	buf_init(&out, 1 << 20);
	assert_int_equal(qr_svg("x", "a<b>&\"c\" 'd' 두 번째", &out, &err), REDRESS_OK);
	assert_non_null(strstr(out.data, "aria-label=\"a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39; 두 번째\""));
	assert_null(strstr(out.data, "<b>"));
	buf_free(&out);
}

static void
test_refusals(void **state)
{
	struct redress_error err;
	struct buf out;
	char big[QR_TEXT_MAX + 2];

	(void)state;
	buf_init(&out, 1 << 20);
	assert_int_equal(qr_svg("", "label", &out, &err), REDRESS_E_INVALID);
	assert_int_equal(qr_svg("x", "", &out, &err), REDRESS_E_INVALID);
	assert_int_equal(qr_svg("x", "bad\x01label", &out, &err), REDRESS_E_INVALID);
	assert_int_equal(qr_svg("x", "\xff", &out, &err), REDRESS_E_INVALID);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(qr_svg(big, "label", &out, &err), REDRESS_E_INVALID);
	assert_int_equal(qr_terminal(big, stdout, &err), REDRESS_E_INVALID);
	/* Nothing was appended by any of them. */
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

/* Terminal: two module rows a line, the quiet zone as full blocks, every line as wide. */
static void
test_terminal(void **state)
{
	struct redress_error err;
	struct buf svg;
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	int size, lines = 0;
	FILE *f;

	(void)state;
	buf_init(&svg, 1 << 20);
	assert_int_equal(qr_svg(URI, "x", &svg, &err), REDRESS_OK);
	size = svg_size(svg.data);
	assert_non_null(f = open_memstream(&text, &len));
	assert_int_equal(qr_terminal(URI, f, &err), REDRESS_OK);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		const char *p = line;
		int cells = 0;

		/* Each cell is a space or a 3-byte block; the first and last QR_QUIET are light (full). */
		while (*p != '\0') {
			if (cells < QR_QUIET || cells >= size - QR_QUIET)
				assert_memory_equal(p, "\xe2\x96\x88", 3);
			p += *p == ' ' ? 1 : 3;
			cells++;
		}
		assert_int_equal(cells, size);
		if (lines < QR_QUIET / 2)
			assert_null(strchr(line, ' ')); /* the top quiet zone: all light */
		lines++;
	}
	assert_int_equal(lines, (size + 1) / 2);
	free(text);
	buf_free(&svg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_svg_structure), cmocka_unit_test(test_sizes_grow_with_text),
	    cmocka_unit_test(test_deterministic), cmocka_unit_test(test_label_escaped),
	    cmocka_unit_test(test_refusals),      cmocka_unit_test(test_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
