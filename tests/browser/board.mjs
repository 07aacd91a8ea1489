// tests/browser/board.mjs BASE_URL FIXTURE_JSON
//
// The 「小ネタ」 board and the feedback box of the stack at BASE_URL
// (https://127.0.0.1:PORT, self-signed) in Debian's Chromium, filled by
// tests/lib/board_fixture.sh (FIXTURE_JSON: its accounts and numbers).
// TAP lines:
//
//   - a municipality signs in through the form, opens a topic, types a
//     post (the character counter follows, counting as the server
//     does) and sends it; another municipality does not see it; a
//     moderator approves it from the queue; now the other municipality
//     sees it, under the first one's name;
//   - with JavaScript off the form still has its limit (maxlength) and
//     its static hint, and posts;
//   - two tabs of one moderator approving one post: the second is told
//     who acted (409);
//   - on every page of the board and the feedback box, in its states
//     (with a form's errors, a done message, 403, 404, 409), at 375 and
//     1280 px: axe-core finds nothing (WCAG 2 A and AA), nothing scrolls
//     sideways, and nothing went wrong (no console error, no
//     Content-Security-Policy violation, no uncaught exception, no
//     request beyond 127.0.0.1).
//
// tests/browser/board.sh starts the stack, fills it and runs this.

import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, Tap, args, deadline, axeCheck } from './common.mjs';

const [baseArg, fixtureFile] = args(2, 'board.mjs BASE_URL FIXTURE_JSON');
const base = baseArg.replace(/\/+$/, '');
const fx = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));
const tap = new Tap();
deadline(Number(process.env.BOARD_SECONDS || 300), tap);

const WIDTHS = [
	{ width: 375, height: 800 },
	{ width: 1280, height: 900 },
];

// Keeps a page's Content-Security-Policy violations where the checks
// read them (run in every document before its own scripts).
function watchCsp() {
	window.__kkCsp = [];
	document.addEventListener('securitypolicyviolation', e => {
		window.__kkCsp.push(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'}`);
	});
}

class User {
	constructor(context, page, name) {
		this.context = context;
		this.page = page;
		this.name = name;
		this.events = [];
		this.status = 0;
		page.setDefaultTimeout(20000);
		page.on('response', r => {
			if (r.request().isNavigationRequest() && r.frame() === page.mainFrame())
				this.status = r.status();
			else if (r.status() >= 400)
				this.events.push(`HTTP ${r.status()}: ${r.url()}`);
		});
		page.on('console', m => {
			if (m.type() !== 'error')
				return;
			const t = m.text();
			// The page's own error status (403, 404, 409, 422) is meant.
			if (/^Failed to load resource: the server responded with a status of \d+/.test(t) &&
			    m.location().url === page.url())
				return;
			if (t.includes('ERR_BLOCKED_BY_CLIENT'))
				return;
			this.events.push(`console error: ${t}`);
		});
		page.on('pageerror', e => this.events.push(`uncaught exception: ${e.message}`));
	}

	async goto(path) {
		await this.page.goto(base + path, { waitUntil: 'load' });
	}

	// Does `act` (a click that submits) and waits for the next page.
	async submit(act) {
		await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), act()]);
	}

	async trouble() {
		const csp = await this.page.evaluate(() => (window.__kkCsp || []).splice(0)).catch(() => []);
		const all = [...this.events, ...csp.map(c => `CSP: ${c}`)];
		this.events = [];
		return all;
	}
}

async function newUser(browser, name, opts = {}) {
	const context = await browser.newContext({
		viewport: WIDTHS[1], locale: 'ja-JP', ignoreHTTPSErrors: true, ...opts,
	});
	await context.addInitScript(watchCsp);
	const u = new User(context, await context.newPage(), name);
	await context.route('**/*', (route, request) => {
		const h = new URL(request.url());
		if (h.protocol === 'data:' || h.hostname === '127.0.0.1')
			return route.continue();
		u.events.push(`request outside 127.0.0.1 blocked: ${h.href}`);
		return route.abort('blockedbyclient');
	});
	return u;
}

async function signIn(u, [login, password]) {
	await u.goto('/app/auth/login');
	await u.page.fill('#login', login);
	await u.page.fill('#password', password);
	await u.submit(() => u.page.click('main button[type="submit"]'));
	return u.status === 200 && !u.page.url().includes('/login');
}

const text = async (u, sel) => (await u.page.textContent(sel)) || '';

// ---------------------------------------------------------------- //
// Checks of one page as it is
// ---------------------------------------------------------------- //

