// tests/browser/reload.mjs BASE_URL SOURCE_MD PAGE: opens PAGE (served
// from gen watch's output at BASE_URL) in Chromium, changes the title in
// SOURCE_MD, and waits (at most 20 s) for the open page to show the new
// title without anyone touching it.  TAP on stdout.
import fs from 'node:fs';
import { launch, Tap, args, deadline } from './common.mjs';

const [base, source, page] = args(3, 'reload.mjs BASE_URL SOURCE_MD PAGE');
const tap = new Tap();
deadline(Number(process.env.RELOAD_SECONDS || 60), tap);

const browser = await launch();
try {
	const p = await browser.newPage();
	await p.goto(base + page);
	const before = await p.locator('h1').first().textContent();
	tap.ok(before && before.length > 0, `the page shows its title (${before})`);
	const scripts = await p.$$eval('script[src]', s => s.map(e => e.getAttribute('src')));
	tap.ok(scripts.some(s => s.endsWith('live-reload.js')), 'gen watch put the live-reload script in the page', scripts);

	const newTitle = '自動で再読み込みされた見出し';
	const text = fs.readFileSync(source, 'utf8').replace(/^title: .*$/m, `title: ${newTitle}`);
	const start = Date.now();
	fs.writeFileSync(source, text);
	let shown = '';
	try {
		await p.waitForFunction(t => document.querySelector('h1')?.textContent === t,
			newTitle, { timeout: 20000, polling: 200 });
		shown = newTitle;
	} catch (e) {
		shown = await p.locator('h1').first().textContent().catch(() => '');
	}
	tap.ok(shown === newTitle, `the open page shows the new title by itself (${Date.now() - start} ms)`,
		[`h1 is now: ${shown}`]);
} finally {
	await browser.close();
}
tap.done();
