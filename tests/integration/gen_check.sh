#!/bin/bash
# gen check: one problem of each kind in tests/fixtures/check, each with
# its file:line; more forms of them (raw HTML, CSS) in a copy; the build's
# own errors among them; nothing on the sample site; and outside links
# (--external) against a local nginx — never the internet.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/nginx.sh

GEN=${GEN:-build/gen}
work=$(mktemp -d)
node_pid=
trap 'nginx_stop; [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1795000000	# 2026-11-18, as in gen_build.sh
# Outside links go to 127.0.0.1 only, and never through a proxy.
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

out=$work/out
# has TEXT: a line of the last report starts with TEXT.
has() {
	if awk -v s="$1" 'index($0, s) == 1 { f = 1 } END { exit !f }' "$out"; then
		ok "reports $1"
	else
		not_ok "reports $1"; diag <"$out"
	fi
}
# hasnt TEXT: no line of the last report holds TEXT.
hasnt() {
	if grep -qF -- "$1" "$out"; then
		not_ok "does not report $1"; diag <"$out"
	else
		ok "does not report $1"
	fi
}

# --- the fixture: one problem of each kind ---------------------------
fx=tests/fixtures/check
before=$(find "$fx" -printf '%p %s %T@\n' | sort)
$GEN check "$fx" --theme-dir themes >"$out" 2>"$work/err"
rc=$?
check "exit status 1 when anything is found ($rc)" test "$rc" -eq 1
check "nothing on stderr" test ! -s "$work/err"
has "$fx/problems.md:8: link: link 'missing.md': no page or file"
has "$fx/problems.md:10: anchor: link 'guide.md#nowhere': no id 'nowhere' on $fx/guide.md"
has "$fx/problems.md:12: alt: image 'images/logo.svg' has no alt text"
has "$fx/problems.md:14: heading: h4 follows h2"
has "$fx/problems.md:16: link-text: link 'guide.md' has no text"
has "$fx/problems.md:18: duplicate-id: id 'overview' is already used on this page, at line 6"
has "$fx/problems.md:20: outside-asset: <script src> loads 'https://cdn.example.com/widget.js'"
has "$fx/guide.md:1: description: no 'description'"
n=$(grep -c "^$fx/" "$out")
check "exactly those 8 findings ($n)" test "$n" -eq 8
has "gen check: 8 problems in 2 files (link 1, anchor 1, alt 1, heading 1, link-text 1, duplicate-id 1, outside-asset 1, description 1)"
check "the summary is the last line" sh -c "tail -n 1 '$out' | grep -q '^gen check: '"
grep "^$fx/" "$out" >"$work/lines"
sort -t: -k1,1 -k2,2n -s "$work/lines" >"$work/sorted"
check "sorted by file and line" cmp "$work/lines" "$work/sorted"
hasnt "_index.md"	# valid links and anchors, to other pages and in HTML
check "writes nothing" test "$before" = "$(find "$fx" -printf '%p %s %T@\n' | sort)"
check "makes no output folder" test ! -e public/check

# --- the sample site: nothing ----------------------------------------
$GEN check content/center >"$out" 2>"$work/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^gen check: no problems in [0-9]* pages$' "$out"; then
	ok "gen check content/center finds nothing: $(tail -n 1 "$out")"
else
	not_ok "gen check content/center finds nothing (status $rc)"; diag <"$out"; diag <"$work/err"
fi

# --- more forms: raw HTML, CSS, custom ids, the build's errors --------
site=$work/site
cp -r "$fx" "$site"
cat >"$site/more.md" <<'MD'
---
title: その他
description: 生の HTML などの問題
---

# 本文の h1

<img src="../images/logo.svg">

<img src="../images/logo.svg" alt="">

<a href="../guide/"></a> <a href="../guide/" aria-label="手引き"></a>

<p id="main">テーマと同じ id</p>

## 見出し {#main}

<link rel="stylesheet" href="//fonts.example.com/css">

<style>
@import "https://example.com/a.css";
body { background: url('https://example.com/bg.png'); }
</style>

<span style="background:url(http://example.com/x.png)">x</span>

