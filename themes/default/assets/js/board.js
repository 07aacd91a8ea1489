/*
 * board.js: the character counters of the board's and the feedback
 * box's forms.  A <textarea data-counter="ID"> shows, in the element
 * ID (data-max: the limit), how many characters it holds and how many
 * are left, counted as the server counts them (code points, line breaks
 * as one).  Without this script the form still works: the textarea's
 * maxlength stops typing at the limit and the server checks it again.
 *
 * The visible count changes as one types; screen readers hear it from a
 * polite live region a moment after typing stops, not at every key.
 */
(function () {
	'use strict';

	var SPEAK_DELAY = 1500;	/* ms after the last input */

	function count(s) {
		/* Array.from splits by code point, as the server counts. */
		return Array.from(s.replace(/\r\n?/g, '\n')).length;
	}

	function fmt(n) {
		return n.toLocaleString('ja-JP');
	}

	function setup(area) {
		var out = document.getElementById(area.getAttribute('data-counter'));
		if (!out)
			return;
		var max = parseInt(out.getAttribute('data-max') ||
		    area.getAttribute('maxlength'), 10);
		if (!(max > 0))
			return;
		var live = document.createElement('span');
		live.className = 'visually-hidden';
		live.setAttribute('aria-live', 'polite');
		out.parentNode.insertBefore(live, out.nextSibling);
		var timer = null;

		function text() {
			var n = count(area.value), left = max - n;
			if (left >= 0)
				return fmt(n) + '文字／' + fmt(max) + '文字（あと' +
				    fmt(left) + '文字）';
			return fmt(n) + '文字／' + fmt(max) + '文字（' + fmt(-left) +
			    '文字多すぎます）';
		}

		function update(speak) {
			var t = text();
			out.textContent = t;
			out.classList.toggle('char-count-over', count(area.value) > max);
			if (timer)
				clearTimeout(timer);
			if (speak)
				timer = setTimeout(function () {
					live.textContent = t;
				}, SPEAK_DELAY);
		}

		area.addEventListener('input', function () { update(true); });
		update(false);
	}

	function init() {
		var areas = document.querySelectorAll('textarea[data-counter]');
		for (var i = 0; i < areas.length; i++)
			setup(areas[i]);
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