async function checkPage(u, what) {
	for (const vp of WIDTHS) {
		await u.page.setViewportSize(vp);
		await u.page.waitForTimeout(150);
		await axeCheck(tap, u.page, `${what} at ${vp.width}px`);
		if (vp.width === 375) {
			const over = await u.page.evaluate(() =>
				document.documentElement.scrollWidth - window.innerWidth);
			tap.ok(over <= 0, `${what}: no sideways scroll at 375px`,
			    [`the page is ${over}px wider than the window`]);
		}
	}
	const bad = await u.trouble();
	tap.ok(bad.length === 0, `${what}: no console error, CSP violation or outside request`, bad);
}

async function visit(u, path, what, want = 200) {
	await u.goto(path);
	tap.ok(u.status === want, `${what}: ${path} answers ${want}`, [`got ${u.status}`]);
	await checkPage(u, what);
}

// ---------------------------------------------------------------- //
// The run
// ---------------------------------------------------------------- //

const browser = await chromium.launch({
	executablePath: CHROMIUM,
	args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
	headless: true,
	timeout: 60000,
});
try {
	const sapporo = await newUser(browser, 'sapporo');
	const asahikawa = await newUser(browser, 'asahikawa');
	const mod = await newUser(browser, 'moderator');
	const admin = await newUser(browser, 'admin');
	const op = await newUser(browser, 'operator');
	for (const [u, acct] of [[sapporo, fx.sapporo], [asahikawa, fx.asahikawa],
	    [mod, fx.moderator], [admin, fx.admin], [op, fx.operator]])
		tap.ok(await signIn(u, acct), `${u.name} signs in through the form`, [`at ${u.page.url()}`]);

	// A post, from the form to another municipality's screen.
	const words = '訪問の最初に「お子さんの名前の由来」を聞くと、会話が弾みます。😊';
	const chars = Array.from(words).length;
	await sapporo.goto('/app/board/');
	await sapporo.submit(() => sapporo.page.click(`a[href="topic?id=${fx.t1}"]`));
	tap.ok(sapporo.page.url().endsWith(`topic?id=${fx.t1}`), 'the board links to the topic');
	tap.ok((await text(sapporo, '#body-count')).includes('0文字／400文字（あと400文字）'),
	    'the counter starts at 0 of 400', [await text(sapporo, '#body-count')]);
	await sapporo.page.fill('#body', words);
	const counted = await text(sapporo, '#body-count');
	tap.ok(counted.includes(`${chars}文字／400文字（あと${400 - chars}文字）`),
	    `the counter follows the typing, an emoji one character (${chars})`, [counted]);
	await sapporo.page.waitForTimeout(1800);
	const spoken = await sapporo.page.evaluate(() =>
		document.querySelector('#body-count + [aria-live]')?.textContent || '');
	tap.ok(spoken === counted, 'and screen readers hear it once typing stops', [spoken]);
	await sapporo.page.fill('#department', '子ども家庭課');
	await sapporo.submit(() => sapporo.page.click('form.post-form button[type="submit"]'));
	tap.ok((await text(sapporo, 'main')).includes('投稿を受け付けました'),
	    'the municipality posts and is told it waits for approval');
	tap.ok((await text(sapporo, 'main')).includes(words), 'and sees its own post, waiting');
	await asahikawa.goto(`/app/board/topic?id=${fx.t1}`);
	tap.ok(!(await text(asahikawa, 'main')).includes(words),
	    'another municipality does not see it before approval');
	await mod.goto('/app/board/queue');
	const item = mod.page.locator('li.post', { hasText: words });
	tap.ok(await item.count() === 1, 'the moderator finds it in the queue');
	await mod.submit(() => item.locator('button', { hasText: '承認する' }).click());
	tap.ok((await text(mod, 'main')).includes('投稿を承認しました'), 'and approves it');
	await asahikawa.goto(`/app/board/topic?id=${fx.t1}`);
	const shown = asahikawa.page.locator('li.post', { hasText: words });
	tap.ok(await shown.count() === 1, 'now the other municipality sees the post');
	tap.ok((await shown.locator('.post-org').textContent()) === '北海道 札幌市',
	    'under the poster\'s municipality');
	await checkPage(asahikawa, 'the topic with the new post');

	// JavaScript off: the limit and the hint are still there.
	const state = await sapporo.context.storageState();
	const nojs = await newUser(browser, 'sapporo without JavaScript',
	    { javaScriptEnabled: false, storageState: state });
	await nojs.goto(`/app/board/topic?id=${fx.t1}`);
	tap.ok(await nojs.page.getAttribute('#body', 'maxlength') === '400',
	    'without JavaScript: the textarea still stops at 400 (maxlength)');
	await nojs.page.fill('#body', 'スクリプトなしでの投稿');
	tap.ok((await text(nojs, '#body-count')) === '400文字まで入力できます。',
	    'and the hint stays as written');
	await nojs.submit(() => nojs.page.click('form.post-form button[type="submit"]'));
	tap.ok((await text(nojs, 'main')).includes('投稿を受け付けました'), 'and the post goes');
	await nojs.context.close();

	// Two tabs of one moderator on one post.
	const tab2 = new User(mod.context, await mod.context.newPage(), 'moderator, second tab');
	await mod.goto('/app/board/queue');
	await tab2.goto('/app/board/queue');
	const first = mod.page.locator('li.post', { hasText: 'スクリプトなしでの投稿' });
	const second = tab2.page.locator('li.post', { hasText: 'スクリプトなしでの投稿' });
	await mod.submit(() => first.locator('button', { hasText: '承認する' }).click());
	await tab2.submit(() => second.locator('button', { hasText: '承認する' }).click());
	tap.ok(tab2.status === 409 && (await text(tab2, 'main')).includes('審査担当（mod1）さんが'),
	    'the second tab is told the post was approved already, and by whom',
	    [`status ${tab2.status}`]);
	await checkPage(tab2, 'the 409 page');
	await tab2.page.close();

	// Forms with their errors.
	await sapporo.goto(`/app/board/topic?id=${fx.t1}`);
	await sapporo.page.fill('#email', 'これはアドレスではない');
	await sapporo.submit(() => sapporo.page.click('form.post-form button[type="submit"]'));
	tap.ok(sapporo.status === 422, 'an empty post comes back with its errors', [`status ${sapporo.status}`]);
	await checkPage(sapporo, 'the topic with the form\'s errors');
	await sapporo.goto('/app/board/feedback');
	await sapporo.submit(() => sapporo.page.click('main form button[type="submit"]'));
	tap.ok(sapporo.status === 422, 'an empty opinion comes back with its errors');
	await checkPage(sapporo, 'the feedback form with its errors');
	await sapporo.page.check('#category-feature');
	await sapporo.page.fill('#body', '投稿の検索があると便利です。');
	await sapporo.submit(() => sapporo.page.click('main form button[type="submit"]'));
	tap.ok((await text(sapporo, 'main')).includes('ありがとうございました'), 'an opinion is sent');
	await checkPage(sapporo, 'the feedback form, sent');
	await mod.goto(`/app/board/review?id=${fx.p2}`);
	await mod.submit(() => mod.page.click('form[action="reject"] button'));
	tap.ok(mod.status === 422, 'a rejection without its reason comes back');
	await checkPage(mod, 'the review page with its errors');
	await admin.goto('/app/board/topic-edit');
	await admin.page.fill('#max_chars', '10');
	await admin.submit(() => admin.page.click('main form button[type="submit"]'));
	tap.ok(admin.status === 422, 'a topic without a title comes back');
	await checkPage(admin, 'the topic form with its errors');

	// Every page.
	const pages = [
		[sapporo, '/app/board/', 'the board (municipality)'],
		[sapporo, `/app/board/topic?id=${fx.t1}`, 'a topic with its form'],
		[sapporo, `/app/board/topic?id=${fx.t3}`, 'a closed topic'],
		[sapporo, '/app/board/mine', 'one\'s own posts'],
		[sapporo, '/app/board/feedback', 'the feedback form'],
		[asahikawa, `/app/board/topic?id=${fx.t2}`, 'a topic whose addresses are hidden'],
		[asahikawa, `/app/board/contact?id=${fx.p5}`, 'the relay form'],
		[asahikawa, '/app/board/mine', 'one\'s own posts, one rejected'],
		[mod, '/app/board/', 'the board (moderator)'],
		[mod, '/app/board/queue', 'the queue'],
		[mod, `/app/board/review?id=${fx.p2}`, 'a waiting post'],
		[mod, `/app/board/review?id=${fx.p1}`, 'an approved post'],
		[mod, `/app/board/publish?id=${fx.t1}`, 'the page to publish'],
		[admin, '/app/board/', 'the board (administrator)'],
		[admin, `/app/board/topic?id=${fx.t4}`, 'a draft topic'],
		[admin, '/app/board/topics', 'the topics'],
		[admin, `/app/board/topic-edit?id=${fx.t1}`, 'a topic\'s form'],
		[admin, '/app/board/settings', 'the settings'],
		[admin, '/app/board/settings?done=saved', 'the settings, saved'],
		[admin, '/app/board/stats', 'the counts with their charts'],
		[op, '/app/board/feedback-list', 'the feedback box'],
		[op, '/app/board/feedback-list?state=all', 'the feedback box, all'],
		[op, `/app/board/feedback-item?id=${fx.f1}`, 'an opinion with a reply'],
		[op, `/app/board/feedback-item?id=${fx.f2}`, 'a handled opinion'],
	];
	for (const [u, path, what] of pages)
		await visit(u, path, what);
	await visit(sapporo, '/app/board/feedback-list', 'the feedback box to a municipality', 403);
	await visit(op, '/app/board/feedback-item?id=999999', 'a guessed opinion', 404);
	await visit(sapporo, '/app/board/no-such-page', 'an unknown page of the board', 404);
} finally {
	await browser.close();
}
tap.done();
