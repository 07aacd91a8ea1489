// tests/browser/keyboard.mjs BASE_URL SITE_DIR
//
// Keyboard-only use of the site served at BASE_URL, in Debian's Chromium,
// at 1280x900 and at 375x800.  One TAP line per assertion:
//   home page
//     - the first Tab focuses the skip link (href="#main"), which shows;
//     - Enter on it moves to #main (the hash, and focus or the next Tab
//       lands inside or after <main id="main">);
//     - if the theme's script added a visible 「メニュー」 toggle (a button
//       with aria-expanded), Tab reaches it and Enter opens it;
//     - Tab from the top reaches the first <summary> of a <details> in the
//       <nav>, with a visible focus indicator; Enter opens the details and
//       its first link shows; Tab moves into that link; Escape (when the
//       page loads site.js) closes the details and focuses the summary;
//   a page with <details class="accordion"> (found on disk)
//     - Tab reaches the accordion's summary; Enter opens it (its body
//       shows), Enter closes it, Space opens it.
// Every Tab loop is bounded.  tests/browser/keyboard.sh starts nginx and
// runs this.

import fs from 'node:fs';
import path from 'node:path';
import { launch, htmlFiles, pageURL, Tap, args, deadline } from './common.mjs';

const [base, siteDir] = args(2, 'keyboard.mjs BASE_URL SITE_DIR');
const tap = new Tap();
deadline(Number(process.env.KEYBOARD_SECONDS || 300), tap);

const VIEWPORTS = [
	{ width: 1280, height: 900 },
	{ width: 375, height: 800 },
];
const MAX_TABS = 300;	/* upper bound on Tabs to reach anything */

const pages = htmlFiles(siteDir);
const accordionPage = pages.find(p =>
	fs.readFileSync(path.join(siteDir, p), 'utf8').includes('<details class="accordion"'));

// Runs in the page: a description of the focused element and the tests
// the Node side asks about, so one evaluate answers each step.
function focusInfo(kind) {
	const el = document.activeElement;
	const desc = e => {
		if (!e || e === document.body)
			return '(body)';
		let s = e.tagName.toLowerCase();
		if (e.id) s += '#' + e.id;
		if (e.classList.length) s += '.' + [...e.classList].join('.');
		const t = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 30);
		if (t) s += ` "${t}"`;
		return s;
	};
	const visible = e => {
		if (!e) return false;
		const r = e.getBoundingClientRect();
		const cs = getComputedStyle(e);
		return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' &&
		    r.bottom > 0 && r.right > 0 &&
		    r.left < innerWidth && r.top < innerHeight + scrollY;
	};
	const is = {
		skip: e => e && e.tagName === 'A' && e.getAttribute('href') === '#main',
		toggle: e => e && e.tagName === 'BUTTON' && e.hasAttribute('aria-expanded') &&
		    /メニュー/.test((e.textContent || '') + (e.getAttribute('aria-label') || '')),
		menu: e => e && e.tagName === 'SUMMARY' && !!e.closest('nav') &&
		    e.parentElement && e.parentElement.tagName === 'DETAILS' &&
		    !e.parentElement.classList.contains('accordion'),
		accordion: e => e && e.tagName === 'SUMMARY' && e.parentElement &&
		    e.parentElement.matches('details.accordion'),
	};
	const cs = el ? getComputedStyle(el) : null;
	const ring = !!cs && ((cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) ||
	    (cs.boxShadow && cs.boxShadow !== 'none'));
	return {
		desc: desc(el),
		match: kind ? !!is[kind](el) : false,
		visible: visible(el),
		ring,
	};
}

// Presses Tab until the focused element is of the kind, at most max
// times.  Returns the number of presses, or -1.
async function tabTo(page, kind, max = MAX_TABS) {
	for (let i = 1; i <= max; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(focusInfo, kind);
		if (f.match)
			return i;
	}
	return -1;
}

