// tests/browser/app.mjs BASE_URL ADMIN ADMIN_PW MUNI MUNI_PW GOOD_CSV BAD_CSV
//
// The program pages (cgi/auth, cgi/admin) of the stack at BASE_URL
// (https://127.0.0.1:PORT, self-signed), in Debian's Chromium, used as a
// person would: through the forms, typing into the inputs and pressing
// the buttons.  ADMIN is an administrator, MUNI a municipality; GOOD_CSV
// an account list with an account not yet there, BAD_CSV one that the
// import refuses.  TAP lines:
//
//   the municipality, from a members page to signing out
//     - a members page sends the browser to the sign-in form, ?next= kept;
//     - sent empty, the form lists its errors, each a link that moves
//       the focus to its input;
//     - keyboard only: Tab from the top reaches ID, password and the
//       button in that order, each with a visible focus ring; Enter on
//       the button submits (wrong password: the error shows, the ID
//       stays); Enter in the password input submits;
//     - signed in, it lands on the account page, whose link goes on to
//       the members page it first asked for, which it sees;
//     - the password form: empty, with its errors, changed;
//     - the admin pages refuse it (403);
//     - the sign-out button signs it out; the members page refuses it
//       again; an unknown route is a 404 page, also a level below the
//       routes (a slash too many), styled and with working links;
//   the administrator
//     - menu, account list (page 1, page 2 by its link, and a search
//       that finds none), one
//       account (and after a password reset), import (the form, a bad
//       file's error list, a good file's result), audit log, a 404;
//   and on every page it stops at
//     - the status and <h1> it should have (so the checks below look at
//       the right page);
//     - axe-core (WCAG 2 A and AA) finds nothing at 375 and at 1280 px;
//     - at both widths, Tab from the start of <main> reaches every
//       control in it, each on screen with a focus ring;
//     - no sideways scroll at 375 px;
//     - no id twice, and no label, aria-describedby/-labelledby/-controls
//       or in-page link naming a missing id (axe no longer checks ids);
//     - an input marked aria-invalid has a border (2px or more) of the
//       colour of the error message that describes it;
//     - nothing went wrong: no console error, no Content-Security-Policy
//       violation (reported by the page's securitypolicyviolation
//       events), no uncaught exception, no failed request, no HTTP error
//       for a page's assets, no request beyond 127.0.0.1.
//   A first check proves the CSP watch sees a violation at all.
//
// tests/browser/app.sh starts the stack, makes the accounts and runs this.

import { launch, Tap, args, deadline, axeCheck } from './common.mjs';

const [baseArg, admin, adminPw, muni, muniPw, goodCsv, badCsv] = args(7,
	'app.mjs BASE_URL ADMIN ADMIN_PW MUNI MUNI_PW GOOD_CSV BAD_CSV');
const base = baseArg.replace(/\/+$/, '');
const tap = new Tap();
deadline(Number(process.env.APP_SECONDS || 240), tap);

const WIDTHS = [
	{ width: 375, height: 800 },
	{ width: 1280, height: 900 },
];
const MAX_TABS = 100;		/* Tabs from the top to the sign-in form */
const SETTLE_MS = 300;		/* after a resize: site.js waits 150 ms */

// ---------------------------------------------------------------- //
// A tab and what goes wrong in it
// ---------------------------------------------------------------- //

// Runs in every document before its own scripts (through the DevTools
// protocol, which the CSP does not govern): keeps the page's CSP
// violations where the checks can read them.
function watchCsp() {
	window.__kkCsp = [];
	document.addEventListener('securitypolicyviolation', e => {
		window.__kkCsp.push(`${e.effectiveDirective} refused ` +
		    `${e.blockedURI || '(inline)'}` +
		    (e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : '') +
		    (e.sample ? ` «${e.sample}»` : ''));
	});
}

