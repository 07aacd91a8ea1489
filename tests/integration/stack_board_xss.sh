#!/bin/bash
# Hostile text on the board and in the feedback box, over the live stack:
# a corpus of payloads (script tags, event handlers, javascript: URLs,
# attribute break-outs, style and iframe tags, template syntax, entities,
# formula starts, an overlong line) posted as posts, names, departments,
# a topic's title and description and opinions, then every view that
# shows them (the board, the topic to another municipality, one's own
# posts, the queue, the review page, the relay form, the page to
# publish, the topics' and counts' pages, the feedback list and item)
# comes back with each escaped and none live; the CSV exports have
# every cell that could be a formula neutralised; the Markdown export,
# built by gen into a members page, renders as text; text that is not
# UTF-8, or holds a NUL, is refused whole.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/lib/stack.sh
. tests/lib/board.sh

trap stack_stop EXIT
if ! stack_start; then
	not_ok "the stack starts"
	done_testing
fi
ok "the stack starts"
board_init

apw=$(board_user chief admin 管理者 chief@example.go.jp)
mpw=$(board_user mod1 moderator 審査担当 mod1@example.go.jp)
s_pw=$(board_user 011002 municipality 札幌市 011002@example.lg.jp 北海道)
a_pw=$(board_user 012025 municipality 旭川市 012025@example.lg.jp 北海道)
A=$STACK_DIR/jar.admin M=$STACK_DIR/jar.mod S=$STACK_DIR/jar.sapporo
AS=$STACK_DIR/jar.asahikawa
ok_login=1
for x in "$A chief $apw" "$M mod1 $mpw" "$S 011002 $s_pw" "$AS 012025 $a_pw"; do
	set -- $x
	[ "$(board_login "$1" "$2" "$3")" = 303 ] || ok_login=0
done
check "four accounts sign in" test "$ok_login" = 1

# The corpus.  Each is posted on its own; the markers below must never
# come back unescaped in a page.
long=$(printf 'A%.0s' $(seq 1 1990))
payloads=(
	'<script>alert("x1")</script>'
	"<img src=x onerror=alert('x2')>"
	'<svg/onload=alert(3)>'
	'"><script>alert(4)</script>'
	"'><a href=\"javascript:alert(5)\">x5</a>"
	'javascript:alert(6)'
	'https://example.jp/"onmouseover="alert(7)'
	"https://example.jp/'onmouseover='alert(8)"
	'<iframe src="//evil.example/"></iframe>'
	'<style>body{display:none}</style>'
	'{{csrf}} {{{user}}} {{#user}}x{{/user}}'
	'&lt;script&gt;alert(12)&lt;/script&gt;'
	'[x13](javascript:alert(13)) <a href=javascript:alert(14)>x</a>'
	'=HYPERLINK("http://evil.example/","x15")'
	'+1+1'
	'-2+3'
	'@SUM(A1:A9)'
	$'\t=1+1'
	'＝1+1'
	":::details x
</details><script>alert(20)</script>
:::"
	"$long"
)
markers=(
	'<script>alert' '<img src=x' '<svg/onload' '"><script>' 'href="javascript:'
	"href='javascript:" '<a href=javascript:' '"onmouseover="' "'onmouseover='"
	'<iframe src=' '<style>body' '</details><script>'
)

# live FILE: the markers found unescaped in FILE, or nothing.
live() {
	local m
	for m in "${markers[@]}"; do
		grep -qF -- "$m" "$1" && printf ' «%s»' "$m"
	done
}
# page NAME JAR PATH [TEXT]: the page is 200, has no live marker, and
# (when TEXT is given) holds TEXT, the escaped form of a payload.
page() {
	local name=$1 jar=$2 path=$3 want=${4:-} st found
	st=$(board_get "$jar" "$path")
	found=$(live "$BOARD_B")
	if [ "$st" != 200 ]; then
		not_ok "$name: $path is $st"
	elif [ -n "$found" ]; then
		not_ok "$name: live in $path:$found"
	elif [ -n "$want" ] && ! board_has "$want"; then
		not_ok "$name: $path does not show «$want»"
	else
		ok "$name: $path escaped"
	fi
}