![外の画像](https://example.com/pic.png)

<a href="nowhere/">どこでもない</a> <a href="#nope">無い</a> <a href="/guide/">根から</a>

[外部](https://example.com/) と [メール](mailto:a@example.com) と <a href="https://example.com/">外部</a>

<!-- <img src="comment.png"> -->

```
<img src="code.png"> [](x.md)
```

<script>
if (a < b) { document.write('<img src="script.png">'); }
</script>

<h3 id="raw">生の h3</h3>

[生の見出しへ](#raw) [見出しへ](#main-2) [上へ](#top) [本文へ](#main)
[手引きへ](guide.md#steps) <a href="../guide/#steps">手引きへ</a> <a href="../guide/#none">無い</a>

<img src="missing.png" alt="無い画像"> <img src="../images/logo.svg" alt="ある画像">

<picture><source srcset="https://example.com/a.webp 2x"><source srcset="../images/logo.svg 1x, ../images/none.svg 2x"><img src="../images/logo.svg" alt="ロゴ"></picture>

<a href="file%zz.pdf">壊れた</a>

[ホームだけの見出し](#home-news-title) [一覧だけの見出し](#entries-title) [ページ先頭](#top)

参照の[][ref]と![][refimg]と[参照先なし][gone]

[ref]: guide.md
[refimg]: images/logo.svg
[gone]: nowhere.md

<img srcset="data:image/png;base64,iVBORw0KGgo= 1x, ../images/logo.svg	2x,../images/logo&#46;svg 3x" alt="候補">

短い参照 [gone] です。

長い参照 [別の名前][ref] です。
MD
printf -- '---\ntitle: 綴り違い\ntittle: x\ndescription: y\n---\n' >"$site/typo.md"
$GEN check "$site" --theme-dir themes >"$out" 2>"$work/err"
rc=$?
check "exit status 1 ($rc)" test "$rc" -eq 1
m=$site/more.md
has "$m:6: heading: h1 in the body"
has "$m:8: alt: image '../images/logo.svg' has no alt attribute"
hasnt "$m:10: "		# alt="" marks a decorative image
has "$m:12: link-text: link '../guide/' has no text"
n=$(grep -c "^$m:12: link-text" "$out")
check "aria-label names a link ($n link-text on line 12)" test "$n" -eq 1
has "$m:14: duplicate-id: id 'main' is one the theme uses"
has "$m:16: duplicate-id: id 'main' is one the theme uses on every page (this heading gets 'main-2')"
has "$m:18: outside-asset: <link rel=\"stylesheet\"> loads '//fonts.example.com/css'"
has "$m:21: outside-asset: CSS loads 'https://example.com/a.css'"
has "$m:22: outside-asset: CSS loads 'https://example.com/bg.png'"
has "$m:25: outside-asset: CSS loads 'http://example.com/x.png'"
has "$m:27: outside-asset: image 'https://example.com/pic.png'"
has "$m:29: link: link 'nowhere/' in HTML: no page or file 'more/nowhere/index.html'"
has "$m:29: anchor: link '#nope': no id 'nope' on this page"
has "$m:29: link: link '/guide/' starts at the server's root"
hasnt "$m:31: "		# outside links are not checked without --external
hasnt "comment.png"
hasnt "code.png"
hasnt "script.png"
hasnt "$m:43: "
hasnt "$m:45: "		# ids from raw HTML, headings and the theme
has "$m:46: anchor: link '../guide/#none': no id 'none' on $site/guide.md"
n=$(grep -c "^$m:46: " "$out")
check "valid links on the same line are not reported ($n)" test "$n" -eq 1
has "$m:48: link: link 'missing.png' in HTML: no page or file 'more/missing.png'"
n=$(grep -c "^$m:48: " "$out")
check "an image of the site that is there is not reported ($n)" test "$n" -eq 1
has "$m:50: outside-asset: <source srcset> loads 'https://example.com/a.webp'"
has "$m:50: link: link '../images/none.svg' in HTML: no page or file 'images/none.svg'"
n=$(grep -c "^$m:50: " "$out")
check "srcset candidates that are there are not reported ($n)" test "$n" -eq 2
has "$m:52: link: link 'file%zz.pdf' has a malformed %-escape"
has "$m:54: anchor: link '#home-news-title': no id 'home-news-title' on this page"
has "$m:54: anchor: link '#entries-title': no id 'entries-title' on this page"
n=$(grep -c "^$m:54: " "$out")
check "ids of the page's own layout are there ($n findings on line 54)" test "$n" -eq 2
has "$m:56: link-text: link 'guide.md' has no text"
has "$m:56: alt: image 'images/logo.svg' has no alt text"
has "$m:56: link: link 'nowhere.md': no page or file 'nowhere.md'"
hasnt "$m:58: "		# reference definitions: found where they are used
hasnt "$m:59: "
hasnt "$m:60: "
hasnt "$m:62: "		# srcset: a data: URL's commas, a tab, an entity
has "$m:64: link: link 'nowhere.md': no page or file 'nowhere.md'"
hasnt "$m:66: "
has "$site/typo.md:3: error: unknown key 'tittle' (did you mean 'title'?)"
has "$site/problems.md:8: link: link 'missing.md'"	# the rest still reported

# --- outside links (--external), on 127.0.0.1 --------------------------
www=$work/www
mkdir -p "$www/sub"
printf '<!DOCTYPE html><title>ok</title>\n' >"$www/ok.html"
printf '<!DOCTYPE html><title>sub</title>\n' >"$www/sub/index.html"
printf '<!DOCTYPE html><title>404</title>\n' >"$www/404.html"
if nginx_start "$www" /; then
	closed=$(_nginx_free_port)
	ext=$work/ext
	mkdir -p "$ext"
	printf 'title: 外部リンク\ndescription: 外部リンクの試験\ntheme: default\n' >"$ext/site.yaml"
	cat >"$ext/_index.md" <<MD
---
title: ホーム
description: 外部リンクの試験
---

[ある](${NGINX_URL}ok.html)
[ない](${NGINX_URL}missing.html)
[閉じたポート](http://127.0.0.1:${closed}/)
[転送される](${NGINX_URL}sub)
[ない、もう一度](${NGINX_URL}missing.html#x)
MD
	printf -- '---\ntitle: 別のページ\ndescription: x\n---\n\n本文\n\n[ない](%smissing.html)\n' \
		"$NGINX_URL" >"$ext/other.md"

	nlog=$(wc -l <"$NGINX_DIR/access.log")
	$GEN check "$ext" --theme-dir themes >"$out" 2>"$work/err"
	rc=$?
	check "without --external: nothing found ($rc)" test "$rc" -eq 0
	check "and no request" test "$nlog" -eq "$(wc -l <"$NGINX_DIR/access.log")"

	$GEN check "$ext" --theme-dir themes --external --jobs-external 2 --timeout 5 >"$out" 2>"$work/err"
	rc=$?
	check "--external: exit status 1 ($rc)" test "$rc" -eq 1
	has "$ext/_index.md:7: external: link '${NGINX_URL}missing.html': HTTP 404"
	has "$ext/_index.md:8: external: link 'http://127.0.0.1:${closed}/': "
	has "$ext/_index.md:10: external: link '${NGINX_URL}missing.html#x': HTTP 404"
	has "$ext/other.md:8: external: link '${NGINX_URL}missing.html': HTTP 404"
	hasnt "$ext/_index.md:6: "	# 200
	hasnt "$ext/_index.md:9: "	# 301, followed to a 200
	n=$(grep -c '^' "$out")
	check "exactly four findings and the summary ($n lines)" test "$n" -eq 5
	n=$(grep -c '"HEAD /missing.html ' "$NGINX_DIR/access.log")
	check "a URL linked three times is requested once ($n)" test "$n" -eq 1
	n=$(grep -c '"GET /missing.html ' "$NGINX_DIR/access.log")
	check "and, answered 404 to HEAD, once with GET ($n)" test "$n" -eq 1
	check "with HEAD" grep -q '"HEAD /ok.html ' "$NGINX_DIR/access.log"
	check "the redirect is followed" grep -q '"HEAD /sub/ ' "$NGINX_DIR/access.log"
	check "a fragment is not sent" sh -c "! grep -q '#' '$NGINX_DIR/access.log'"
	$GEN check "$ext" --theme-dir themes --external --jobs-external 1 >"$work/out1" 2>&1
	check "the same findings one request at a time" cmp "$out" "$work/out1"
	nginx_stop
else
	not_ok "nginx for the --external test"
fi

# A server that refuses HEAD (405) but answers GET, and one URL that
# never answers: GET after HEAD, and the time-out.
cat >"$work/server.js" <<'JS'
const http = require("http");
let busyOnce = 0, busyQuiet = 0, noHeadBusy = 0;
const s = http.createServer((q, r) => {
	console.log(q.method + " " + q.url);
	if (q.url === "/no-head") {
		r.statusCode = q.method === "HEAD" ? 405 : 200;
		r.end(q.method === "HEAD" ? "" : "ok");
	} else if (q.url === "/head-404") {
		r.statusCode = q.method === "HEAD" ? 404 : 200;
		r.end(q.method === "HEAD" ? "" : "ok");
	} else if (q.url === "/busy") {
		r.statusCode = 429;
		r.setHeader("Retry-After", "1");
		r.end();
	} else if (q.url === "/busy-once") {
		r.statusCode = busyOnce++ === 0 ? 429 : 200;
		if (r.statusCode === 429)
			r.setHeader("Retry-After", "1");
		r.end();
	} else if (q.url === "/busy-quiet") {
		r.statusCode = busyQuiet++ === 0 ? 429 : 200;	/* no Retry-After */
		r.end();
	} else if (q.url === "/no-head-busy") {
		r.statusCode = q.method === "HEAD" ? 405 :
		    noHeadBusy++ === 0 ? 429 : 200;
		if (r.statusCode === 429)
			r.setHeader("Retry-After", "1");
		r.end();
	} else if (q.url === "/busy-long") {
		r.statusCode = 429;
		r.setHeader("Retry-After", "3600");
		r.end();
	} else if (q.url.startsWith("http://xn--")) {
		r.end("proxied");	/* as the proxy of the IDN test */
	} else if (q.url !== "/silent") {
		r.statusCode = 404;
		r.end();
	}	/* /silent: no answer at all */
});
s.listen(0, "127.0.0.1", () => console.log("port " + s.address().port));
JS
node "$work/server.js" >"$work/server.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 50); do
	grep -q '^port ' "$work/server.log" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/^port //p' "$work/server.log")
if [ -n "$port" ]; then
	ext2=$work/ext2
	mkdir -p "$ext2"
	printf 'title: 外部リンク\ndescription: x\ntheme: default\n' >"$ext2/site.yaml"
	printf -- '---\ntitle: ホーム\ndescription: x\n---\n\n[HEAD 不可](http://127.0.0.1:%s/no-head)\n[応答なし](http://127.0.0.1:%s/silent)\n[HEAD で 404](http://127.0.0.1:%s/head-404)\n[混雑](http://127.0.0.1:%s/busy)\n[空のホスト](http:///x)\n[一度だけ混雑](http://127.0.0.1:%s/busy-once)\n[一時間待て](http://127.0.0.1:%s/busy-long)\n[理由なく混雑](http://127.0.0.1:%s/busy-quiet)\n[GET で混雑](http://127.0.0.1:%s/no-head-busy)\n' \
		"$port" "$port" "$port" "$port" "$port" "$port" "$port" "$port" >"$ext2/_index.md"
	start=$SECONDS
	timeout 60 $GEN check "$ext2" --theme-dir themes --external --timeout 1 >"$out" 2>"$work/err"
	rc=$?
	check "HEAD refused: GET instead" sh -c "grep -q '^HEAD /no-head' '$work/server.log' && grep -q '^GET /no-head' '$work/server.log'"
	hasnt "$ext2/_index.md:6: "
	has "$ext2/_index.md:7: external: link 'http://127.0.0.1:$port/silent': "
	check "which timed out ($(grep -o 'timed out' "$out" | head -n 1))" grep -q 'timed out' "$out"
	check "within the time-out, HEAD and GET ($((SECONDS - start)) s)" test $((SECONDS - start)) -le 6
	check "exit status 1 ($rc)" test "$rc" -eq 1
	hasnt "$ext2/_index.md:8: "	# HEAD 404, GET 200: the page is there
	check "HEAD 404: GET instead" grep -q '^GET /head-404' "$work/server.log"
	has "$ext2/_index.md:9: external: link 'http://127.0.0.1:$port/busy': HTTP 429 (too many requests"
	check "which was asked again" grep -q "/busy': HTTP 429 (too many requests: the server turned the check away for now, so the link may be fine; asked again 1 s later, it did so again; check again later" "$out"
	check "a 429 is asked again once, the same way" test "$(grep -c '^HEAD /busy$' "$work/server.log")" -eq 2
	check "and never with GET" sh -c "! grep -q '^GET /busy' '$work/server.log'"
	hasnt "$ext2/_index.md:11: "	# 429, then 200 when asked again
	check "a 429 then 200: asked twice" test "$(grep -c '^HEAD /busy-once$' "$work/server.log")" -eq 2
	has "$ext2/_index.md:12: external: link 'http://127.0.0.1:$port/busy-long': HTTP 429 (too many requests: the server turned the check away for now, so the link may be fine; it asks to wait 3600 s, longer than gen check waits;"
	check "a 429 asking for an hour is not waited for" test "$(grep -c '^HEAD /busy-long$' "$work/server.log")" -eq 1
	hasnt "$ext2/_index.md:13: "	# 429 without Retry-After, then 200
	check "a 429 without Retry-After: asked again" test "$(grep -c '^HEAD /busy-quiet$' "$work/server.log")" -eq 2
	hasnt "$ext2/_index.md:14: "	# HEAD 405, GET 429, GET 200
	check "a 429 to the GET after HEAD: GET again" sh -c "test \$(grep -c '^HEAD /no-head-busy\$' '$work/server.log') -eq 1 && test \$(grep -c '^GET /no-head-busy\$' '$work/server.log') -eq 2"
	has "$ext2/_index.md:10: external: link 'http:///x': "

	# A host name in Japanese goes as its xn-- form (the server as the
	# proxy: nothing is looked up), full-width dots too, the path
	# percent-encoded.
	ext3=$work/ext3
	mkdir -p "$ext3"
	printf 'title: 外部リンク\ndescription: x\ntheme: default\n' >"$ext3/site.yaml"
	printf -- '---\ntitle: ホーム\ndescription: x\n---\n\n[日本語](http://日本語.invalid/)\n[全角の点](http://日本語。invalid/パス)\n' >"$ext3/_index.md"
	env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$port" \
	    $GEN check "$ext3" --theme-dir themes --external --timeout 5 >"$out" 2>"$work/err"
	rc=$?
	check "a Japanese host name: found ($rc)" test "$rc" -eq 0
	check "asked for as xn--wgv71a119e" grep -q '^HEAD http://xn--wgv71a119e.invalid/$' "$work/server.log"
	check "with a full-width dot, and the path encoded" \
	    grep -q '^HEAD http://xn--wgv71a119e.invalid/%E3%83%91%E3%82%B9$' "$work/server.log"
	kill "$node_pid" 2>/dev/null
	wait "$node_pid" 2>/dev/null
	node_pid=
else
	not_ok "node server for the HEAD and time-out test"; diag <"$work/server.log"
fi

# --- the command line ------------------------------------------------
check "gen --help lists check" sh -c "$GEN --help | grep -q 'check \[SITE_DIR\]'"
$GEN check --help >"$out"
rc=$?
check "gen check --help exits 0" test "$rc" -eq 0
for opt in --drafts --theme-dir --external --jobs-external --timeout --help; do
	check "gen check --help describes $opt" grep -q -- "  $opt\\|, $opt" "$out"
done
for k in error link anchor alt heading link-text duplicate-id outside-asset description external; do
	check "gen check --help names the kind '$k'" grep -q "^  $k " "$out"
done
check "--jobs-external 0 is refused" sh -c "$GEN check content/center --jobs-external 0 2>/dev/null; test \$? -eq 2"
check "--timeout x is refused" sh -c "$GEN check content/center --timeout x 2>/dev/null; test \$? -eq 2"
check "two folders are refused" sh -c "$GEN check a b 2>/dev/null; test \$? -eq 2"
$GEN check "$work/nothing" >"$out" 2>&1
rc=$?
check "a missing folder is a finding, status 1 ($rc)" sh -c "test $rc -eq 1 && grep -q 'error: ' '$out'"

done_testing