class Tab {
	constructor(page) {
		this.page = page;
		this.events = [];	/* trouble since the last check */
		this.doc = null;	/* the last main-frame document answer */
		page.setDefaultTimeout(20000);
		page.on('response', r => {
			const req = r.request();
			if (req.isNavigationRequest() && r.frame() === page.mainFrame())
				this.doc = { status: r.status(), url: r.url() };
			else if (r.status() >= 400)
				this.events.push(`HTTP ${r.status()}: ${r.url()}`);
		});
		page.on('console', m => {
			if (m.type() !== 'error')
				return;
			const t = m.text();
			// A blocked outside request is reported by the route.
			if (t.includes('ERR_BLOCKED_BY_CLIENT'))
				return;
			// Chromium logs an error status of the page itself (401
			// after a wrong password, 404, 403, 422) as a failed
			// load; that status is checked, and meant.
			if (/^Failed to load resource: the server responded with a status of \d+/.test(t) &&
			    this.doc && m.location().url === this.doc.url)
				return;
			this.events.push(`console error: ${t}`);
		});
		page.on('pageerror', e => this.events.push(`uncaught exception: ${e.message}`));
		page.on('requestfailed', r => {
			const why = r.failure() ? r.failure().errorText : '';
			if (!why.startsWith('net::ERR_BLOCKED_BY_CLIENT'))
				this.events.push(`request failed: ${r.url()} (${why})`);
		});
	}

	// Does `act` and waits for the document it leads to (through any
	// redirects) to load.
	async navigate(act) {
		const loaded = this.page.waitForEvent('load');
		try {
			await act();
		} catch (e) {
			loaded.catch(() => {});
			throw e;
		}
		await loaded;
	}

	async goto(path) {
		await this.navigate(() => this.page.goto(base + path, { waitUntil: 'commit' }));
	}

	async csp() {
		return this.page.evaluate(() => (window.__kkCsp || []).splice(0));
	}
}

async function newTab(browser) {
	const context = await browser.newContext({ viewport: WIDTHS[1], locale: 'ja-JP' });
	await context.addInitScript(watchCsp);
	await context.route('**/*', (route, request) => {
		const u = new URL(request.url());
		if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1')
			return route.continue();
		tabs.get(context)?.events.push(`request outside 127.0.0.1 blocked: ${u.href}`);
		return route.abort('blockedbyclient');
	});
	const tab = new Tab(await context.newPage());
	tabs.set(context, tab);
	return tab;
}
const tabs = new Map();

// ---------------------------------------------------------------- //
// The checks of a page
// ---------------------------------------------------------------- //

async function settle(page) {
	await page.waitForTimeout(SETTLE_MS);
	await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function overflow(page) {
	return page.evaluate(() => {
		const w = window.innerWidth;
		const sw = document.documentElement.scrollWidth;
		const wide = [];
		if (sw > w)
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
		return { sw, wide };
	});
}

// Runs in the page: ids used twice, and references (label for,
// aria-describedby/-labelledby/-controls, in-page links) to no element.
function idRefs() {
	const seen = new Set(), dup = new Set(), broken = [];
	for (const e of document.querySelectorAll('[id]'))
		(seen.has(e.id) ? dup : seen).add(e.id);
	const ref = (el, what, id) => {
		if (!document.getElementById(id))
			broken.push(`${el.tagName.toLowerCase()} ${what}="${id}"`);
	};
	for (const l of document.querySelectorAll('label[for]'))
		ref(l, 'for', l.htmlFor);
	for (const a of ['aria-describedby', 'aria-labelledby', 'aria-controls'])
		for (const el of document.querySelectorAll(`[${a}]`))
			for (const id of el.getAttribute(a).split(/\s+/).filter(Boolean))
				ref(el, a, id);
	for (const a of document.querySelectorAll('a[href^="#"]'))
		if (a.getAttribute('href').length > 1)
			ref(a, 'href', decodeURIComponent(a.getAttribute('href').slice(1)));
	return { dup: [...dup], broken };
}

// Runs in the page: each input marked aria-invalid, its border (at
// least 2px) against the colour of the error message it is described by.
function invalidLooks() {
	return [...document.querySelectorAll('main [aria-invalid="true"]')].map(e => {
		const cs = getComputedStyle(e);
		const msg = (e.getAttribute('aria-describedby') || '').split(/\s+/)
		    .map(id => document.getElementById(id)).find(m => m && m.classList.contains('field-error'));
		const border = `${cs.borderTopWidth} ${cs.borderTopColor}`;
		const message = msg ? getComputedStyle(msg).color : '(no .field-error describes it)';
		return {
			id: e.id, border, message,
			ok: !!msg && parseFloat(cs.borderTopWidth) >= 2 && cs.borderTopColor === message,
		};
	});
}

// Runs in the page: what Tab from the start of <main> should reach, and
// a description of the focused element.
function mainFocusables() {
	const main = document.querySelector('main');
	const sel = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), ' +
	    'select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
	return [...main.querySelectorAll(sel)].filter(e => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
	}).map(e => e.outerHTML.slice(0, 60));
}