board_post "$A" settings --data moderation=post --data posts_per_hour=1000 >/dev/null
# A topic whose title and description are hostile too.
board_post "$A" topic-edit --data-urlencode 'title=<script>alert("t")</script>トピック' \
    --data-urlencode "description=<img src=x onerror=alert('d')> https://example.jp/\"onmouseover=\"alert(7)" \
    --data email_mode=optional --data max_chars=2000 --data moderation=post >/dev/null
T=$(board_sql "SELECT max(id) FROM board_topic")
board_post "$A" topic-state --data "id=$T" --data do=open >/dev/null
check "a topic with a hostile title is open" test "$(board_sql "SELECT state FROM board_topic WHERE id = $T")" = open

n=0
for p in "${payloads[@]}"; do
	st=$(board_post "$S" post --data "topic=$T" --data-urlencode "body=$p" \
	    --data-urlencode "department=<b>課</b>\"'><script>alert(\"dept\")</script>" \
	    --data-urlencode "poster_name=<img src=x onerror=alert('name')>")
	[ "$st" = 303 ] && n=$((n + 1))
done
check "all ${#payloads[@]} payloads are posted" test "$n" = "${#payloads[@]}"
check "and stored as typed" test "$(board_sql "SELECT count(*) FROM board_post WHERE body = '<script>alert(\"x1\")</script>'")" = 1
check "the overlong line too" test "$(board_sql "SELECT length(body) FROM board_post WHERE body LIKE 'AAAA%'")" = 1990
P1=$(board_sql "SELECT min(id) FROM board_post")

esc='&lt;script&gt;alert(&quot;x1&quot;)&lt;/script&gt;'
page "the board" "$AS" "" '&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;トピック'
page "the topic to another municipality" "$AS" "topic?id=$T" "$esc"
check "the template syntax is text" board_has '{{csrf}} {{{user}}}'
check "an entity is shown as typed, escaped again" board_has '&amp;lt;script&amp;gt;alert(12)'
check "a URL ends at a double quote" board_has '<a href="https://example.jp/" rel="nofollow noopener noreferrer">https://example.jp/</a>&quot;onmouseover=&quot;alert(7)'
check "and with a single quote it stays inside the href" board_has "<a href=\"https://example.jp/&#39;onmouseover=&#39;alert(8)\""
check "the overlong line is shown whole" board_has "${long:0:1990}"
check "the description is escaped" board_has "&lt;img src=x onerror=alert(&#39;d&#39;)&gt;"
check "the department and name are escaped" board_has "&lt;b&gt;課&lt;/b&gt;&quot;&#39;&gt;&lt;script&gt;"
page "the poster's own posts" "$S" mine "$esc"
page "the queue" "$M" queue "$esc"
page "the review page" "$M" "review?id=$P1" "$esc"
check "the textarea holds the text escaped" board_has "&lt;script&gt;alert(&quot;x1&quot;)&lt;/script&gt;</textarea>"
page "the relay form" "$AS" "contact?id=$P1" "$esc"
page "the topics' page" "$A" topics '&lt;script&gt;alert(&quot;t&quot;)'
page "the topic's form" "$A" "topic-edit?id=$T" 'value="&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;トピック"'
for id in $(board_sql "SELECT id FROM board_post WHERE state = 'pending'"); do
	board_post "$M" approve --data "id=$id" >/dev/null
done
check "every post is approved" test "$(board_sql "SELECT count(*) FROM board_post WHERE state = 'approved'")" = "${#payloads[@]}"
page "the page to publish" "$M" "publish?id=$T" "$esc"
page "the counts" "$A" stats '&lt;script&gt;alert(&quot;t&quot;)'

# ---------------------------------------------------------------- #
# CSV
# ---------------------------------------------------------------- #

# formulas FILE: cells that start with a formula character.
formulas() {
	grep -cE '(^|,)"([=+@-]|'$'\t''|'$'\r''|＝|＋|－|＠)' "$1"
}
check "the CSV export answers" test "$(board_get "$M" "export?id=$T&format=csv")" = 200
check "as text/csv, nosniff, an attachment" sh -c \
	"grep -qi '^content-type: text/csv' '$BOARD_H' && grep -qi '^x-content-type-options: nosniff' '$BOARD_H' && grep -qi '^content-disposition: attachment' '$BOARD_H'"
