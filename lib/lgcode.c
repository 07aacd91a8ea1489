#include <stddef.h>
#include <string.h>

#include "lgcode.h"

/* JIS X 0401 order: the code's first two digits, from 01. */
static const char *const prefs[47] = {
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
	"新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
	"奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
	"徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
};

int
lgcode_check_digit(const char *d)
{
	int sum = 6 * (d[0] - '0') + 5 * (d[1] - '0') + 4 * (d[2] - '0') +
	    3 * (d[3] - '0') + 2 * (d[4] - '0');

	return (11 - sum % 11) % 10;
}

int
lgcode_norm(const char *in, char out[LGCODE_LEN + 1], const char **why)
{
	size_t n = strlen(in), i;

	*why = NULL;
	for (i = 0; i < n; i++)
		if (in[i] < '0' || in[i] > '9')
			break;
	if (i != n || (n != 5 && n != 6)) {
		*why = "団体コードは6桁（または検査数字を除いた5桁）の数字で"
		    "書いてください。";
		return -1;
	}
	memcpy(out, in, 5);
	out[5] = (char)('0' + lgcode_check_digit(in));
	out[6] = '\0';
	if (n == 6 && in[5] != out[5]) {
		*why = "団体コードの検査数字（6桁目）が合いません。"
		    "コードを確かめてください。";
		return -1;
	}
	if (lgcode_prefecture(out) == NULL) {
		*why = "団体コードの上2桁が都道府県の番号（01〜47）では"
		    "ありません。";
		return -1;
	}
	return 0;
}

int
lgcode_is_prefecture(const char *code)
{
	return strncmp(code + 2, "000", 3) == 0;
}

const char *
lgcode_prefecture(const char *code)
{
	int n = (code[0] - '0') * 10 + (code[1] - '0');

	return n >= 1 && n <= 47 ? prefs[n - 1] : NULL;
}
