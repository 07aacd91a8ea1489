// tests/browser/links.mjs SITE_DIR [BASE_URL ...]
//
// The same generated tree must work served at "/", served under a
// sub-path, and opened from file://.  TAP lines:
//   on disk, for every page: each href/src/srcset and meta-refresh URL is
//     relative and names an existing file inside the site (a link ending
//     in "/" fails: file:// shows no index.html), its #fragment exists in
//     the target, and no
//     URL is root-absolute ("/…"), scheme-relative ("//…"), absolute to
//     the site itself (127.0.0.1, localhost) or an outside asset (only <a>
//     and non-fetched <link>s may point outside);
//   for each BASE_URL (nginx serving SITE_DIR, e.g. at / and /sub/portal/):
//     a crawl from the home page over every same-origin href/src (a, link,
//     script, img, source, CSS url()) gets 200 for each, bounded by the
//     number of files on disk; a missing page answers 404 with the site's
//     404.html and that page's assets load;
//   from file://, in Chromium: index.html's stylesheets load and change
//     the look, nothing fails to load, clicking the first menu link opens
//     a .html page with an h1 and its stylesheet.
// tests/browser/links.sh starts nginx twice and runs this.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, htmlFiles, countFiles, Tap, args, deadline } from './common.mjs';

const [siteArg, ...bases] = args(1, 'links.mjs SITE_DIR [BASE_URL ...]');
const siteDir = path.resolve(siteArg);
const tap = new Tap();
deadline(Number(process.env.LINKS_SECONDS || 300), tap);

/* ---------------------------------------------------------------------
 * Extracting URLs from HTML and CSS (no parser: the markup is gen's)
 * ------------------------------------------------------------------- */

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeHtml(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ?
				parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return ENTITIES[e.toLowerCase()] ?? m;
	});
}

