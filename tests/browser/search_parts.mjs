// tests/browser/search_parts.mjs SITE_DIR
//
// The site search over an index in many parts (tests/browser/
// search_parts.sh makes the site: notices/ has 301 pages, so its entries
// are in parts f-, f2- and f3-notices.js), from file:// in Debian's
// Chromium.  TAP lines:
//   - search-index.js names every part under search-index/ on disk, and
//     after a search the page has loaded each of them, with one entry
//     per public page of the site;
//   - a query for a page of each of notices/'s three parts (its
//     reference number, written in half-width katakana in the page and
//     typed in full-width hiragana) finds that page alone, and its link
//     opens it;
//   - no console error or failed request.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, htmlFiles, Tap, args, deadline, typeSearch } from './common.mjs';

const [siteArg] = args(1, 'search_parts.mjs SITE_DIR');
const siteDir = path.resolve(siteArg);
const tap = new Tap();
deadline(Number(process.env.SEARCH_SECONDS || 180), tap);
const WAIT = 15000;

const onDiskParts = fs.readdirSync(path.join(siteDir, 'search-index'))
	.filter(f => f.endsWith('.js')).map(f => `search-index/${f}`).sort();
const publicPages = htmlFiles(siteDir).filter(rel => rel !== '404.html');

// One page from each part of notices/: the pages are in the index in the
// order of their files' names.
const notices = fs.readdirSync(path.join(siteDir, 'notices'))
	.filter(f => /^n\d+$/.test(f)).sort();
const picks = [notices[0], notices[200], notices[notices.length - 1]];

// The results' links after a search for q.
async function search(page, q) {
	await typeSearch(page, q, WAIT);
	return page.evaluate(() => {
		const list = document.querySelector('ol[aria-label="検索結果"]');
		return list ? [...list.querySelectorAll('li a[href]')].map(a => ({
			href: a.href, title: a.textContent.trim(),
		})) : [];
	});
}

const browser = await launch();
try {
	const trouble = new Set();
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
	await context.route('**/*', r => new URL(r.request().url()).protocol === 'file:' ?
		r.continue() : (trouble.add(`request beyond file:// blocked: ${r.request().url()}`),
			r.abort('blockedbyclient')));
	const page = await context.newPage();
	page.setDefaultTimeout(WAIT);
	page.on('console', m => { if (m.type() === 'error') trouble.add(`console error: ${m.text()}`); });
	page.on('pageerror', e => trouble.add(`uncaught exception: ${e.message}`));
	page.on('requestfailed', r => trouble.add(`request failed: ${r.url()}`));
	const home = pathToFileURL(path.join(siteDir, 'index.html')).href;
	await page.goto(home, { waitUntil: 'load' });

	let first = true;
	for (const name of picks) {
		const num = name.slice(1);
		// ｼｮｳｶｲ in the page, しょうかい typed: the search folds both.
		const q = `しょうかい${num}`;
		let hits = [];
		let error = '';
		try {
			hits = await search(page, q);
		} catch (e) {
			error = e.message.split('\n')[0];
		}
		const want = new URL(`notices/${name}/index.html`, home).href;
		tap.ok(hits.length === 1 && hits[0].href === want,
			`the query ${q} finds notices/${name} alone`,
			[error && `error: ${error}`, ...hits.slice(0, 5).map(h => `result: ${h.title} -> ${h.href}`)].filter(Boolean));
		if (first) {
			first = false;
			const loaded = await page.evaluate(() => {
				const idx = window.KAKEHASHI_SEARCH || { parts: [] };
				const parts = window.KAKEHASHI_SEARCH_PARTS || {};
				return {
					named: [...idx.parts].sort(),
					loaded: Object.keys(parts).sort(),
					entries: Object.values(parts).reduce((n, a) => n + a.length, 0),
				};
			});
			tap.ok(JSON.stringify(loaded.named) === JSON.stringify(onDiskParts) &&
				onDiskParts.filter(p => p.includes('-notices.js')).length === 3,
				'search-index.js names every part on disk, three of them for notices/',
				[`named: ${loaded.named.join(' ')}`, `on disk: ${onDiskParts.join(' ')}`]);
			tap.ok(JSON.stringify(loaded.loaded) === JSON.stringify(onDiskParts) &&
				loaded.entries === publicPages.length,
				`the page loaded every part, ${publicPages.length} entries in all, one per public page`,
				[`loaded: ${loaded.loaded.length} parts, ${loaded.entries} entries`]);
		}
		if (hits.length === 1) {
			await page.click(`ol[aria-label="検索結果"] li a`);
			await page.waitForLoadState('load');
			tap.ok(page.url() === want, `its link opens notices/${name}`, [`at ${page.url()}`]);
			await page.goto(home, { waitUntil: 'load' });
		}
	}
	tap.ok(trouble.size === 0, 'no console error or failed request', [...trouble]);
	await context.close();
} finally {
	await browser.close();
}
tap.done();