async function homeChecks(browser, vp) {
	const w = `${vp.width}px`;
	const context = await browser.newContext({ viewport: vp, locale: 'ja-JP' });
	await context.route('**/*', r => new URL(r.request().url()).hostname === '127.0.0.1' ?
		r.continue() : r.abort());
	const page = await context.newPage();
	page.setDefaultTimeout(10000);
	const home = base;

	// Skip link.
	await page.goto(home, { waitUntil: 'load' });
	await page.keyboard.press('Tab');
	let f = await page.evaluate(focusInfo, 'skip');
	tap.ok(f.match, `${w} first Tab focuses the skip link (a href="#main")`, [`focused: ${f.desc}`]);
	if (f.match) {
		tap.ok(f.visible, `${w} the focused skip link is visible`);
		await page.keyboard.press('Enter');
		const r = await page.evaluate(() => {
			const main = document.getElementById('main');
			const a = document.activeElement;
			return {
				hash: location.hash,
				main: !!main,
				inMain: !!main && (main === a || main.contains(a)),
			};
		});
		let ok = r.main && r.hash === '#main' && r.inMain;
		const diags = [`hash ${r.hash || '(none)'}, <… id="main"> ${r.main ? 'present' : 'missing'}, focus in main: ${r.inMain}`];
		if (r.main && r.hash === '#main' && !r.inMain) {
			// Without tabindex on main the focus stays put but the next
			// Tab starts from #main: that works for a keyboard user too.
			await page.keyboard.press('Tab');
			const n = await page.evaluate(() => {
				const main = document.getElementById('main');
				const a = document.activeElement;
				return main.contains(a) ||
				    !!(main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
			});
			ok = n;
			diags.push(`next Tab lands in or after main: ${n}`);
		}
		tap.ok(ok, `${w} Enter on the skip link moves to #main`, ok ? [] : diags);
	} else {
		tap.ok(false, `${w} the focused skip link is visible`, ['no skip link focused']);
		tap.ok(false, `${w} Enter on the skip link moves to #main`, ['no skip link focused']);
	}

	// Menu: from the top again.
	await page.goto(home, { waitUntil: 'load' });
	const hasSiteJs = await page.evaluate(() =>
		!!document.querySelector('script[src$="site.js"]'));
	const toggle = await page.evaluate(() => {
		for (const b of document.querySelectorAll('button[aria-expanded]')) {
			const label = (b.textContent || '') + (b.getAttribute('aria-label') || '');
			const r = b.getBoundingClientRect();
			if (/メニュー/.test(label) && r.width > 0 && r.height > 0)
				return { expanded: b.getAttribute('aria-expanded'), controls: b.getAttribute('aria-controls') };
		}
		return null;
	});
	if (toggle) {
		const n = await tabTo(page, 'toggle');
		tap.ok(n > 0, `${w} Tab reaches the メニュー toggle`, n > 0 ? [`after ${n} Tabs`] : []);
		if (n > 0) {
			await page.keyboard.press('Enter');
			const t = await page.evaluate(() => {
				const b = document.activeElement;
				const c = b.getAttribute('aria-controls');
				const target = c ? document.getElementById(c) : null;
				const r = target ? target.getBoundingClientRect() : null;
				return {
					expanded: b.getAttribute('aria-expanded'),
					controls: c,
					shown: !!r && r.width > 0 && r.height > 0,
				};
			});
			tap.ok(t.expanded === 'true' && (!t.controls || t.shown),
				`${w} Enter opens the メニュー toggle (aria-expanded="true", menu shown)`,
				[`aria-expanded=${t.expanded}, aria-controls=${t.controls}, shown=${t.shown}`]);
		}
	} else {
		tap.skip(`${w} Tab reaches the メニュー toggle`, 'no visible toggle at this width');
	}

	const n = await tabTo(page, 'menu');
	tap.ok(n > 0, `${w} Tab reaches the first menu summary (nav details > summary)`,
		n > 0 ? [`after ${n} Tabs`] : [`no nav summary within ${MAX_TABS} Tabs`]);
	if (n > 0) {
		f = await page.evaluate(focusInfo, 'menu');
		tap.ok(f.ring, `${w} the focused menu summary shows a focus indicator (outline or box-shadow)`, [`focused: ${f.desc}`]);
		await page.keyboard.press('Enter');
		const o = await page.evaluate(() => {
			const s = document.activeElement;
			const d = s.parentElement;
			const a = d.querySelector('a[href]');
			const r = a ? a.getBoundingClientRect() : null;
			const cs = a ? getComputedStyle(a) : null;
			return {
				open: d.open,
				link: a ? a.textContent.trim() : null,
				shown: !!r && r.width > 0 && r.height > 0 && cs.visibility !== 'hidden',
			};
		});
		tap.ok(o.open && o.shown, `${w} Enter opens the menu and its first link shows`,
			[`open=${o.open}, first link ${o.link === null ? 'missing' : `"${o.link}" shown=${o.shown}`}`]);
		await page.keyboard.press('Tab');
		const into = await page.evaluate(() => {
			const a = document.activeElement;
			const d = a.closest('details');
			return { inside: !!d && a.tagName === 'A' && d.querySelector('a[href]') === a, desc: a.tagName + ' ' + (a.textContent || '').trim().slice(0, 30) };
		});
		tap.ok(into.inside, `${w} Tab moves focus into the sub-menu's first link`, [`focused: ${into.desc}`]);
		if (hasSiteJs) {
			await page.keyboard.press('Escape');
			const e = await page.evaluate(() => {
				const a = document.activeElement;
				const d = a.parentElement;
				return {
					summary: a.tagName === 'SUMMARY' && !!a.closest('nav'),
					closed: a.tagName === 'SUMMARY' && d && d.tagName === 'DETAILS' && !d.open,
					desc: a.tagName + ' ' + (a.textContent || '').trim().slice(0, 30),
				};
			});
			tap.ok(e.summary && e.closed, `${w} Escape closes the sub-menu and focuses its summary`,
				[`focused: ${e.desc}, closed: ${e.closed}`]);
		} else {
			tap.skip(`${w} Escape closes the sub-menu and focuses its summary`, 'page loads no site.js');
		}
	}
	await context.close();
}

async function accordionChecks(browser, vp) {
	const w = `${vp.width}px`;
	if (!accordionPage) {
		tap.skip(`${w} accordion opens from the keyboard`, 'no page with <details class="accordion"> on disk');
		return;
	}
	const context = await browser.newContext({ viewport: vp, locale: 'ja-JP' });
	await context.route('**/*', r => new URL(r.request().url()).hostname === '127.0.0.1' ?
		r.continue() : r.abort());
	const page = await context.newPage();
	page.setDefaultTimeout(10000);
	await page.goto(pageURL(base, accordionPage), { waitUntil: 'load' });
	const max = Math.min(MAX_TABS, 5 + await page.evaluate(() =>
		document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length));
	const n = await tabTo(page, 'accordion', max);
	tap.ok(n > 0, `${w} Tab reaches the accordion summary on ${accordionPage}`,
		n > 0 ? [`after ${n} Tabs`] : [`not within ${max} Tabs`]);
	if (n > 0) {
		const state = () => page.evaluate(() => {
			const d = document.activeElement.parentElement;
			const b = d.querySelector(':scope > :not(summary)');
			const r = b ? b.getBoundingClientRect() : null;
			return { open: d.open, shown: !!r && r.height > 0 };
		});
		await page.keyboard.press('Enter');
		let s = await state();
		tap.ok(s.open && s.shown, `${w} Enter opens the accordion and its body shows`, [`open=${s.open}, body shown=${s.shown}`]);
		await page.keyboard.press('Enter');
		s = await state();
		tap.ok(!s.open, `${w} Enter again closes the accordion`, [`open=${s.open}`]);
		await page.keyboard.press('Space');
		s = await state();
		tap.ok(s.open, `${w} Space opens the accordion`, [`open=${s.open}`]);
	}
	await context.close();
}

const browser = await launch();
try {
	for (const vp of VIEWPORTS) {
		await homeChecks(browser, vp);
		await accordionChecks(browser, vp);
	}
} catch (e) {
	tap.ok(false, 'keyboard test ran to the end', [e.stack || String(e)]);
} finally {
	await browser.close();
}
tap.done();
