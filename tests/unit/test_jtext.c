/*
 * test_jtext: lib/jtext.c, folding Japanese text for search: width
 * (half-width katakana with composition, full-width ASCII), katakana to
 * hiragana, ASCII case, each alone and together, and what is left alone.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "jtext.h"
#include "test.h"
#include "utf8.h"

static struct buf folded = BUF_INIT;

static const char *
fold(const char *s, unsigned flags)
{
	buf_reset(&folded);
	jtext_fold(&folded, s, strlen(s), flags);
	return folded.ptr;
}

static void
test_width(void)
{
	test_streq("width: full-width letters and digits",
	    fold("ＡＢＣ１２３ｘｙｚ", JTEXT_WIDTH), "ABC123xyz");
	test_streq("width: full-width punctuation",
	    fold("！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～",
	    JTEXT_WIDTH), "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
	test_streq("width: ideographic space", fold("こども　家庭", JTEXT_WIDTH),
	    "こども 家庭");
	test_streq("width: half-width katakana",
	    fold("ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ",
	    JTEXT_WIDTH),
	    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"
	    "マミムメモヤユヨラリルレロワヲン");
	test_streq("width: small kana and the long vowel",
	    fold("ｧｨｩｪｫｬｭｮｯｰ", JTEXT_WIDTH), "ァィゥェォャュョッー");
	test_streq("width: half-width punctuation",
	    fold("｡｢｣､･", JTEXT_WIDTH), "。「」、・");
	test_streq("width: voiced marks compose",
	    fold("ｶﾞｷﾞｸﾞｹﾞｺﾞｻﾞｼﾞｽﾞｾﾞｿﾞﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞｳﾞﾜﾞｦﾞ",
	    JTEXT_WIDTH),
	    "ガギグゲゴザジズゼゾダヂヅデドバビブベボヴヷヺ");
	test_streq("width: semi-voiced marks compose",
	    fold("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", JTEXT_WIDTH), "パピプペポ");
	test_streq("width: ｻﾎﾟｰﾄﾌﾟﾗﾝ",
	    fold("ｻﾎﾟｰﾄﾌﾟﾗﾝ", JTEXT_WIDTH), "サポートプラン");
	test_streq("width: a mark that composes with nothing stays",
	    fold("ｱﾞｶﾟﾞﾟ", JTEXT_WIDTH), "ア゛カ゜゛゜");
	test_streq("width: a half-width mark after full-width kana composes",
	    fold("カﾞはﾟ", JTEXT_WIDTH), "ガぱ");
	test_streq("width: combining marks compose (NFD to NFC)",
	    fold("か\xe3\x82\x99ハ\xe3\x82\x9aう\xe3\x82\x99ゝ\xe3\x82\x99",
	    JTEXT_WIDTH), "がパゔゞ");
	test_streq("width: a combining mark after a non-kana stays",
	    fold("a\xe3\x82\x99", JTEXT_WIDTH), "a\xe3\x82\x99");
	test_streq("width: a mark at the very end stays",
	    fold("ﾞ", JTEXT_WIDTH), "゛");
	test_streq("width: already composed text is unchanged",
	    fold("ガイドライン・指針（令和8年）", JTEXT_WIDTH),
	    "ガイドライン・指針(令和8年)");
	test_streq("width alone keeps case and katakana",
	    fold("ＩＣＴとカタカナ", JTEXT_WIDTH), "ICTとカタカナ");
	test_streq("halfkana alone keeps full-width ASCII",
	    fold("ｶﾞｲﾄﾞ（Ａ）　ｶﾞ", JTEXT_HALFKANA), "ガイド（Ａ）　ガ");
	test_streq("fullascii alone keeps half-width katakana",
	    fold("ｶﾞｲﾄﾞ（Ａ）　か\xe3\x82\x99", JTEXT_FULLASCII),
	    "ｶﾞｲﾄﾞ(A) か\xe3\x82\x99");
}

static void
test_hiragana(void)
{
	test_streq("hiragana: katakana to hiragana",
	    fold("サポートプラン", JTEXT_HIRAGANA), "さぽーとぷらん");
	test_streq("hiragana: small kana, ヴ, ヵ, ヶ",
	    fold("ァィゥェォッャュョヮヴヵヶ", JTEXT_HIRAGANA),
	    "ぁぃぅぇぉっゃゅょゎゔゕゖ");
	test_streq("hiragana: iteration marks", fold("ヽヾ", JTEXT_HIRAGANA), "ゝゞ");
	test_streq("hiragana: what hiragana lacks stays",
	    fold("ヷヸヹヺー・ヿ", JTEXT_HIRAGANA), "ヷヸヹヺー・ヿ");
	test_streq("hiragana: hiragana and kanji unchanged",
	    fold("こども家庭センター", JTEXT_HIRAGANA), "こども家庭せんたー");
	test_streq("hiragana alone leaves half-width katakana",
	    fold("ｶﾞ", JTEXT_HIRAGANA), "ｶﾞ");
}

static void
test_case(void)
{
	test_streq("case: ASCII upper to lower",
	    fold("DV ICT Plan-B 2026", JTEXT_CASE), "dv ict plan-b 2026");
	test_streq("case alone leaves full-width letters",
	    fold("ＡＢ", JTEXT_CASE), "ＡＢ");
	test_streq("case: only ASCII", fold("ÀÉ", JTEXT_CASE), "ÀÉ");
}

static void
test_search(void)
{
	test_streq("search: half-width katakana query",
	    fold("ｻﾎﾟｰﾄﾌﾟﾗﾝ", JTEXT_SEARCH), "さぽーとぷらん");
	test_streq("search: full-width katakana, the same",
	    fold("サポートプラン", JTEXT_SEARCH), "さぽーとぷらん");
	test_streq("search: hiragana, the same",
	    fold("さぽーとぷらん", JTEXT_SEARCH), "さぽーとぷらん");
	test_streq("search: full-width letters to lower case",
	    fold("ＤＶ対策とＩＣＴ", JTEXT_SEARCH), "dv対策とict");
	test_streq("search: ideographic space",
	    fold("ケース　会議", JTEXT_SEARCH), "けーす 会議");
	test_streq("search: no flags copies", fold("ｶﾞＡア", 0), "ｶﾞＡア");
}

static void
test_edges(void)
{
	struct buf b = BUF_INIT;
	const char bad[] = "a\xff\xe3\x81" "b\xe3\x82\xab";

	jtext_fold(&b, bad, sizeof(bad) - 1, JTEXT_SEARCH);
	test_cond("invalid bytes are copied as they are",
	    b.len == sizeof(bad) - 1 &&
	    memcmp(b.ptr, "a\xff\xe3\x81" "b\xe3\x81\x8b", b.len) == 0);
	buf_release(&b);

	BUF_PUTSL(&b, "x");
	jtext_fold(&b, "Ａ", strlen("Ａ"), JTEXT_SEARCH);
	test_streq("appends to what the buffer holds", b.ptr, "xa");
	buf_release(&b);

	jtext_fold(&b, "", 0, JTEXT_SEARCH);
	test_cond("empty input, empty output", b.len == 0 && b.ptr[0] == '\0');

	jtext_fold(&b, "a\0B", 3, JTEXT_SEARCH);
	test_cond("NUL bytes are kept", b.len == 3 &&
	    memcmp(b.ptr, "a\0b", 3) == 0);
	buf_release(&b);

	/* A mark cut off by the end of the input is not looked for. */
	jtext_fold(&b, "ｶﾞ", 3, JTEXT_WIDTH);
	test_streq("a cut before the mark folds the base alone", b.ptr, "カ");
	buf_release(&b);

	/* Four-byte characters and the rest of the BMP pass through. */
	test_streq("emoji and CJK extension B pass through",
	    fold("😀𠮷髙", JTEXT_SEARCH), "😀𠮷髙");

	/* After JTEXT_HALFKANA, the rest of JTEXT_SEARCH keeps the byte
	 * length of every character here (all BMP, three bytes or one
	 * alike): the theme's script relies on it for its marks. */
	{
		const char *t = "ｻﾎﾟｰﾄﾌﾟﾗﾝ（ＩＣＴ）　ガイドABC";
		struct buf h = BUF_INIT, f = BUF_INIT;

		jtext_fold(&h, t, strlen(t), JTEXT_HALFKANA);
		jtext_fold(&f, h.ptr, h.len, JTEXT_SEARCH);
		test_streq("halfkana, then search",
		    f.ptr, "さぽーとぷらん(ict) がいどabc");
		test_cond("search after halfkana keeps the character count",
		    utf8_len(h.ptr, h.len) == utf8_len(f.ptr, f.len));
		buf_release(&h);
		buf_release(&f);
	}

	/* Never longer in bytes. */
	{
		const char *all = "ｶﾞＡ　ア😀aﾞ";
		struct buf o = BUF_INIT;

		jtext_fold(&o, all, strlen(all), JTEXT_SEARCH);
		test_cond("folding never adds bytes", o.len <= strlen(all));
		buf_release(&o);
	}
}