function focusedInMain() {
	const e = document.activeElement;
	const main = document.querySelector('main');
	if (!e || e === document.body || !main.contains(e) || e === main)
		return { inMain: false };
	const cs = getComputedStyle(e);
	const r = e.getBoundingClientRect();
	return {
		inMain: true,
		key: e.outerHTML.slice(0, 60),
		ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) ||
		    (cs.boxShadow && cs.boxShadow !== 'none'),
		onScreen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
	};
}

// Keyboard only, inside <main>: from its start, Tab reaches every
// control there, in turn, each on screen with a focus ring.
async function focusWalk(tab, name, width) {
	const p = tab.page;
	const want = await p.evaluate(mainFocusables);
	await p.evaluate(() => document.querySelector('main').focus());
	const reached = [], bad = [];
	for (let i = 0; i <= want.length + 2; i++) {
		await p.keyboard.press('Tab');
		const f = await p.evaluate(focusedInMain);
		if (!f.inMain)
			break;
		reached.push(f.key);
		if (!f.ring || !f.onScreen)
			bad.push(`${f.key}: ${f.ring ? '' : 'no focus ring '}${f.onScreen ? '' : 'off screen'}`);
	}
	const missed = want.filter(k => !reached.includes(k));
	tap.ok(want.length > 0 && missed.length === 0 && bad.length === 0,
	    `${width}px: ${name}: Tab reaches the ${want.length} controls in <main>, each on screen with a focus ring`,
	    [...missed.map(k => `not reached: ${k}`), ...bad]);
}

// The page the tab shows now is the one `want` describes ({status, h1,
// path: a RegExp for pathname + search}); then at both widths axe and
// the keyboard walk through <main>; the sideways scroll at 375 px; ids;
// and the trouble gathered since the last check.  The tab is left at
// 1280 px.
async function check(tab, name, want) {
	const p = tab.page;
	const got = await p.evaluate(() => ({
		path: location.pathname + location.search,
		h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
	}));
	const status = tab.doc ? tab.doc.status : 0;
	const h1ok = got.h1.length === 1 && (want.h1 instanceof RegExp ?
	    want.h1.test(got.h1[0]) : got.h1[0] === want.h1);
	const pathOk = !want.path || want.path.test(got.path);
	tap.ok(status === want.status && h1ok && pathOk,
	    `${name}: HTTP ${want.status}, <h1> ${want.h1}` +
	    (want.path ? `, at ${want.path.source}` : ''),
	    [`at ${got.path}: HTTP ${status}, <h1> ${JSON.stringify(got.h1)}`]);
	for (const vp of WIDTHS) {
		await p.setViewportSize(vp);
		await settle(p);
		await axeCheck(tap, p, `${vp.width}px: ${name}`);
		if (vp.width === 375) {
			const o = await overflow(p);
			tap.ok(o.sw <= 375, `no sideways scroll at 375px: ${name}`,
			    [`scrollWidth ${o.sw} > 375`, ...o.wide.map(s => 'wider than the screen: ' + s)]);
		}
		await focusWalk(tab, name, vp.width);
	}
	const invalid = await p.evaluate(invalidLooks);
	if (invalid.length > 0)
		tap.ok(invalid.every(i => i.ok), `${name}: each input marked invalid has a border of its error message's colour`,
		    invalid.filter(i => !i.ok).map(i => `${i.id}: border ${i.border}, message ${i.message}`));
	const ids = await p.evaluate(idRefs);
	tap.ok(ids.dup.length === 0 && ids.broken.length === 0,
	    `${name}: no id twice, no reference to a missing id`,
	    [...ids.dup.map(id => `id twice: ${id}`), ...ids.broken.map(b => `to no element: ${b}`)]);
	const t = [...tab.events.splice(0), ...(await tab.csp()).map(s => 'CSP violation: ' + s)];
	tap.ok(t.length === 0, `${name}: no console error, CSP violation, uncaught exception, ` +
	    'failed or outside request', t);
}

