/*
 * import: the agency's list of accounts, one per municipality and per
 * prefecture.
 *
 * The list is a CSV file with four columns: the local-government code
 * (全国地方公共団体コード, six digits, or five without the check digit),
 * the name (札幌市, 北海道), the prefecture, and the e-mail address to
 * which the ID and password go.  A first row of column names is read
 * and may put the columns in any order (団体コード / 団体名 / 都道府県 /
 * メールアドレス, or code / name / prefecture / email); without one the
 * columns are in that order.  The file may be UTF-8, with or without a
 * byte-order mark, or Shift_JIS as Excel saves it (lib/csv.h).
 *
 * Every row is checked before anything is written: the code's check
 * digit, that its first two digits are the prefecture named, the
 * address, a code given twice.  Any error stops the whole import, and
 * each is reported with its line ("12行目: ...").  Then, in one
 * transaction: a code without an account gets one (its ID is the code,
 * its role municipality, or prefecture for a code ending in 0000x, its
 * password new and random) and a mail with the ID and password is
 * queued; an account whose name, prefecture or address differs from the
 * list is updated (no new password); the rest is left as it is.
 * Importing the same list again changes nothing.
 */
#ifndef KK_IMPORT_H
#define KK_IMPORT_H

#include <stddef.h>

#include "accounts.h"

struct buf;

struct import_result {
	size_t		 rows;
	size_t		 created;
	size_t		 updated;
	size_t		 unchanged;
	const char	*encoding;
};

/* 0, or -1 with one line per problem (in Japanese) in err, when nothing
 * was changed. */
int	import_accounts(const struct actx *, const char *data, size_t len,
	    struct import_result *, struct buf *err);

#endif