/*
 * JTEXT_HALFKANA against folding one character at a time at every byte
 * E3 and EF: random text of kana, sound marks (combining and
 * half-width), half-width katakana, kanji, ASCII of every length and
 * stray bytes, so that what changes falls at every place of the 8-byte
 * words jtext_fold_span() tests and across their edges.
 */
static void
test_halfkana_words(void)
{
	static const char *const piece[] = {
		"か", "は", "う", "ワ", "ヽ", "\xe3\x82\x99", "\xe3\x82\x9a",
		"ﾞ", "ﾟ", "ｶ", "ﾊ", "｡", "漢", "字", "ア", "！", "a", " ",
		"abc", "abcdefg", "\xe3", "\xef", "\x82", "\x99", "\x82\x9a",
		"\xe3\x82", "\xef\xbe", "\xef\xbd\xa1", "\xe2\x80\xa8",
	};
	struct buf s = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t round, i, k, len, bad = 0;
	char u[4];

	for (round = 0; round < 20000; round++) {
		buf_reset(&s);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		for (i = x % 24; i > 0; i--) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf_puts(&s, piece[x % (sizeof(piece) /
			    sizeof(piece[0]))]);
		}
		buf_reset(&got);
		jtext_fold(&got, s.ptr, s.len, JTEXT_HALFKANA);
		buf_reset(&want);
		for (i = 0; i < s.len; i += k) {
			if (s.ptr[i] != '\xe3' && s.ptr[i] != '\xef') {
				buf_putc(&want, s.ptr[i]);
				k = 1;
				continue;
			}
			k = jtext_fold1(s.ptr + i, s.len - i, JTEXT_HALFKANA,
			    u, &len);
			buf_add(&want, u, len);
		}
		if (got.len != want.len ||
		    memcmp(got.ptr, want.ptr, got.len) != 0)
			bad++;
	}
	test_cond("halfkana: 20,000 random texts fold as one character at "
	    "a time", bad == 0);
	buf_release(&s);
	buf_release(&got);
	buf_release(&want);
}

int
main(void)
{
	test_width();
	test_hiragana();
	test_case();
	test_search();
	test_edges();
	test_halfkana_words();
	buf_release(&folded);
	return test_done();
}