// Runs in the page: the focused element, and whether it shows a ring.
function focused() {
	const e = document.activeElement;
	let d = '(body)';
	if (e && e !== document.body) {
		d = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
		    (e.getAttribute('type') ? `[type=${e.getAttribute('type')}]` : '');
		const t = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 20);
		if (t) d += ` "${t}"`;
	}
	const cs = e ? getComputedStyle(e) : null;
	const ring = !!cs && ((cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) ||
	    (cs.boxShadow && cs.boxShadow !== 'none'));
	const inForm = !!(e && e.closest && e.closest('form[action="login"]'));
	return {
		desc: d, ring, inForm,
		id: e ? e.id : '',
		submit: !!(e && e.tagName === 'BUTTON' && e.type === 'submit' && inForm),
	};
}

// Tab from the top of the page until the element `is` names has focus.
async function tabTo(page, is, limit = MAX_TABS) {
	let f = null;
	for (let i = 0; i < limit; i++) {
		await page.keyboard.press('Tab');
		f = await page.evaluate(focused);
		if (is(f))
			return { f, tabs: i + 1 };
	}
	return { f, tabs: -1 };
}

// ---------------------------------------------------------------- //
// The municipality
// ---------------------------------------------------------------- //

const LOGIN_PATH = /^\/app\/auth\/login(\?|$)/;
const NEXT = '/members/index.html';

