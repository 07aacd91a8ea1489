// tests/browser/search.mjs BASE_URL SITE_DIR [BASE_URL ...]
//
// The theme's site search (themes/default/assets/js/search.js over
// search-index.js) in Debian's Chromium, on SITE_DIR served at the first
// BASE_URL, at 1280x900 and at 375x800.  TAP lines:
//   - the page gets a search field with an accessible name and a
//     role="status" line;
//   - a query typed in half-width katakana (ｻﾎﾟｰﾄﾌﾟﾗﾝ) finds the page whose
//     title has サポートプラン in full-width katakana (found on disk), with
//     the matched part of the title in <mark>, and the count is announced
//     in the status line ("N件見つかりました");
//   - a hiragana query (がいどらいん) finds a page whose title has
//     ガイドライン;
//   - axe-core (wcag2a, wcag2aa) finds nothing with the results shown;
//     at 375 px the page does not scroll sideways;
//   - keyboard: Tab from the field reaches the first result, Escape there
//     goes back to the field, Enter on a result opens that page;
//   - a query with no match announces "見つかりませんでした" and lists
//     nothing;
//   - a members page never appears: its title (found on disk, under
//     members/) as the query lists no page under members/;
//   - no console error, failed request or request beyond 127.0.0.1;
//   from every further BASE_URL (the same tree under a sub-path): a search
//     from a page two folders deep, and one from the 404 page at a deep
//     missing address, find the page and its link loads;
//   from file://: a search on index.html finds the page and clicking the
//     result opens it; a search from a deeper page links to a file that
//     exists.
// tests/browser/search.sh starts nginx and runs this.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, htmlFiles, pageURL, Tap, args, deadline, axeCheck, typeSearch } from './common.mjs';

const [base, siteArg, ...moreBases] = args(2, 'search.mjs BASE_URL SITE_DIR [BASE_URL ...]');
const siteDir = path.resolve(siteArg);
const tap = new Tap();
deadline(Number(process.env.SEARCH_SECONDS || 300), tap);

const VIEWPORTS = [
	{ width: 1280, height: 900 },
	{ width: 375, height: 800 },
];
const WAIT = 15000;	/* ms for the index to load and the status to change */

const HALF_WIDTH_QUERY = 'ｻﾎﾟｰﾄﾌﾟﾗﾝ';
const FULL_WIDTH_TITLE = 'サポートプラン';
const HIRAGANA_QUERY = 'がいどらいん';
const KATAKANA_TITLE = 'ガイドライン';
const NO_MATCH_QUERY = 'ぬゑゐぬ存在しない語ｑｚｘ';

/* ---- What is on disk ------------------------------------------------ */

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function text(html) {
	return html.replace(/<[^>]*>/g, '').replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) =>
		e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ?
			parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) :
			ENTITIES[e.toLowerCase()] ?? m).replace(/\s+/g, ' ').trim();
}

