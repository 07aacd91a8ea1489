# corpus500 DIR: a generated site of 500 pages in DIR, for the suites
# that build one (incremental.sh, gen_crash.sh).  s1 has 300 pages, more
# than one part of the search index holds (128 in gen/feeds.c), so its
# entries are in three parts; the others have 50.  s1 is the news
# section; every tenth page is in the main menu.
corpus500() {
	local site=$1 s n i prev
	mkdir -p "$site"
	printf 'title: 試験用サイト\nlanguage: ja\ntheme: default\nnews: s1\nper_page: 20\n' >"$site/site.yaml"
	printf -- '---\ntitle: ホーム\ndescription: 試験用のホーム。\n---\n\n本文。\n' >"$site/_index.md"
	for s in 1 2 3 4 5; do
		n=$( [ "$s" -eq 1 ] && echo 300 || echo 50 )
		mkdir -p "$site/s$s"
		printf -- '---\ntitle: 分類%s\ndescription: 分類%sの一覧。\nmenu: main\nweight: %s\n---\n\n分類%sのページです。\n' "$s" "$s" "$s" "$s" >"$site/s$s/_index.md"
		for i in $(seq 1 "$n"); do
			prev=$(( i > 1 ? i - 1 : n ))
			printf -- '---\ntitle: 分類%s の記事 %s\ndescription: 記事 %s の説明。\ndate: 2026-%02d-%02d\nweight: %s\n%s---\n\n## 概要\n\n記事 %s の本文です。[前の記事](p%s.md) と [分類%s](/s%s/)。\n\n| 項目 | 値 |\n|---|---|\n| 番号 | %s |\n' \
			    "$s" "$i" "$i" $(( (i % 12) + 1 )) $(( (i % 28) + 1 )) "$i" \
			    "$( [ $((i % 10)) -eq 0 ] && echo 'menu: main\n' )" "$i" "$prev" "$s" "$s" "$i" >"$site/s$s/p$i.md"
		done
	done
	sed -i 's/\\n---/\n---/' "$site"/s*/p*.md
}