async function municipality(browser) {
	const tab = await newTab(browser);
	const p = tab.page;
	const main = p.locator('main');

	// The CSP watch itself: a style attribute from markup is refused.
	await tab.goto('/app/auth/login');
	await p.evaluate(() => {
		document.body.insertAdjacentHTML('beforeend', '<p style="color: red">csp probe</p>');
	});
	await p.waitForTimeout(100);
	const probe = await tab.csp();
	await p.evaluate(() => document.body.lastElementChild.remove());
	tab.events.splice(0);
	tap.ok(probe.some(s => s.startsWith('style-src')),
	    'the CSP is in force on a program page and a violation is seen',
	    [`violations seen: ${JSON.stringify(probe)}`]);

	// A members page sends the browser to the form.
	await tab.goto(NEXT);
	await check(tab, 'sign-in form, from a members page', {
		status: 200, h1: 'ログイン',
		path: /^\/app\/auth\/login\?next=(\/|%2F)members(\/|%2F)index\.html$/,
	});
	const next = await p.locator('input[name="next"]').getAttribute('value').catch(() => null);
	tap.ok(next === NEXT, 'the form keeps the members page to go on to',
	    [`hidden next: ${JSON.stringify(next)}`]);

	// Empty: the list of errors, each linking to its input.
	await tab.navigate(() => main.getByRole('button', { name: 'ログイン' }).click());
	await check(tab, 'sign-in form, sent empty', { status: 422, h1: 'ログイン', path: LOGIN_PATH });
	const links = await p.$$eval('#form-errors a', as => as.map(a => a.getAttribute('href')));
	let f;
	tap.ok(links.includes('#login') && links.includes('#password'),
	    'the empty form lists both fields, each a link to its input', [`links: ${JSON.stringify(links)}`]);
	await main.locator('#form-errors a[href="#password"]').click();
	f = await p.evaluate(focused);
	tap.ok(f.id === 'password', 'the error list\'s link to the password moves the focus to its input',
	    [`focus: ${f.desc}`]);

	// Keyboard only, from the top: ID, password, button.
	await tab.goto(`/app/auth/login?next=${encodeURIComponent(NEXT)}`);
	await p.evaluate(() => document.activeElement && document.activeElement.blur());
	let r = await tabTo(p, f => f.id === 'login');
	tap.ok(r.tabs > 0 && r.f.ring, `Tab from the top reaches the ID input (${r.tabs} Tabs), with a focus ring`,
	    [`focus: ${r.f && r.f.desc}, ring: ${r.f && r.f.ring}`]);
	await p.keyboard.type(muni);
	await p.keyboard.press('Tab');
	f = await p.evaluate(focused);
	tap.ok(f.id === 'password' && f.ring, 'the next Tab: the password input, with a focus ring',
	    [`focus: ${f.desc}, ring: ${f.ring}`]);
	await p.keyboard.type(muniPw + '-wrong');
	await p.keyboard.press('Tab');
	f = await p.evaluate(focused);
	tap.ok(f.submit && f.ring, 'the next Tab: the ログイン button, with a focus ring',
	    [`focus: ${f.desc}, ring: ${f.ring}`]);
	await tab.navigate(() => p.keyboard.press('Enter'));
	await check(tab, 'sign-in form, wrong password (Enter on the button)', {
		status: 401, h1: 'ログイン', path: LOGIN_PATH,
	});
	const shown = await p.evaluate(() => ({
		alert: (document.querySelector('main [role="alert"]') || {}).textContent || '',
		login: (document.getElementById('login') || {}).value,
		password: (document.getElementById('password') || {}).value,
	}));
	tap.ok(/正しくありません/.test(shown.alert) && shown.login === muni && shown.password === '',
	    'the wrong password is said in an alert; the ID stays, the password does not',
	    [JSON.stringify(shown)]);

	// The right password, Enter in its input.
	r = await tabTo(p, f => f.id === 'password');
	tap.ok(r.tabs > 0, 'Tab reaches the password input again', [`focus: ${r.f && r.f.desc}`]);
	await p.keyboard.type(muniPw);
	await tab.navigate(() => p.keyboard.press('Enter'));
	await check(tab, 'account page after signing in (Enter in the password input)', {
		status: 200, h1: 'アカウント',
		path: /^\/app\/auth\/\?next=(\/|%2F)members(\/|%2F)index\.html$/,
	});

	// On to the page it first asked for.
	const onward = main.getByRole('link', { name: 'ログイン前に開こうとしたページへ進む' });
	tap.ok(await onward.count() === 1, 'the account page links on to the members page');
	if (await onward.count() === 1) {
		await tab.navigate(() => onward.click());
		const seen = await p.evaluate(() => ({
			path: location.pathname,
			h1: (document.querySelector('h1') || {}).textContent || '',
		}));
		tap.ok(tab.doc && tab.doc.status === 200 && seen.path === NEXT && seen.h1.trim() !== '',
		    'the members page shows once signed in',
		    [`at ${seen.path}: HTTP ${tab.doc && tab.doc.status}, <h1> ${seen.h1}`]);
		tab.events.splice(0);
		await tab.csp();
	}

	// The password: empty, with errors, changed.
	await tab.goto('/app/auth/');
	await tab.navigate(() => main.getByRole('link', { name: 'パスワードの変更' }).click());
	await check(tab, 'password form', { status: 200, h1: 'パスワードの変更', path: /^\/app\/auth\/password$/ });
	await tab.navigate(() => main.getByRole('button', { name: '変更する' }).click());
	await check(tab, 'password form, sent empty', { status: 422, h1: 'パスワードの変更' });
	await p.locator('#current').pressSequentially(muniPw + '-not-it');
	await p.locator('#new').pressSequentially('みんなで使う新しいパスワード 2026');
	await p.locator('#confirm').pressSequentially('みんなで使う新しいパスワード 2026');
	await tab.navigate(() => main.getByRole('button', { name: '変更する' }).click());
	await check(tab, 'password form, wrong current password', { status: 422, h1: 'パスワードの変更' });
	const err = await p.evaluate(() => {
		const i = document.getElementById('current');
		const ids = (i && i.getAttribute('aria-describedby') || '').split(/\s+/);
		return {
			invalid: i && i.getAttribute('aria-invalid'),
			described: ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' '),
		};
	});
	tap.ok(err.invalid === 'true' && /正しくありません/.test(err.described),
	    'the wrong current password is marked on its input and tied to it', [JSON.stringify(err)]);
	await p.locator('#current').pressSequentially(muniPw);
	await p.locator('#new').pressSequentially('みんなで使う新しいパスワード 2026');
	await p.locator('#confirm').pressSequentially('みんなで使う新しいパスワード 2026');
	await tab.navigate(() => main.getByRole('button', { name: '変更する' }).click());
	await check(tab, 'password changed', { status: 200, h1: 'パスワードを変更しました' });

	// Not for a municipality.
	await tab.goto('/app/admin/');
	await check(tab, 'error page: 403, the admin menu for a municipality', {
		status: 403, h1: 'このページを利用する権限がありません',
	});

	// Sign out with the button; refused again.
	await tab.goto('/app/auth/');
	await tab.navigate(() => main.getByRole('button', { name: 'ログアウト' }).click());
	await check(tab, 'signed out', { status: 200, h1: 'ログアウトしました', path: /^\/app\/auth\/logout$/ });
	await tab.goto(NEXT);
	const again = await p.evaluate(() => location.pathname + location.search);
	tap.ok(LOGIN_PATH.test(again) && (await p.locator('#login').count()) === 1,
	    'signed out, the members page sends it to the sign-in form again', [`at ${again}`]);
	tab.events.splice(0);
	await tab.csp();
	await tab.goto('/app/auth/no-such-page');
	await check(tab, 'error page: 404, an unknown route, signed out', {
		status: 404, h1: 'ページが見つかりません',
	});
	// A level below a program's pages (a slash too many): the page's
	// assets and links must still be found.
	await tab.goto('/app/auth/password/');
	await check(tab, 'error page: 404, a path one level below the routes', {
		status: 404, h1: 'ページが見つかりません',
	});
	const styled = await p.evaluate(() =>
	    getComputedStyle(document.querySelector('.site-header')).borderTopStyle);
	tap.ok(styled !== 'none', 'that page has the stylesheet', [`header border-top: ${styled}`]);
	const back = main.getByRole('link', { name: 'ログインのページへ' });
	await tab.navigate(() => back.click());
	tap.ok(LOGIN_PATH.test(await p.evaluate(() => location.pathname)) && tab.doc.status === 200,
	    'its link leads to the sign-in form', [`at ${p.url()}: HTTP ${tab.doc.status}`]);
	tab.events.splice(0);
	await tab.csp();
	await p.context().close();
}