// [{rel, title}] of every page with an <h1> in <main> (or anywhere), but
// redirects; rel is relative to the site's root.
const onDisk = htmlFiles(siteDir).map(rel => {
	const html = fs.readFileSync(path.join(siteDir, rel), 'utf8');
	if (/http-equiv\s*=\s*["']?refresh/i.test(html))
		return null;
	const main = /<main\b[\s\S]*<\/main>/i.exec(html);
	const h1 = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(main ? main[0] : html);
	return h1 ? { rel, title: text(h1[1]) } : null;
}).filter(Boolean);
const isMembers = rel => rel.startsWith('members/');
const publicPages = onDisk.filter(p => !isMembers(p.rel) && p.rel !== '404.html');
const target = publicPages.find(p => p.title.includes(FULL_WIDTH_TITLE));
const kataTarget = publicPages.find(p => p.title.includes(KATAKANA_TITLE));
// A members page whose title (without spaces, so that it is one term)
// is in no public page: searching for it must find nothing at all.
const publicText = publicPages.map(p => text(fs.readFileSync(path.join(siteDir, p.rel), 'utf8'))).join('\n');
const membersPage = onDisk.filter(p => isMembers(p.rel))
	.map(p => ({ ...p, query: p.title.split(' ').sort((a, b) => b.length - a.length)[0] }))
	.filter(p => p.query.length >= 4 && !publicText.includes(p.query))
	.sort((a, b) => a.rel.localeCompare(b.rel))[0];
// A page two folders deep, for the relative links from below the root.
const deep = publicPages.find(p => p.rel.split('/').length >= 3) || target;

/* ---- In the page ----------------------------------------------------- */

// What the search shows: the status line, and each result's link.
function shown() {
	const status = [...document.querySelectorAll('[role="status"]')]
		.map(s => s.textContent.trim()).filter(Boolean).join(' / ');
	const list = document.querySelector('ol[aria-label="検索結果"]');
	const hits = list ? [...list.querySelectorAll('li')].map(li => {
		const a = li.querySelector('a[href]');
		return {
			title: a ? a.textContent.trim() : '',
			href: a ? a.href : '',
			rel: a ? a.getAttribute('href') : '',
			marks: a ? [...a.querySelectorAll('mark')].map(m => m.textContent) : [],
			visible: !!a && a.getBoundingClientRect().height > 0,
		};
	}) : [];
	const more = [...document.querySelectorAll('button')]
		.filter(b => /さらに表示/.test(b.textContent) && b.getBoundingClientRect().height > 0)
		.map(b => b.textContent.trim()).join('');
	return { status, hits, more };
}

// Types q into the search field (focused from the keyboard's point of
// view: a click), presses Enter, and waits for the status line to speak
// of this query.  Returns shown(), or an error.
async function search(page, q) {
	try {
		await typeSearch(page, q, WAIT);
	} catch (e) {
		const r = await page.evaluate(shown).catch(() => ({ status: '?', hits: [], more: '' }));
		return { more: '', ...r, error: e.message.split('\n')[0] };
	}
	return page.evaluate(shown);
}

function describe(r) {
	return [`status: ${r.status || '(empty)'}`, ...(r.error ? [`error: ${r.error}`] : []),
		...r.hits.slice(0, 5).map(h => `result: ${h.title} -> ${h.rel}`)];
}

// A result whose link leads to rel (a path under the site's root), given
// the URL of the page the search ran on and the site root's URL.
function hitFor(r, rootURL, rel) {
	const want = new URL(rel.split('/').map(encodeURIComponent).join('/'), rootURL).href;
	return r.hits.find(h => decodeURI(h.href) === decodeURI(want));
}


function watch(page, trouble) {
	page.on('console', m => {
		if (m.type() === 'error' && !m.text().includes('ERR_BLOCKED_BY_CLIENT'))
			trouble.add(`console error: ${m.text()}`);
	});
	page.on('pageerror', e => trouble.add(`uncaught exception: ${e.message}`));
	page.on('requestfailed', r => {
		const why = r.failure() ? r.failure().errorText : '';
		if (!why.startsWith('net::ERR_BLOCKED_BY_CLIENT') && !why.includes('ERR_ABORTED'))
			trouble.add(`request failed: ${r.url()} (${why})`);
	});
	page.on('response', r => {
		if (r.status() >= 400)
			trouble.add(`HTTP ${r.status()}: ${r.url()}`);
	});
}

async function newContext(browser, vp, trouble) {
	const context = await browser.newContext({ viewport: vp, locale: 'ja-JP' });
	await context.route('**/*', r => {
		const u = new URL(r.request().url());
		if (u.protocol === 'file:' || u.hostname === '127.0.0.1')
			return r.continue();
		trouble.add(`request outside 127.0.0.1 blocked: ${u.href}`);
		return r.abort('blockedbyclient');
	});
	return context;
}

/* ---- Served ---------------------------------------------------------- */

async function servedChecks(browser, vp) {
	const w = `${vp.width}px`;
	const trouble = new Set();
	const context = await newContext(browser, vp, trouble);
	const page = await context.newPage();
	page.setDefaultTimeout(WAIT);
	watch(page, trouble);
	await page.goto(base, { waitUntil: 'load' });

	const form = await page.evaluate(() => {
		const i = document.querySelector('input[type="search"]');
		const s = document.querySelectorAll('[role="status"]').length;
		const lab = i && i.labels && i.labels.length ? i.labels[0].textContent.trim() : '';
		return { input: !!i, label: lab, status: s, inSearch: !!i && !!i.closest('[role="search"], search') };
	});
	tap.ok(form.input && form.label && form.status > 0 && form.inSearch,
		`${w} the page has a labelled search field in a search landmark, and a status line`,
		[`input: ${form.input}, label: "${form.label}", role=status: ${form.status}, in role=search: ${form.inSearch}`]);
	if (!form.input) {
		await context.close();
		return;
	}

	// Half-width katakana query, full-width title.
	let r = await search(page, HALF_WIDTH_QUERY);
	let hit = target ? hitFor(r, base, target.rel) : null;
	tap.ok(!!target && !!hit && hit.visible,
		`${w} ${HALF_WIDTH_QUERY} finds "${target ? target.title : '(no page titled ' + FULL_WIDTH_TITLE + ' on disk)'}"`,
		describe(r));
	tap.ok(!!hit && hit.marks.some(m => m === FULL_WIDTH_TITLE),
		`${w} the matched part of the title is in <mark> (${FULL_WIDTH_TITLE})`,
		hit ? [`marks in the title: ${JSON.stringify(hit.marks)}`] : ['no result for the page']);
	const m = /([0-9,]+)件見つかりました/.exec(r.status);
	const count = m ? Number(m[1].replace(/,/g, '')) : -1;
	tap.ok(count > 0 && (count === r.hits.length || count > r.hits.length && r.more.includes(`残り${count - r.hits.length}件`)),
		`${w} the status line announces the count (${count}件見つかりました), ${r.hits.length} listed` +
		(count > r.hits.length ? ', the rest behind a button' : ''),
		[...describe(r), `button: ${r.more || '(none)'}`]);
	if (count > r.hits.length && vp.width === 1280) {
		await page.getByRole('button', { name: /さらに表示/ }).click();
		const after = await page.evaluate(() => {
			const list = document.querySelector('ol[aria-label="検索結果"]');
			const links = list ? [...list.querySelectorAll('a')] : [];
			return { n: links.length, focus: links.indexOf(document.activeElement) };
		});
		tap.ok(after.n > r.hits.length && after.focus === r.hits.length,
			`${w} さらに表示 lists more results and focuses the first new one`,
			[`${r.hits.length} -> ${after.n} results, focus on result ${after.focus}`]);
	}
	tap.ok(!r.hits.some(h => isMembers(new URL(h.href).pathname.slice(new URL(base).pathname.length))),
		`${w} no result is a members page`, describe(r));

	await axeCheck(tap, page, `${w} with results shown`);
	if (vp.width === 375) {
		const o = await page.evaluate(() => ({ w: window.innerWidth, sw: document.documentElement.scrollWidth }));
		tap.ok(o.sw <= o.w, `${w} no sideways scroll with results shown`, [`scrollWidth ${o.sw} > ${o.w}`]);
	}

	// Keyboard: from the field to the first result and back.
	await page.getByRole('searchbox', { name: 'サイト内検索' }).focus();
	let tabs = -1;
	for (let i = 1; i <= 10; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate(() => {
			const a = document.activeElement;
			const list = document.querySelector('ol[aria-label="検索結果"]');
			return !!list && a.tagName === 'A' && list.querySelector('a') === a;
		})) {
			tabs = i;
			break;
		}
	}
	tap.ok(tabs > 0, `${w} Tab from the field reaches the first result`, [tabs > 0 ? `after ${tabs} Tabs` : 'not within 10 Tabs']);
	if (tabs > 0) {
		const ring = await page.evaluate(() => {
			const cs = getComputedStyle(document.activeElement);
			return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 || cs.boxShadow !== 'none';
		});
		tap.ok(ring, `${w} the focused result shows a focus indicator`);
		await page.keyboard.press('Escape');
		const back = await page.evaluate(() => document.activeElement && document.activeElement.type === 'search');
		tap.ok(back, `${w} Escape in the results goes back to the search field`);
		await page.keyboard.press('Tab');
		for (let i = 1; i < tabs; i++)
			await page.keyboard.press('Tab');
		const first = await page.evaluate(() => document.activeElement.getAttribute('href'));
		let err = null;
		try {
			await Promise.all([
				page.waitForNavigation({ waitUntil: 'load' }),
				page.keyboard.press('Enter'),
			]);
		} catch (e) {
			err = e.message.split('\n')[0];
		}
		const h1 = await page.evaluate(() => {
			const h = document.querySelector('main h1') || document.querySelector('h1');
			return h ? h.textContent.trim() : '';
		});
		const want = onDisk.find(p => new URL(p.rel.split('/').map(encodeURIComponent).join('/'), base).href === page.url());
		tap.ok(!err && !!want && h1 === want.title,
			`${w} Enter on the first result opens its page`,
			[`href="${first}" -> ${page.url()}, h1 "${h1}"${err ? ', ' + err : ''}`]);
		await page.goto(base, { waitUntil: 'load' });
	}

	// Hiragana query, katakana title.
	r = await search(page, HIRAGANA_QUERY);
	hit = kataTarget ? hitFor(r, base, kataTarget.rel) : null;
	tap.ok(!!kataTarget && !!hit && hit.marks.includes(KATAKANA_TITLE),
		`${w} ${HIRAGANA_QUERY} finds "${kataTarget ? kataTarget.title : '(no page titled ' + KATAKANA_TITLE + ')'}", ${KATAKANA_TITLE} marked`,
		describe(r));

	// Nothing found.
	r = await search(page, NO_MATCH_QUERY);
	tap.ok(!r.error && r.status.includes('見つかりませんでした') && r.hits.length === 0,
		`${w} a query that matches nothing announces 見つかりませんでした and lists nothing`, describe(r));
	await axeCheck(tap, page, `${w} with nothing found`);

	// A query longer than the script looks at: cut before a character
	// outside the BMP, never inside it, and the status line quotes what
	// was searched.
	{
		const long = 'あ'.repeat(199) + '😀';
		const box = page.getByRole('searchbox', { name: 'サイト内検索' });
		await box.click();
		await box.fill('');
		await box.fill(long);
		await page.keyboard.press('Enter');
		const st = await page.waitForFunction(() => [...document.querySelectorAll('[role="status"]')]
			.map(s => s.textContent).find(t => /見つかりました|見つかりませんでした/.test(t) &&
				t.includes('あああ')), null, { timeout: WAIT })
			.then(h => h.jsonValue()).catch(e => 'error: ' + e.message.split('\n')[0]);
		tap.ok(typeof st === 'string' && st.includes('「' + 'あ'.repeat(199) + '」') &&
			!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(st),
			`${w} a query of 201 code units is cut to 199 before its emoji, and quoted so`,
			[`status: ${st}`]);
	}

	// Members pages stay out.
	if (membersPage) {
		r = await search(page, membersPage.query);
		const leaked = r.hits.filter(h => /\/members\//.test(new URL(h.href).pathname) ||
			h.title === membersPage.title);
		tap.ok(!r.error && leaked.length === 0 && r.hits.length === 0 &&
			r.status.includes('見つかりませんでした'),
			`${w} "${membersPage.query}", only in members page ${membersPage.rel}, finds nothing`,
			[...describe(r), ...leaked.map(h => `members page listed: ${h.rel}`)]);
	} else {
		tap.skip(`${w} a members page never appears in results`, 'no members page with a title found in no public page');
	}

	tap.ok(trouble.size === 0, `${w} no console error, failed request or outside request`, [...trouble]);
	await context.close();
}

// From a deeper page under another base URL: the result links are
// relative to the page and load.
async function subPathCheck(browser, sub) {
	const trouble = new Set();
	const context = await newContext(browser, VIEWPORTS[0], trouble);
	const page = await context.newPage();
	page.setDefaultTimeout(WAIT);
	watch(page, trouble);
	const from = pageURL(sub, deep.rel);
	await page.goto(from, { waitUntil: 'load' });
	const r = await search(page, HALF_WIDTH_QUERY);
	const hit = target ? hitFor(r, sub, target.rel) : null;
	let status = 0;
	if (hit) {
		const resp = await page.goto(hit.href, { waitUntil: 'load' }).catch(() => null);
		status = resp ? resp.status() : 0;
	}
	tap.ok(!!hit && status === 200,
		`from ${new URL(from).pathname}: ${HALF_WIDTH_QUERY} finds the page and its link (${hit ? hit.rel : '-'}) loads`,
		[...describe(r), `HTTP ${status}`]);

	// The 404 page at a deep missing address: its <base> (added by the
	// server) is what makes the relative URLs of the search work.  Its
	// own tab, so that the expected 404 is told from any other trouble.
	const missing = sub + 'kk-no-such-page/deeper/';
	const t404 = new Set();
	const p404 = await context.newPage();
	p404.setDefaultTimeout(WAIT);
	watch(p404, t404);
	const resp = await p404.goto(missing, { waitUntil: 'load' }).catch(() => null);
	if (resp && resp.status() === 404) {
		const r2 = await search(p404, HALF_WIDTH_QUERY);
		const hit2 = target ? hitFor(r2, sub, target.rel) : null;
		let status2 = 0;
		if (hit2) {
			const resp2 = await p404.goto(hit2.href, { waitUntil: 'load' }).catch(() => null);
			status2 = resp2 ? resp2.status() : 0;
		}
		tap.ok(!!hit2 && status2 === 200,
			`from the 404 page at ${new URL(missing).pathname}: ${HALF_WIDTH_QUERY} finds the page and its link loads`,
			[...describe(r2), `HTTP ${status2}`]);
	} else {
		tap.skip(`from the 404 page at ${new URL(missing).pathname}: search works`, `the server answered ${resp ? resp.status() : 'nothing'}`);
	}
	for (const t of t404)
		if (!t.includes('kk-no-such-page') && !/status of 404/.test(t))
			trouble.add(t);
	tap.ok(trouble.size === 0, `from ${new URL(sub).pathname}: no console error or failed request`, [...trouble]);
	await context.close();
}

/* ---- file:// ---------------------------------------------------------- */

async function fileChecks(browser) {
	const trouble = new Set();
	const context = await browser.newContext({ viewport: VIEWPORTS[0], locale: 'ja-JP' });
	await context.route(/^https?:/, r => {
		trouble.add(`request to the network from a file:// page: ${r.request().url()}`);
		return r.abort();
	});
	const page = await context.newPage();
	page.setDefaultTimeout(WAIT);
	watch(page, trouble);
	const rootURL = pathToFileURL(siteDir).href + '/';
	await page.goto(rootURL + 'index.html', { waitUntil: 'load' });
	let r = await search(page, HALF_WIDTH_QUERY);
	const hit = target ? hitFor(r, rootURL, target.rel) : null;
	tap.ok(!!hit, `file://: ${HALF_WIDTH_QUERY} on index.html finds "${target ? target.title : '-'}"`, describe(r));
	if (hit) {
		let err = null;
		try {
			await Promise.all([
				page.waitForNavigation({ waitUntil: 'load' }),
				page.click(`ol[aria-label="検索結果"] a[href="${hit.rel}"]`),
			]);
		} catch (e) {
			err = e.message.split('\n')[0];
		}
		const h1 = await page.evaluate(() => {
			const h = document.querySelector('main h1') || document.querySelector('h1');
			return h ? h.textContent.trim() : '';
		});
		tap.ok(!err && h1 === target.title, `file://: clicking the result opens the page`,
			[`-> ${page.url()}, h1 "${h1}"${err ? ', ' + err : ''}`]);
	}
	await page.goto(rootURL + deep.rel.split('/').map(encodeURIComponent).join('/'), { waitUntil: 'load' });
	r = await search(page, HIRAGANA_QUERY);
	const missing = r.hits.filter(h => !h.href.startsWith('file:') ||
		!fs.existsSync(fileURLToPath(h.href.replace(/#.*/, ''))));
	tap.ok(r.hits.length > 0 && missing.length === 0,
		`file://: from ${deep.rel} every result of ${HIRAGANA_QUERY} names a file that exists`,
		[...describe(r), ...missing.map(h => `no file: ${h.href}`)]);
	tap.ok(trouble.size === 0, 'file://: no console error, nothing fails to load', [...trouble]);
	await context.close();
}

const browser = await launch();
try {
	tap.ok(!!target && !!kataTarget, `pages to find are on disk (titles with ${FULL_WIDTH_TITLE} and ${KATAKANA_TITLE})`,
		[`${FULL_WIDTH_TITLE}: ${target ? target.rel : 'none'}`, `${KATAKANA_TITLE}: ${kataTarget ? kataTarget.rel : 'none'}`]);
	for (const vp of VIEWPORTS)
		await servedChecks(browser, vp);
	for (const sub of moreBases)
		await subPathCheck(browser, sub);
	await fileChecks(browser);
} catch (e) {
	tap.ok(false, 'search test ran to the end', [e.stack || String(e)]);
} finally {
	await browser.close();
}
tap.done();
