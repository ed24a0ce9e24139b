/*
 * redress.js -- the pages' one script, served from the binary under a
 * name holding its hash, and all it does: a table's box
 * (page_table_begin) is a tab stop only while its table is wider than
 * the screen, so that the keyboard can scroll it (WCAG 2.1.1) and does
 * not stop on a table that fits.  Without the script every box stays a
 * tab stop; nothing else depends on it.
 */
(function () {
	'use strict';

	function fit() {
		var boxes = document.querySelectorAll('.table-scroll');
		var i, box;

		for (i = 0; i < boxes.length; i++) {
			box = boxes[i];
			if (box.scrollWidth > box.clientWidth + 1)
				box.setAttribute('tabindex', '0');
			else if (box !== document.activeElement)
				box.removeAttribute('tabindex');
		}
	}

	function start() {
		var boxes = document.querySelectorAll('.table-scroll');
		var watch, i;

		fit();
		if (typeof ResizeObserver === 'function') {
			/* A box resized or its table (the fonts arriving): measured again. */
			watch = new ResizeObserver(fit);
			for (i = 0; i < boxes.length; i++) {
				watch.observe(boxes[i]);
				if (boxes[i].firstElementChild)
					watch.observe(boxes[i].firstElementChild);
			}
		} else {
			window.addEventListener('resize', fit);
		}
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