// ---------------------------------------------------------------- //
// The administrator
// ---------------------------------------------------------------- //

async function administrator(browser) {
	const tab = await newTab(browser);
	const p = tab.page;
	const main = p.locator('main');

	await tab.goto('/app/admin/');
	tap.ok(LOGIN_PATH.test(await p.evaluate(() => location.pathname)),
	    'the admin menu, signed out, sends the browser to the sign-in form');
	await p.locator('#login').pressSequentially(admin);
	await p.locator('#password').pressSequentially(adminPw);
	await tab.navigate(() => main.getByRole('button', { name: 'ログイン' }).click());
	const landed = await p.evaluate(() => location.pathname + location.search);
	tap.ok(/^\/app\/auth\/\?next=/.test(landed), 'the administrator signs in', [`at ${landed}`]);
	tab.events.splice(0);
	await tab.csp();

	await tab.goto('/app/admin/');
	await check(tab, 'admin menu', { status: 200, h1: 'アカウントの管理', path: /^\/app\/admin\/$/ });

	await tab.navigate(() => main.getByRole('link', { name: 'アカウントの一覧と検索' }).click());
	await check(tab, 'account list', { status: 200, h1: 'アカウントの一覧', path: /^\/app\/admin\/accounts$/ });
	const rows = await p.locator('table.data-table tbody tr').count();
	tap.ok(rows === 50, `the list shows the first 50 accounts (${rows} rows)`);
	const nav = main.getByRole('navigation', { name: 'ページ送り' });
	tap.ok(await nav.count() === 1, 'the list has its page links');
	await tab.navigate(() => nav.getByRole('link', { name: '2', exact: true }).click());
	await check(tab, 'account list, page 2', { status: 200, h1: 'アカウントの一覧', path: /^\/app\/admin\/accounts\?page=2$/ });
	tap.ok(await nav.locator('[aria-current="page"]').innerText() === '2', 'page 2 is marked as the current page');
	await tab.goto('/app/admin/accounts');

	await p.locator('#q').pressSequentially('見つからない団体');
	await tab.navigate(() => main.getByRole('button', { name: '検索' }).click());
	await check(tab, 'account list, a search that finds none', {
		status: 200, h1: 'アカウントの一覧', path: /^\/app\/admin\/accounts\?q=/,
	});
	tap.ok(await p.locator('table.data-table').count() === 0 &&
	    /0件/.test(await p.locator('main').innerText()), 'the search finds none and says so');

	await tab.goto('/app/admin/accounts');
	await tab.navigate(() => main.getByRole('link', { name: muni, exact: true }).click());
	await check(tab, "one account's page", { status: 200, h1: '札幌市', path: /^\/app\/admin\/account\?id=\d+$/ });

	// Import: the form, a bad file, a good one.
	await tab.goto('/app/admin/');
	await tab.navigate(() => main.getByRole('link', { name: /取り込み/ }).click());
	await check(tab, 'import form', { status: 200, h1: 'アカウントの一覧の取り込み', path: /^\/app\/admin\/import$/ });
	await p.locator('#file').setInputFiles(badCsv);
	await tab.navigate(() => main.getByRole('button', { name: '取り込む' }).click());
	await check(tab, 'import form, a bad file', { status: 422, h1: 'アカウントの一覧の取り込み' });
	const listed = await p.locator('.form-errors li').count();
	tap.ok(listed >= 1, `the bad file's problems are listed (${listed})`);
	await p.locator('#file').setInputFiles(goodCsv);
	await tab.navigate(() => main.getByRole('button', { name: '取り込む' }).click());
	await check(tab, 'imported', { status: 200, h1: '取り込みが終わりました' });

	// An account after an action: its password reset.
	await tab.goto('/app/admin/accounts?q=' + encodeURIComponent('旭川市'));
	await tab.navigate(() => p.locator('table.data-table tbody a').first().click());
	await tab.navigate(() => main.getByRole('button', { name: 'パスワードを再発行する' }).click());
	await check(tab, "one account's page, after a password reset", {
		status: 200, h1: '旭川市', path: /^\/app\/admin\/account\?id=\d+&done=reset$/,
	});

	await tab.goto('/app/admin/');
	await tab.navigate(() => main.getByRole('link', { name: '監査ログ' }).click());
	await check(tab, 'audit log', { status: 200, h1: '監査ログ', path: /^\/app\/admin\/audit$/ });
	tap.ok(await main.getByRole('navigation', { name: 'ページ送り' }).count() === 1,
	    'the audit log has its page links');

	await tab.goto('/app/admin/no-such-page');
	await check(tab, 'error page: 404, an unknown route, signed in', {
		status: 404, h1: 'ページが見つかりません',
	});
	await p.context().close();
}

const browser = await launch(['--ignore-certificate-errors']);
try {
	for (const part of [municipality, administrator]) {
		try {
			await part(browser);
		} catch (e) {
			tap.ok(false, `${part.name}: the steps ran to the end`, [e.stack || String(e)]);
		}
	}
} finally {
	await browser.close();
}
tap.done();