// [{tag, attr, value, rel}] for every URL-valued attribute; comments and
// the bodies of script and style are left out.
function htmlRefs(html) {
	html = html.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<(script|style)\b([^>]*)>[\s\S]*?<\/\1\s*>/gi, '<$1$2></$1>');
	const out = [];
	const tagRe = /<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g;
	let m;
	while ((m = tagRe.exec(html))) {
		const tag = m[1].toLowerCase();
		const attrs = {};
		const attrRe = /([^\s=\/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
		let a;
		while ((a = attrRe.exec(m[2])))
			attrs[a[1].toLowerCase()] = unescapeHtml(a[2] ?? a[3] ?? a[4] ?? '');
		const rel = (attrs.rel || '').toLowerCase();
		for (const attr of ['href', 'src', 'poster', 'action']) {
			if (attr in attrs)
				out.push({ tag, attr, value: attrs[attr].trim(), rel });
		}
		if (tag === 'meta' && /^refresh$/i.test(attrs['http-equiv'] || '')) {
			const u = /url\s*=\s*['"]?([^'"]+)/i.exec(attrs.content || '');
			if (u)
				out.push({ tag, attr: 'refresh', value: u[1].trim(), rel });
		}
		if ('srcset' in attrs) {
			for (const c of attrs.srcset.split(','))
				if (c.trim())
					out.push({ tag, attr: 'srcset', value: c.trim().split(/\s+/)[0], rel });
		}
	}
	return out;
}

function htmlIds(html) {
	const ids = new Set();
	const re = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
	let m;
	while ((m = re.exec(html)))
		ids.add(unescapeHtml(m[1] ?? m[2] ?? m[3]));
	return ids;
}

function cssRefs(css) {
	const out = [];
	css = css.replace(/\/\*[\s\S]*?\*\//g, '');
	const re = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/g;
	let m;
	while ((m = re.exec(css))) {
		const v = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').trim();
		if (v)
			out.push({ tag: 'css', attr: 'url', value: v, rel: '' });
	}
	return out;
}

function what_(ref) {
	return ref.attr === 'refresh' ? `<meta http-equiv="refresh" url=${ref.value}>` :
		`<${ref.tag} ${ref.attr}="${ref.value}">`;
}

// An outside URL is fine where the browser only navigates to it: links,
// and <link>s that fetch nothing (canonical, alternate, author, ...).
function mayPointOutside(ref) {
	if (ref.tag === 'a' || ref.tag === 'area' || ref.tag === 'form')
		return true;
	if (ref.tag === 'link')
		return !/\b(stylesheet|icon|preload|prefetch|modulepreload|manifest|apple-touch-icon)\b/.test(ref.rel);
	return false;
}

// Problems with the form of one URL, whatever the page: [] when fine,
// ['skip'] when there is nothing to follow (mailto:, data:, ...).
function formProblems(ref) {
	const v = ref.value;
	const what = what_(ref);
	if (v.startsWith('//'))
		return [`scheme-relative URL ${what}`];
	if (v.startsWith('/'))
		return [`root-absolute URL ${what} (breaks under a sub-path and on file://)`];
	if (/^javascript:/i.test(v))
		return [`javascript: URL ${what}`];
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v);
	if (scheme) {
		const s = scheme[1].toLowerCase();
		if (s === 'http' || s === 'https') {
			let host = '';
			try { host = new URL(v).hostname; } catch (e) { return [`malformed URL ${what}`]; }
			if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]')
				return [`absolute URL to the site itself ${what}`];
			if (!mayPointOutside(ref))
				return [`outside asset ${what} (assets must be served by the site)`];
		}
		return ['skip'];
	}
	return [];
}

/* ---------------------------------------------------------------------
 * On disk: every relative URL names a file
 * ------------------------------------------------------------------- */

const pages = htmlFiles(siteDir);
tap.ok(pages.length > 0, `pages found under ${siteArg}`, [`no .html file under ${siteDir}`]);
const idCache = new Map();
const idsOf = file => {
	if (!idCache.has(file))
		idCache.set(file, htmlIds(fs.readFileSync(file, 'utf8')));
	return idCache.get(file);
};

for (const rel of pages) {
	const file = path.join(siteDir, rel);
	const html = fs.readFileSync(file, 'utf8');
	const refs = htmlRefs(html);
	const bad = [];
	for (const ref of refs) {
		const what = what_(ref);
		const p = formProblems(ref);
		if (p.length) {
			if (p[0] !== 'skip')
				bad.push(...p);
			continue;
		}
		if (ref.value === '')
			continue;
		const hashAt = ref.value.indexOf('#');
		const frag = hashAt >= 0 ? ref.value.slice(hashAt + 1) : null;
		let target = (hashAt >= 0 ? ref.value.slice(0, hashAt) : ref.value).replace(/\?.*$/, '');
		let abs = file;
		if (target !== '') {
			if (target.endsWith('/')) {
				bad.push(`${what} ends in "/": name the file (…/index.html) so file:// works`);
				continue;
			}
			let decoded;
			try { decoded = decodeURIComponent(target); } catch (e) {
				bad.push(`${what}: malformed %-escape`);
				continue;
			}
			abs = path.resolve(path.dirname(file), decoded);
			if (abs !== siteDir && !abs.startsWith(siteDir + path.sep)) {
				bad.push(`${what} leaves the site`);
				continue;
			}
			let st = null;
			try { st = fs.statSync(abs); } catch (e) { /* missing */ }
			if (!st) {
				bad.push(`${what}: no such file ${path.relative(siteDir, abs)}`);
				continue;
			}
			if (st.isDirectory()) {
				bad.push(`${what} names a directory: name the file so file:// works`);
				continue;
			}
		}
		if (frag && abs.endsWith('.html')) {
			let id = frag;
			try { id = decodeURIComponent(frag); } catch (e) { /* as is */ }
			if (!idsOf(abs).has(id))
				bad.push(`${what}: no id "${id}" in ${path.relative(siteDir, abs)}`);
		}
	}
	tap.ok(bad.length === 0, `links on disk: ${rel} (${refs.length} URLs, all relative and existing)`,
		[...new Set(bad)]);
}

/* ---------------------------------------------------------------------
 * Served: a crawl from the home page
 * ------------------------------------------------------------------- */

async function get(url) {
	const ctl = new AbortController();
	const t = setTimeout(() => ctl.abort(), 10000);
	try {
		const r = await fetch(url, { redirect: 'manual', signal: ctl.signal });
		const type = r.headers.get('content-type') || '';
		const body = /^text\/|javascript|json|xml|svg/.test(type) ? await r.text() :
			(await r.arrayBuffer(), '');
		return { status: r.status, type, body };
	} catch (e) {
		return { status: 0, type: '', body: '', error: e.message };
	} finally {
		clearTimeout(t);
	}
}

async function crawl(base) {
	const origin = new URL(base).origin;
	const limit = countFiles(siteDir) + 10;
	const seen = new Map();	/* url -> first page linking it */
	const queue = [base];
	seen.set(base, '(start)');
	const bad = [];
	const htmlSeen = new Set();
	let fetched = 0, exceeded = false;
	while (queue.length) {
		if (fetched >= limit) {
			exceeded = true;
			break;
		}
		const url = queue.shift();
		const r = await get(url);
		fetched++;
		if (r.status !== 200) {
			bad.push(`${r.status || r.error} ${url} (linked from ${seen.get(url)})`);
			continue;
		}
		let refs = [];
		if (r.type.startsWith('text/html')) {
			htmlSeen.add(url);
			refs = htmlRefs(r.body);
		} else if (r.type.startsWith('text/css')) {
			refs = cssRefs(r.body);
		}
		for (const ref of refs) {
			if (ref.value === '' || ref.value.startsWith('#'))
				continue;
			let u;
			try { u = new URL(ref.value, url); } catch (e) { continue; }
			if (u.origin !== origin)
				continue;
			u.hash = '';
			const s = u.href;
			if (!seen.has(s)) {
				seen.set(s, url.slice(origin.length));
				queue.push(s);
			}
		}
	}
	const ok = bad.length === 0 && !exceeded;
	const diags = [...bad];
	if (exceeded)
		diags.push(`crawl stopped after ${limit} fetches (more than the files on disk): ${queue.slice(0, 5).join(' ')} …`);
	tap.ok(ok, `served at ${new URL(base).pathname}: every URL reachable from the home page answers 200 (${fetched} fetched)`, diags);

	// Pages no link reaches are worth knowing, not a failure (404.html).
	const notReached = pages.filter(p => {
		const u = new URL(p.split('/').map(encodeURIComponent).join('/'), base).href;
		return !htmlSeen.has(u) && !(p === 'index.html' && htmlSeen.has(base));
	});
	if (notReached.length)
		console.log(`# note: not linked from the home page's tree at ${new URL(base).pathname}: ${notReached.slice(0, 10).join(', ')}${notReached.length > 10 ? ' …' : ''}`);

	// A missing page: 404 with the site's own 404 page, whose assets load
	// however deep the missing URL is.
	if (!fs.existsSync(path.join(siteDir, '404.html'))) {
		tap.ok(false, `served at ${new URL(base).pathname}: a missing page answers 404 with the site's 404.html`, ['no 404.html on disk']);
		return;
	}
	const want = fs.readFileSync(path.join(siteDir, '404.html'), 'utf8');
	const prefix = new URL(base).pathname;
	for (const missing of ['kk-no-such-page.html', 'kk-no-such-dir/deeper/page.html']) {
		const url = base + missing;
		const r = await get(url);
		// The server names the site's root in a <base> (the tree's links
		// are relative to it), so the page's assets load at any depth.
		const baseTag = `<base href="${prefix}">`;
		const same = r.body.replace(baseTag, '') === want && r.body.includes(baseTag);
		const assets = [];
		if (same) {
			for (const ref of htmlRefs(r.body)) {
				if (!['link', 'script', 'img'].includes(ref.tag) || ref.tag === 'link' && !/stylesheet|icon/.test(ref.rel))
					continue;
				let u;
				try { u = new URL(ref.value, new URL(prefix, url)); } catch (e) { continue; }
				if (u.origin !== origin)
					continue;
				const a = await get(u.href);
				if (a.status !== 200)
					assets.push(`${a.status} ${u.pathname}`);
			}
		}
		tap.ok(r.status === 404 && same && assets.length === 0,
			`served at ${prefix}: /${missing} answers 404 with the site's 404.html (with ${baseTag}) and its assets load`,
			[`status ${r.status}, body is 404.html with the base: ${same}`, ...assets.map(a => 'asset: ' + a)]);
	}
}

for (const base of bases)
	await crawl(base.endsWith('/') ? base : base + '/');

/* ---------------------------------------------------------------------
 * file://: in Chromium
 * ------------------------------------------------------------------- */

const STYLE_PROPS = ['margin-top', 'font-family', 'font-size', 'line-height', 'color', 'background-color'];

async function styleOf(page) {
	return page.evaluate(props => {
		const links = [...document.querySelectorAll('link[rel~="stylesheet"]')];
		const cs = getComputedStyle(document.body);
		return {
			links: links.length,
			loaded: links.filter(l => l.sheet).length,
			unloaded: links.filter(l => !l.sheet).map(l => l.getAttribute('href')),
			style: Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)])),
		};
	}, STYLE_PROPS);
}

