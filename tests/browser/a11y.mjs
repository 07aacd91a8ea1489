// tests/browser/a11y.mjs BASE_URL SITE_DIR
//
// Visits every .html page of SITE_DIR (the list comes from disk), served
// at BASE_URL (which ends in '/'), in Debian's Chromium at 375x800 and at
// 1280x900, and for each page prints TAP lines:
//   - axe-core (WCAG 2 A and AA rules) finds no violation, at each width
//     (axe.min.js from node_modules is evaluated in the page through the
//     DevTools protocol: the pages' CSP forbids an inline <script>);
//   - at 375 px the page does not scroll sideways;
//   - a page that only redirects (meta refresh) leads to a page that loads
//     (its axe lines are skipped);
//   - the page loads cleanly: no console error, no uncaught exception, no
//     failed request, no HTTP error, and no request to any host other than
//     127.0.0.1 (such requests are blocked and reported: no outside assets).
// tests/browser/a11y.sh starts nginx and runs this.

import fs from 'node:fs';
import path from 'node:path';
import { launch, htmlFiles, pageURL, Tap, args, deadline, axeCheck } from './common.mjs';

const [base, siteDir] = args(2, 'a11y.mjs BASE_URL SITE_DIR');
const tap = new Tap();
deadline(Number(process.env.A11Y_SECONDS || 600), tap);

const WIDTHS = [
	{ width: 375, height: 800 },
	{ width: 1280, height: 900 },
];
// A11Y_ONLY (a regular expression) narrows the pages to those whose path
// under SITE_DIR matches, for a second look at a variant of a site.
const only = process.env.A11Y_ONLY ? new RegExp(process.env.A11Y_ONLY) : null;
const pages = htmlFiles(siteDir).filter(p => only === null || only.test(p));
if (pages.length === 0) {
	tap.ok(false, `pages found under ${siteDir}`);
	tap.done();
	process.exit();
}

// A page that only redirects (<meta http-equiv="refresh">, gen's alias
// pages) is checked for where it leads, not by axe: it is on screen for
// no time, and the navigation would pull the page from under axe.
function refreshTarget(rel) {
	const html = fs.readFileSync(path.join(siteDir, rel), 'utf8');
	const m = /<meta\s[^>]*http-equiv\s*=\s*["']?refresh["']?[^>]*>/i.exec(html);
	if (!m)
		return null;
	const c = /content\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(m[0]);
	const u = c ? /url\s*=\s*['"]?([^'"]+)/i.exec(c[1] ?? c[2]) : null;
	return u ? u[1].trim() : '';
}

// Per page, across both widths: what went wrong while loading it.
const trouble = new Map(pages.map(p => [p, new Set()]));


async function overflowCheck(page, rel) {
	const o = await page.evaluate(() => {
		const w = window.innerWidth;
		const sw = document.documentElement.scrollWidth;
		const wide = [];
		if (sw > w) {
			for (const el of document.body.querySelectorAll('*')) {
				const r = el.getBoundingClientRect();
				if (r.right > w + 1 && r.width > 0) {
					let s = el.tagName.toLowerCase();
					if (el.id) s += '#' + el.id;
					else if (el.classList.length) s += '.' + [...el.classList].join('.');
					wide.push(`${s} (right edge ${Math.round(r.right)}px)`);
					if (wide.length >= 5) break;
				}
			}
		}
		return { w, sw, wide };
	});
	tap.ok(o.sw <= o.w, `no sideways scroll at 375px: ${rel}`,
		[`scrollWidth ${o.sw} > innerWidth ${o.w}`, ...o.wide.map(s => 'wider than the screen: ' + s)]);
}

// One visit: a fresh tab in the width's context, so that nothing a page
// left running (a redirect, a late request) reaches the next one.
async function visit(context, rel, w) {
	const t = trouble.get(rel);
	const page = await context.newPage();
	page.setDefaultTimeout(20000);
	page.on('console', m => {
		// A blocked outside request is reported once, by the route.
		if (m.type() === 'error' && !m.text().includes('ERR_BLOCKED_BY_CLIENT'))
			t.add(`console error: ${m.text()}`);
	});
	page.on('pageerror', e => t.add(`uncaught exception: ${e.message}`));
	page.on('requestfailed', r => {
		const why = r.failure() ? r.failure().errorText : '';
		if (!why.startsWith('net::ERR_BLOCKED_BY_CLIENT'))
			t.add(`request failed: ${r.url()} (${why})`);
	});
	page.on('response', r => {
		if (r.status() >= 400)
			t.add(`HTTP ${r.status()}: ${r.url()}`);
	});
	try {
		const url = pageURL(base, rel);
		const target = refreshTarget(rel);
		if (target !== null) {
			const want = new URL(target, url).href;
			let got = null, err = null, status = 0;
			page.on('response', r => {
				if (r.url() === want && r.request().isNavigationRequest())
					status = r.status();
			});
			try {
				await page.goto(url, { waitUntil: 'commit' });
				await page.waitForURL(want, { waitUntil: 'load', timeout: 10000 });
				got = await page.evaluate(() => ({ h1: !!document.querySelector('h1') }));
			} catch (e) {
				err = e.message.split('\n')[0];
			}
			tap.skip(`axe wcag2a/aa ${w}px: ${rel}`, `redirect (meta refresh) to ${target}`);
			if (w === WIDTHS[0].width)
				tap.ok(!err && status === 200 && got && got.h1,
					`redirect ${rel} leads to ${target}, which loads`,
					[err ? err : `at ${page.url()}: HTTP ${status}, h1: ${got && got.h1}`]);
			return;
		}
		let resp = null;
		try {
			resp = await page.goto(url, { waitUntil: 'load' });
		} catch (e) {
			t.add(`navigation failed at ${w}px: ${e.message.split('\n')[0]}`);
		}
		if (!resp) {
			tap.ok(false, `axe wcag2a/aa ${w}px: ${rel} (page did not load)`);
			return;
		}
		await axeCheck(tap, page, `${w}px: ${rel}`);
		if (w === 375)
			await overflowCheck(page, rel);
	} finally {
		await page.close();
	}
}

const browser = await launch();
try {
	for (const vp of WIDTHS) {
		const context = await browser.newContext({ viewport: vp, locale: 'ja-JP' });
		await context.route('**/*', (route, request) => {
			const u = new URL(request.url());
			if (u.protocol === 'data:' || u.protocol === 'blob:' ||
			    u.hostname === '127.0.0.1')
				return route.continue();
			const frame = request.frame();
			const from = frame ? frame.page().url() : '?';
			const rel = pages.find(p => from === pageURL(base, p));
			if (rel)
				trouble.get(rel).add(`request outside 127.0.0.1 blocked: ${u.href}`);
			else
				console.log(`# request outside 127.0.0.1 blocked (from ${from}): ${u.href}`);
			return route.abort('blockedbyclient');
		});
		for (const rel of pages)
			await visit(context, rel, vp.width);
		await context.close();
	}
} finally {
	await browser.close();
}

for (const rel of pages) {
	const t = [...trouble.get(rel)];
	tap.ok(t.length === 0, `loads cleanly (no console error, failed or outside request): ${rel}`, t);
}
tap.done();
