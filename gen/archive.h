/*
 * archive: `gen zip` — package a built tree as the deliverable ZIP.
 *
 * The archive is deterministic: entries in byte order of their paths,
 * folders as entries of their own, one fixed time stamp (the date of
 * SOURCE_DATE_EPOCH when set, else 1980-01-01 00:00, the earliest a ZIP
 * can hold), fixed permissions, deflate.  It is written to a temporary
 * file and renamed into place.
 */
#ifndef GEN_ARCHIVE_H
#define GEN_ARCHIVE_H

/* Returns the process exit status: 0, or 1 with a message on stderr. */
int	archive_zip(const char *tree, const char *zipfile, int quiet);

#endif