if (fs.existsSync(path.join(siteDir, 'index.html'))) {
	const browser = await launch();
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const trouble = [];
		await context.route(/^https?:/, r => {
			trouble.push(`request to the network from a file:// page: ${r.request().url()}`);
			return r.abort();
		});
		const page = await context.newPage();
		page.setDefaultTimeout(10000);
		page.on('console', m => { if (m.type() === 'error') trouble.push(`console error: ${m.text()}`); });
		page.on('pageerror', e => trouble.push(`uncaught exception: ${e.message}`));
		page.on('requestfailed', r => {
			const why = r.failure() ? r.failure().errorText : '';
			if (!/^https?:/.test(r.url()))
				trouble.push(`failed to load ${r.url()} (${why})`);
		});

		await page.goto('about:blank');
		await page.setContent('<!DOCTYPE html><html><body><p>x</p></body></html>');
		const plain = (await styleOf(page)).style;

		const home = pathToFileURL(path.join(siteDir, 'index.html')).href;
		await page.goto(home, { waitUntil: 'load' });
		const styled = (s, where) => {
			const differs = STYLE_PROPS.filter(p => s.style[p] !== plain[p]);
			tap.ok(s.links > 0 && s.loaded === s.links && differs.length > 0,
				`file://: ${where}'s stylesheets load and style the page`,
				[`${s.links} stylesheets, ${s.loaded} loaded${s.unloaded.length ? ', not: ' + s.unloaded.join(' ') : ''}; body style differs from the browser's in: ${differs.join(', ') || 'nothing'}`]);
		};
		styled(await styleOf(page), 'index.html');

		// The first menu link that goes elsewhere; inside a closed
		// <details> it is shown by clicking its summary first.
		const pick = await page.evaluate(() => {
			const nav = document.querySelector('header nav') || document.querySelector('nav');
			if (!nav)
				return null;
			const here = location.href.replace(/#.*/, '');
			const links = [...nav.querySelectorAll('a[href]')].filter(a => a.href.replace(/#.*/, '') !== here);
			if (!links.length)
				return null;
			const a = links[0];
			const d = a.closest('details');
			a.setAttribute('data-kk-pick', '');
			if (d && !d.open)
				d.querySelector('summary').setAttribute('data-kk-summary', '');
			return { href: a.getAttribute('href'), text: a.textContent.trim() };
		});
		if (!pick) {
			tap.ok(false, 'file://: clicking the first menu link opens a page with an h1', ['no link in the nav of index.html']);
		} else {
			if (await page.locator('[data-kk-summary]').count())
				await page.click('[data-kk-summary]');
			let err = null;
			try {
				await Promise.all([
					page.waitForNavigation({ waitUntil: 'load' }),
					page.click('[data-kk-pick]'),
				]);
			} catch (e) {
				err = e.message.split('\n')[0];
			}
			const url = page.url();
			const h1 = await page.locator('h1').count();
			tap.ok(!err && url.startsWith('file://') && url.replace(/#.*/, '').endsWith('.html') && h1 > 0,
				`file://: clicking the first menu link (${pick.text}) opens a page with an h1`,
				[`href="${pick.href}" -> ${url}, h1 count ${h1}${err ? ', ' + err : ''}`]);
			styled(await styleOf(page), decodeURIComponent(url.slice(pathToFileURL(siteDir).href.length + 1)));
		}
		tap.ok(trouble.length === 0, 'file://: nothing fails to load, no console error', [...new Set(trouble)]);
		await context.close();
	} finally {
		await browser.close();
	}
} else {
	tap.ok(false, 'file://: index.html exists', [`no ${path.join(siteDir, 'index.html')}`]);
}

tap.done();