check "no cell starts with = + - @ TAB CR or their full-width forms" test "$(formulas "$BOARD_B")" = 0
for c in "'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x15\"\")" "'+1+1" "'-2+3" \
    "'@SUM(A1:A9)" "'"$'\t''=1+1' "'＝1+1"; do
	check "the cell «$c» is neutralised" board_has "\"$c\""
done
check "the text otherwise as typed" board_has '"<script>alert(""x1"")</script>"'
cp "$BOARD_B" "$STACK_DIR/posts.csv"
check "read back, every record has 8 cells" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
sys.exit(0 if len(rows) == int(sys.argv[2]) + 1 and all(len(r) == 8 for r in rows) else 1)
' "$STACK_DIR/posts.csv" "${#payloads[@]}"
check "the counts' CSV is neutral too" sh -c "test \"\$(curl -ks -b '$A' --interface $(cat "$A.from") '$STACK_URL/app/board/stats?format=csv' | grep -cE '(^|,)\"[=+@-]')\" = 0"

# ---------------------------------------------------------------- #
# Markdown, built by gen
# ---------------------------------------------------------------- #

check "the Markdown export answers" test "$(board_get "$A" "export?id=$T&format=md")" = 200
cp "$BOARD_B" "$STACK_SITE/members/konata-xss.md"
if build/gen build "$STACK_SITE" -o "$STACK_DIR/public-md" --theme-dir themes -q \
    >"$STACK_DIR/gen.log" 2>&1; then
	ok "gen builds the site with the exported page"
else
	not_ok "gen builds the site with the exported page"
	diag <"$STACK_DIR/gen.log"
fi
html=$STACK_DIR/public-md/members/konata-xss/index.html
check "the page is in the members area" test -f "$html"
found=$( [ -f "$html" ] && sed -n '/<main/,/<\/main>/p' "$html" >"$STACK_DIR/md-main.html" && live "$STACK_DIR/md-main.html")
check "nothing in it is live${found}" test -z "$found"
check "the payloads are text in it" grep -qF "$esc" "$STACK_DIR/md-main.html"
check "a Markdown link to javascript: is text" grep -qF '[x13](javascript:alert(13))' "$STACK_DIR/md-main.html"
check "gen's :::details is text" sh -c "! grep -q '<details' '$STACK_DIR/md-main.html'"
check "the title is escaped" grep -qF '<h1 class="page-title">「小ネタ」&lt;script&gt;' "$html"

# ---------------------------------------------------------------- #
# The feedback box
# ---------------------------------------------------------------- #

for p in "${payloads[@]:0:12}"; do
	board_post "$S" feedback --data category=other --data-urlencode "body=$p" \
	    --data-urlencode "contact_name=<script>alert('cn')</script>" >/dev/null
done
check "twelve hostile opinions are stored" test "$(board_sql "SELECT count(*) FROM feedback")" = 12
page "the feedback list" "$A" "feedback-list" "$esc"
F=$(board_sql "SELECT min(id) FROM feedback")
page "a feedback item" "$A" "feedback-item?id=$F" "$esc"
check "its contact name escaped" board_has "&lt;script&gt;alert(&#39;cn&#39;)&lt;/script&gt;"
board_post "$S" feedback --data category=other --data-urlencode 'body==1+1' >/dev/null
board_post "$S" feedback --data category=other --data-urlencode 'body=@x' >/dev/null
check "the feedback CSV answers" test "$(board_get "$A" feedback-export)" = 200
check "with no cell starting as a formula" test "$(formulas "$BOARD_B")" = 0

# ---------------------------------------------------------------- #
# Text that is not UTF-8
# ---------------------------------------------------------------- #

n0=$(board_sql "SELECT count(*) FROM board_post")
for bad in '%FF%FE' '%E3%81' '%C0%BC' '%00' '%1B%5B31m' '%ED%A0%80'; do
	st=$(board_post "$S" post --data "topic=$T" --data "body=a${bad}b")
	check "a post with $bad is refused ($st)" test "$st" = 400
done
check "with a sentence in Japanese" board_has "文字"
check "nothing of them was stored" test "$(board_sql "SELECT count(*) FROM board_post")" = "$n0"
st=$(board_post "$S" feedback --data category=other --data "body=%82%A0%82%A2")
check "Shift_JIS in an opinion is refused ($st)" test "$st" = 400
check "no program crashed" sh -c "! grep -qi 'failed (500)\|sanitizer\|runtime error' '$STACK_STATE/log/board.log'"
done_testing
