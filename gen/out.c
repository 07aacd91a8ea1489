#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "fs.h"
#include "hash.h"
#include "map.h"
#include "out.h"

/* The manifest's first line; the rest are "HASH PATH" lines. */
#define MANIFEST_HEAD	"# " BUILD_MARKER_TEXT

struct entry {
	char		*path;
	uint64_t	 hash;
	size_t		 old;		/* index + 1 of its olds, or 0 */
	int		 staged;	/* written into the staging folder */
	int		 borrowed;	/* path is the old manifest's */
	size_t		 slot;		/* its name in an incremental build's
					   stage (stage_path), or 0 */
};

/* What a look at a file of the last build found: not looked at yet, not
 * there (or not a file), or its size. */
#define OLD_UNSEEN	(-2)
#define OLD_GONE	(-1)

/* A file the manifest lists. */
struct old_file {
	const char	*path;		/* in oldtext */
	uint64_t	 hash;		/* with the low bit set */
	_Atomic int64_t	 size;		/* OLD_UNSEEN, OLD_GONE or the size */
	size_t		 entry;		/* index + 1 in v of this build's entry
					   for it, or 0; under the lock */
};

struct out {
	char		*dir;		/* the output folder */
	char		*stage;		/* where this build writes */
	int		 incremental;	/* stage holds only changed files */
	int		 touching;	/* the output is being changed */
	struct map	 old;		/* path -> index + 1 in olds */
	struct old_file	*olds;		/* the manifest's files, in its order */
	size_t		 nolds;
	struct buf	 oldtext;	/* the manifest, holding their paths */
	int		 canonical;	/* the manifest read is as out_commit()
					   writes it (sorted, each line
					   well-formed): oldtext is it again
					   with a NUL for each newline */
	pthread_mutex_t	 lock;		/* guards the entries */
	struct entry	*v;
	size_t		 n, cap;
	size_t		 nslots;	/* stage names given out */
	struct map	 seen;		/* path -> index + 1 in v, for files
					   the manifest does not list (its
					   own know their entries) */
	struct out_stats st;
	int		 dirfd;		/* the output folder, or -1 */
	struct map	 tops;		/* its folders: name -> fd + 1 */
	char		*priv;		/* gen's own file beside the manifest */
	char		*priv_drop;	/* one of the last build's that goes
					   on commit, or NULL */
	char		*priv_with;	/* one of the last build's that the
					   new one goes with, or NULL: kept,
					   unless the new one is not written
					   whole */
	int		 priv_ok;	/* written whole, in the stage */
	int		(*priv_done)(void *); /* out_private_later() */
	void		*priv_arg;
	pthread_t	 reader;	/* reading the last build's manifest */
	int		 reading;
	pthread_t	 prober;	/* looking at the files it lists */
	int		 probing;
	atomic_int	 probe_stop;
	atomic_int	 wfailed;	/* a file could not be staged */
	atomic_size_t	 wskipped;	/* files not tried after that */
};

/* A path of a manifest may name only a file inside the output: not
 * empty, not absolute, no "." or ".." segments, no empty ones. */
static int
safe_path(const char *p)
{
	const char *seg = p, *q;

	for (;;) {
		q = strchr(seg, '/');
		if (q == NULL)
			q = seg + strlen(seg);
		if (q == seg || (q - seg == 1 && seg[0] == '.') ||
		    (q - seg == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (*q == '\0')
			return 1;
		seg = q + 1;
	}
}

/* "HASH PATH" lines, the hash in 16 hexadecimal digits, without printf:
 * a manifest has a line for every file of the site. */
static void
put_hex(char *d, uint64_t h)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--, h >>= 4)
		d[i] = hex[h & 15];
}

static void
put_line(struct buf *b, uint64_t h, const char *path)
{
	char d[17];

	put_hex(d, h);
	d[16] = ' ';
	buf_add(b, d, sizeof(d));
	buf_puts(b, path);
	buf_putc(b, '\n');
}

/* Read "HASH PATH" lines of an earlier build's manifest. */
static int
read_manifest(struct out *o, const char *file)
{
	struct buf text = BUF_INIT;
	char *line, *save = NULL, *end;
	const char *p, *prev = NULL;
	uint64_t h;
	size_t nl = 0, hl = strlen(MANIFEST_HEAD), bytes = hl;
	int canonical;

	if (buf_read_file(&text, file) == -1)
		return -1;
	if (strncmp(text.ptr, MANIFEST_HEAD, hl) != 0) {
		/* A marker from an older gen: no hashes to trust. */
		buf_release(&text);
		return -1;
	}
	/* A file a line: room for them all at once, here and for the files
	 * of this build, most of them the same. */
	for (p = text.ptr; (p = strchr(p, '\n')) != NULL; p++)
		nl++;
	map_borrow_keys(&o->old);
	map_reserve(&o->old, nl);
	o->olds = xreallocarray(NULL, nl + 1, sizeof(*o->olds));
	o->cap = nl + 1;
	o->v = xreallocarray(NULL, o->cap, sizeof(*o->v));
	/* As out_commit() would write it, until a line shows otherwise. */
	canonical = 1;
	for (line = strtok_r(text.ptr + hl, "\n", &save);
	    line != NULL; line = strtok_r(NULL, "\n", &save)) {
		h = strtoull(line, &end, 16);
		if (end != line + 16 || *end != ' ' || !safe_path(end + 1)) {
			canonical = 0;
			continue;
		}
		/* Lowercase digits of a hash with the low bit set (as every
		 * hash of a file is), in path order, each path once. */
		if (strspn(line, "0123456789abcdef") != 16 || (h & 1) == 0 ||
		    (prev != NULL && strcmp(prev, end + 1) >= 0))
			canonical = 0;
		prev = end + 1;
		bytes += 16 + 1 + strlen(end + 1) + 1;
		/* The low bit set keeps a zero hash from reading as "absent";
		 * comparisons below do the same. */
		o->olds[o->nolds].path = end + 1;
		o->olds[o->nolds].hash = h | 1;
		o->olds[o->nolds].entry = 0;
		atomic_init(&o->olds[o->nolds].size, OLD_UNSEEN);
		map_put(&o->old, end + 1, strlen(end + 1),
		    (void *)(uintptr_t)++o->nolds);
	}
	/* Nothing else either: no blank line (strtok_r skips them), no
	 * line without its newline. */
	if (bytes != text.len)
		canonical = 0;
	o->canonical = canonical;
	/* The keys are the lines' paths, in place. */
	o->oldtext = text;
	return 0;
}

/*
 * The output's top folders, opened once, so that looking at a file of
 * the last build is a lookup from its top folder, not from the output's
 * root ("p0001/index.html" in "guide/": one name fewer of three, for
 * each of thousands of files).
 */
#define OUT_TOP_FDS	256

static void
open_tops(struct out *o)
{
	struct buf e = BUF_INIT;
	struct fs_dir d;
	size_t i;
	int fd;

	/* Read from the output's own descriptor, already open. */
	if (fs_dir_read(o->dirfd, o->dir, &d, &e) == -1) {
		buf_release(&e);
		return;
	}
	for (i = 0; i < d.n && o->tops.count < OUT_TOP_FDS; i++) {
		if (d.types[i] != DT_DIR || (fd = openat(o->dirfd, d.names[i],
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		map_put(&o->tops, d.names[i], strlen(d.names[i]),
		    (void *)(uintptr_t)(fd + 1));
	}
	fs_dir_free(&d);
	buf_release(&e);
}

/* Look at file `rel` of the last build, from its top folder: OLD_GONE,
 * or its size. */
static int64_t
look_old(const struct out *o, const char *rel)
{
	const char *slash = strchr(rel, '/');
	uintptr_t top = 0;
	struct stat st;

	if (slash != NULL)
		top = (uintptr_t)map_get(&o->tops, rel, (size_t)(slash - rel));
	if ((top != 0 ? fstatat((int)(top - 1), slash + 1, &st, 0) :
	    fstatat(o->dirfd, rel, &st, 0)) == -1 || !S_ISREG(st.st_mode))
		return OLD_GONE;
	return (int64_t)st.st_size;
}

/*
 * Every file of the manifest looked at, in its order, on a thread of the
 * lowest priority: it runs on what the walk of the site and the other
 * serial parts of the build leave of the cores, so that deciding which
 * pages to keep finds most of them looked at already.  A file it has not
 * reached yet is looked at by whoever asks (old_present); both find the
 * same.
 */
static void *
probe_old(void *arg)
{
	struct out *o = arg;
	size_t i;

	setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	for (i = 0; i < o->nolds; i++) {
		struct old_file *f = &o->olds[i];

		if (atomic_load_explicit(&o->probe_stop, memory_order_relaxed))
			break;
		if (f->hash <= 1 || atomic_load_explicit(&f->size,
		    memory_order_relaxed) != OLD_UNSEEN)
			continue;
		atomic_store_explicit(&f->size, look_old(o, f->path),
		    memory_order_relaxed);
	}
	return NULL;
}

/* The prober stopped, before the output's folders are closed. */
static void
stop_probe(struct out *o)
{
	if (!o->probing)
		return;
	atomic_store(&o->probe_stop, 1);
	pthread_join(o->prober, NULL);
	o->probing = 0;
}

/* What the last build left: its manifest, the output's folders. */
static void *
read_old(void *arg)
{
	struct out *o = arg;
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/%s", o->dir, BUILD_MARKER);
	o->incremental = fs_is_dir(o->dir) && read_manifest(o, b.ptr) == 0;
	o->dirfd = o->incremental ? open(o->dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC) : -1;
	if (o->incremental && o->dirfd == -1)
		o->incremental = 0;	/* then a new tree, as a whole */
	if (o->incremental) {
		open_tops(o);
		if (pthread_create(&o->prober, NULL, probe_old, o) == 0)
			o->probing = 1;
	}
	buf_release(&b);
	return NULL;
}

struct out *
out_start(const char *dir)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->dir = xstrdup(dir);
	o->dirfd = -1;
	buf_init(&o->oldtext);
	/* Keys: the entries' paths, which live as long as the map. */
	map_borrow_keys(&o->seen);
	pthread_mutex_init(&o->lock, NULL);
	if (pthread_create(&o->reader, NULL, read_old, o) == 0)
		o->reading = 1;
	else
		read_old(o);
	return o;
}

/* The last build's manifest read (read_old); before any other use. */
static void
wait_old(struct out *o)
{
	if (o->reading)
		pthread_join(o->reader, NULL);
	o->reading = 0;
}

int
out_open(struct out *o, struct buf *err)
{
	struct buf b = BUF_INIT;

	wait_old(o);
	fs_remove_dead(o->dir, 0);
	buf_printf(&b, "%s.tmp-%ld", o->dir, (long)getpid());
	o->stage = buf_detach(&b, NULL);
	if (fs_remove_tree(o->stage, err) == -1 ||
	    fs_mkdirs(o->stage, err) == -1) {
		out_abort(o);
		return -1;
	}
	return 0;
}

/*
 * The entry of file `path`, the manifest's file `old` (old_index) or 0,
 * from an earlier call (*had set), or new, taking `path`, which is freed
 * with the entry unless `borrowed`.  A file of the manifest knows its
 * entry; the others are in `seen`, which keeps the entry's own pointer
 * (one lookup).  Under the lock.
 */
static struct entry *
entry_put(struct out *o, const char *path, size_t old, int borrowed,
    int *had)
{
	void *seen;
	struct entry *e;

	if (old != 0) {
		*had = o->olds[old - 1].entry != 0;
		if (*had)
			return &o->v[o->olds[old - 1].entry - 1];
		o->olds[old - 1].entry = o->n + 1;
	} else {
		*had = map_add(&o->seen, path, strlen(path),
		    (void *)(uintptr_t)(o->n + 1), &seen) == -1;
		if (*had)
			return &o->v[(uintptr_t)seen - 1];
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	e = &o->v[o->n++];
	e->path = (char *)path;
	e->old = old;
	e->borrowed = borrowed;
	e->slot = 0;
	return e;
}

/* The entry of file `rel`, the manifest's file `old` or 0 (old_index,
 * which gave its copy of the name, `key`), new or from an earlier call;
 * under the lock. */
static struct entry *
entry_for(struct out *o, const char *rel, size_t old, const char *key)
{
	struct entry *e;
	char *path;
	int had;

	/* The manifest's copy of the name outlives the entries. */
	if (old != 0)
		return entry_put(o, key, old, 1, &had);
	path = xstrdup(rel);
	e = entry_put(o, path, 0, 0, &had);
	if (had)
		free(path);
	return e;
}

/* The place + 1 of `rel` in the manifest, or 0; the manifest's copy of
 * its name into *key. */
static size_t
old_index(const struct out *o, const char *rel, const char **key)
{
	return o->incremental ?
	    (uintptr_t)map_get_key(&o->old, rel, strlen(rel), key) : 0;
}

/*
 * old_index(), looked for first at place *near of the manifest, then
 * *near set past the file found.  The pages a thread keeps come in the
 * order of their files in a manifest out_commit() wrote (sorted, each
 * name once), most of them one after the other: the next line, not a
 * lookup of the name, which on a rebuild of thousands of pages is most
 * of the cost of keeping one.
 */
static size_t
old_index_near(const struct out *o, const char *rel, size_t *near,
    const char **key)
{
	size_t i = *near;

	if (o->incremental && o->canonical && i < o->nolds &&
	    strcmp(o->olds[i].path, rel) == 0) {
		*key = o->olds[i].path;
		*near = i + 1;
		return i + 1;
	}
	if ((i = old_index(o, rel, key)) != 0)
		*near = i;
	return i;
}

/* The hash the manifest gives its file i (old_index), with the low bit
 * set, if the file is still there; 0 when not.  1 means the last build
 * meant to change the file and did not get to it (mark_touched).  Its
 * size into *size (when not NULL). */
static uint64_t
old_present(struct out *o, size_t i, const char *rel, uint64_t *size)
{
	struct old_file *f = &o->olds[i - 1];
	int64_t sz;

	if (f->hash <= 1)
		return 0;
	if ((sz = atomic_load_explicit(&f->size, memory_order_relaxed)) ==
	    OLD_UNSEEN) {
		sz = look_old(o, rel);
		atomic_store_explicit(&f->size, sz, memory_order_relaxed);
	}
	if (sz == OLD_GONE)
		return 0;
	if (size != NULL)
		*size = (uint64_t)sz;
	return f->hash;
}

/* old_present() of `rel`, 0 when the manifest does not list it. */
static uint64_t
old_hash(struct out *o, const char *rel, uint64_t *size)
{
	const char *key;
	size_t i = old_index(o, rel, &key);

	return i != 0 ? old_present(o, i, rel, size) : 0;
}

/*
 * Where file `rel` is written in the stage.  A new tree is the stage as
 * a whole, its files where they go.  An incremental build's stage holds
 * its changed files side by side, named by number (slot): no folders to
 * make and remove in it, which on a file system that discards freed
 * blocks (ext4 with -o discard) wait for the disk each.
 */
static void
stage_path(const struct out *o, struct buf *b, const char *rel, size_t slot)
{
	if (slot != 0)
		buf_printf(b, "%s/%zu", o->stage, slot);
	else {
		buf_puts(b, o->stage);
		buf_putc(b, '/');
		buf_puts(b, rel);
	}
}

int
out_write(struct out *o, const char *rel, const void *data, size_t len,
    struct buf *err)
{
	uint64_t h = hash64(data, len, 0) | 1;
	struct buf path = BUF_INIT;
	struct entry *e;
	const char *key = NULL;
	size_t i = old_index(o, rel, &key), slot;
	int stage, rc = 0;

	/* Unchanged since the last build, and still there: leave it. */
	stage = i == 0 || o->olds[i - 1].hash != h ||
	    old_present(o, i, rel, NULL) != h;
	pthread_mutex_lock(&o->lock);
	e = entry_for(o, rel, i, key);
	e->hash = h;
	e->staged = stage;
	if (stage && o->incremental && e->slot == 0)
		e->slot = ++o->nslots;
	slot = e->slot;
	pthread_mutex_unlock(&o->lock);

	/* Once a file could not be written (a full disk, most likely), the
	 * build has failed: the others are not tried, and not reported one
	 * by one (out_skipped()). */
	if (stage && atomic_load(&o->wfailed)) {
		atomic_fetch_add(&o->wskipped, 1);
		rc = -1;
	} else if (stage) {
		struct buf msg = BUF_INIT;	/* fs_write's, of the stage */

		stage_path(o, &path, rel, slot);
		rc = fs_write(path.ptr, data, len, &msg);
		/* Of files failing at once on several threads, the first to
		 * say so is reported, named where it was going (in the stage
		 * files have numbers for names); the others are counted. */
		if (rc == -1 && !atomic_exchange(&o->wfailed, 1))
			buf_printf(err, "%s/%s: cannot write: %s\n", o->dir, rel,
			    strerror(errno));
		else if (rc == -1)
			atomic_fetch_add(&o->wskipped, 1);
		buf_release(&msg);
	}
	buf_release(&path);
	return rc;
}

size_t
out_skipped(struct out *o)
{
	return atomic_load(&o->wskipped);
}

int
out_keep(struct out *o, const char *rel)
{
	return out_keep_size(o, rel, UINT64_MAX);
}

int
out_keep_size(struct out *o, const char *rel, uint64_t size)
{
	const char *key;
	size_t i = old_index(o, rel, &key);
	uint64_t sz = 0, h = i != 0 ? old_present(o, i, rel, &sz) : 0;
	struct entry *e;

	if (h == 0 || (size != UINT64_MAX && sz != size))
		return -1;
	pthread_mutex_lock(&o->lock);
	e = entry_for(o, rel, i, key);
	e->hash = h;
	e->staged = 0;
	pthread_mutex_unlock(&o->lock);
	return 0;
}

int
out_keep_files(struct out *o, struct out_keeps *k, const char *outs,
    size_t len)
{
	const char *f, *end = outs + len, *key;
	size_t n0 = k->n, i;

	for (f = outs; f < end; f += strlen(f) + 1) {
		if ((i = old_index_near(o, f, &k->near, &key)) == 0 ||
		    old_present(o, i, f, NULL) == 0) {
			k->n = n0;
			return -1;
		}
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 64;
			k->path = xreallocarray(k->path, k->cap,
			    sizeof(*k->path));
			k->old = xreallocarray(k->old, k->cap,
			    sizeof(*k->old));
		}
		/* The manifest's own copy of the name: it outlives the
		 * entries. */
		k->path[k->n] = key;
		k->old[k->n++] = i;
	}
	if (k->n >= OUT_KEEP_BATCH)
		out_keeps_flush(o, k);
	return 0;
}

void
out_keeps_flush(struct out *o, struct out_keeps *k)
{
	struct entry *e;
	size_t i;
	int had;

	pthread_mutex_lock(&o->lock);
	for (i = 0; i < k->n; i++) {
		/* The manifest's copy of the path, borrowed. */
		e = entry_put(o, k->path[i], k->old[i], 1, &had);
		e->hash = o->olds[k->old[i] - 1].hash;
		e->staged = 0;
	}
	pthread_mutex_unlock(&o->lock);
	k->n = 0;
}

void
out_keeps_release(struct out_keeps *k)
{
	free(k->path);
	free(k->old);
	memset(k, 0, sizeof(*k));
}

int
out_read_kept(struct out *o, const char *rel, struct buf *b)
{
	struct buf path = BUF_INIT;
	uint64_t h = old_hash(o, rel, NULL);
	int rc = -1;

	buf_reset(b);
	if (h == 0)
		return -1;
	buf_printf(&path, "%s/%s", o->dir, rel);
	/* The manifest vouches for these bytes only if they are its. */
	if (buf_read_file(b, path.ptr) == 0 &&
	    (hash64(b->ptr, b->len, 0) | 1) == h)
		rc = 0;
	buf_release(&path);
	return rc;
}

int
out_private(struct out *o, const char *name, const char *with,
    const char *drop)
{
	struct buf path = BUF_INIT;
	int fd;

	buf_printf(&path, "%s/%s", o->stage, name);
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	buf_release(&path);
	/* Its name either way: the last build's goes on commit. */
	free(o->priv);
	o->priv = xstrdup(name);
	free(o->priv_drop);
	o->priv_drop = drop != NULL ? xstrdup(drop) : NULL;
	free(o->priv_with);
	o->priv_with = with != NULL ? xstrdup(with) : NULL;
	o->priv_ok = fd != -1;
	return fd;
}

int
out_incremental(const struct out *o)
{
	return o->incremental;
}

/* The private file left out, not written whole. */
static void
private_drop(struct out *o)
{
	struct buf path = BUF_INIT;

	if (o->priv == NULL || !o->priv_ok)
		return;
	buf_printf(&path, "%s/%s", o->stage, o->priv);
	unlink(path.ptr);
	buf_release(&path);
	o->priv_ok = 0;
}

void
out_private_later(struct out *o, int (*done)(void *), void *arg)
{
	o->priv_done = done;
	o->priv_arg = arg;
}

/* The private file written, if another thread is writing it. */
static void
private_wait(struct out *o)
{
	int (*done)(void *) = o->priv_done;

	if (done == NULL)
		return;
	o->priv_done = NULL;
	if (done(o->priv_arg) == -1)
		private_drop(o);
}

/* The last build's file `name` of gen's own removed, if there is one
 * (NULL: none to remove): 0, or -1 (message in err). */
static int
remove_own(const struct out *o, const char *name, struct buf *err)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	if (name == NULL)
		return 0;
	buf_printf(&path, "%s/%s", o->dir, name);
	if (unlink(path.ptr) == -1 && errno != ENOENT) {
		buf_printf(err, "%s: %s\n", path.ptr, strerror(errno));
		rc = -1;
	}
	buf_release(&path);
	return rc;
}

/* The private file in place of the last build's, or the last build's
 * removed when there is no new one.  0 or -1 (message in err). */
static int
put_private(struct out *o, struct buf *err)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	int rc = 0;

	private_wait(o);
	if (o->priv == NULL)
		return 0;
	/* The last build's files that go, first: without the new one, the
	 * one it goes with would describe another tree. */
	if (remove_own(o, o->priv_drop, err) == -1)
		rc = -1;
	if (!o->priv_ok && remove_own(o, o->priv_with, err) == -1)
		rc = -1;
	buf_printf(&from, "%s/%s", o->stage, o->priv);
	buf_printf(&to, "%s/%s", o->dir, o->priv);
	/* The old one removed first: moved over it, the new one would be
	 * written out to disk there and then (ext4's auto_da_alloc),
	 * megabytes of it on every build.  It need not survive a crash:
	 * lost or cut short, the next build reads the pages it no longer
	 * finds in it (and until the commit is done, the manifest says
	 * "unknown" for every file this build changed). */
	if (rc == 0 && ((unlink(to.ptr) == -1 && errno != ENOENT) ||
	    (o->priv_ok && rename(from.ptr, to.ptr) == -1))) {
		buf_printf(err, "%s: %s\n", to.ptr, strerror(errno));
		rc = -1;
	}
	buf_release(&from);
	buf_release(&to);
	return rc;
}

uint64_t
out_digest(struct out *o)
{
	uint64_t d = 0;
	size_t i;

	/* Order-free: the same files and bytes give the same digest. */
	pthread_mutex_lock(&o->lock);
	for (i = 0; i < o->n; i++)
		d += hash64(o->v[i].path, strlen(o->v[i].path), o->v[i].hash);
	pthread_mutex_unlock(&o->lock);
	return d;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct entry *const *)a)->path,
	    (*(struct entry *const *)b)->path);
}

void
out_stats_release(struct out_stats *st)
{
	size_t i;

	for (i = 0; i < OUT_NAMES; i++) {
		free(st->names[i]);
		st->names[i] = NULL;
	}
}

static void
out_free(struct out *o)
{
	size_t i;

	private_wait(o);
	stop_probe(o);
	for (i = 0; i < o->n; i++)
		if (!o->v[i].borrowed)
			free(o->v[i].path);
	free(o->v);
	out_stats_release(&o->st);
	map_release(&o->old);
	free(o->olds);
	buf_release(&o->oldtext);
	map_release(&o->seen);
	for (i = 0; i < o->tops.cap; i++)
		if (o->tops.slots[i].key != NULL)
			close((int)((uintptr_t)o->tops.slots[i].val - 1));
	map_release(&o->tops);
	free(o->priv);
	free(o->priv_drop);
	free(o->priv_with);
	if (o->dirfd != -1)
		close(o->dirfd);
	pthread_mutex_destroy(&o->lock);
	free(o->dir);
	free(o->stage);
	free(o);
}


void
out_abort(struct out *o)
{
	struct buf e = BUF_INIT;

	wait_old(o);
	private_wait(o);
	if (o->stage != NULL)
		fs_remove_tree(o->stage, &e);
	buf_release(&e);
	out_free(o);
}

/* Remove a file and then its folders as far up as they are empty.  A
 * file or folder already gone counts as removed: a build killed between
 * the two leaves them so, and the next one, which the manifest still
 * tells of the file, finishes the job. */
static void
remove_stale(const char *dir, const char *rel)
{
	struct buf p = BUF_INIT;
	char *slash;

	buf_printf(&p, "%s/%s", dir, rel);
	if (unlink(p.ptr) == 0 || errno == ENOENT) {
		while ((slash = strrchr(p.ptr, '/')) != NULL &&
		    (size_t)(slash - p.ptr) > strlen(dir)) {
			*slash = '\0';
			if (rmdir(p.ptr) == -1 && errno != ENOENT)
				break;
		}
	}
	buf_release(&p);
}

/* This build makes the very files the last one did, which wrote the
 * manifest in the form out_commit() writes (canonical): each entry is
 * the one of a file of the manifest, and there are as many. */
static int
same_files(const struct out *o)
{
	size_t i;

	if (!o->canonical || o->n != o->nolds)
		return 0;
	for (i = 0; i < o->n; i++)
		if (o->v[i].old == 0)
			return 0;
	return 1;
}

/* The last build's manifest again, as it read (canonical). */
static void
manifest_again(const struct out *o, struct buf *man)
{
	size_t i;

	buf_add(man, o->oldtext.ptr, o->oldtext.len);
	for (i = 0; i < o->nolds; i++)
		man->ptr[o->olds[i].path - o->oldtext.ptr +
		    strlen(o->olds[i].path)] = '\n';
}

/* The place in a manifest made by manifest_again() of the hash of the
 * last build's file i. */
static char *
hash_at(const struct out *o, struct buf *man, size_t i)
{
	return man->ptr + (o->olds[i].path - 17 - o->oldtext.ptr);
}

/* In a manifest made by manifest_again(), the hash of each file written
 * anew: 0 (changing) while `marked`, else its new one. */
static void
put_staged(const struct out *o, struct buf *man, int marked)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i].staged)
			put_hex(hash_at(o, man, o->v[i].old - 1),
			    marked ? 0 : o->v[i].hash);
}

/*
 * Write the output's manifest anew, atomically: the last build's files
 * with their hashes, 0 for those this build changes or removes.  gone[i]
 * is set for each slot of the old map whose file this build does not
 * make.  When this build makes the same files (same_files), `man` is
 * the new manifest, in the last one's order, and becomes this one; the
 * file stays open for put_hashes(), as *fd (else -1).  Exchanged with
 * the last one (fs_replace_file), it is written out to disk when the
 * kernel sees fit, not there and then: a crash of the machine before
 * that may leave it empty, and the next build then makes the output
 * anew as a whole, as for an output without a manifest of gen's.
 */
static int
mark_touched(struct out *o, int same, struct buf *man, char *gone, int *fd,
    struct buf *err)
{
	struct buf own = BUF_INIT, tmp = BUF_INIT, to = BUF_INIT;
	size_t i;
	int rc = -1, wfd;

	/* The new manifest with 0 over the hashes of the files written
	 * anew (the others keep theirs, as the last one has them); none is
	 * gone. */
	if (same)
		put_staged(o, man, 1);
	else {
		man = &own;
		buf_puts(man, MANIFEST_HEAD);
	}
	for (i = 0; !same && i < o->old.cap; i++) {
		const struct map_slot *sl = &o->old.slots[i];
		const struct old_file *f;
		uint64_t h;

		if (sl->key == NULL)
			continue;
		f = &o->olds[(uintptr_t)sl->val - 1];
		gone[i] = f->entry == 0;
		h = f->entry != 0 && !o->v[f->entry - 1].staged ? f->hash : 0;
		put_line(man, h, sl->key);
	}
	buf_printf(&tmp, "%s/%s.tmp", o->stage, BUILD_MARKER);
	buf_printf(&to, "%s/%s", o->dir, BUILD_MARKER);
	*fd = -1;
	wfd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (wfd == -1 || fd_write_all(wfd, man->ptr, man->len) == -1)
		buf_printf(err, "%s: cannot write: %s\n", tmp.ptr,
		    strerror(errno));
	else if (fs_replace_file(tmp.ptr, to.ptr) == -1)
		buf_printf(err, "%s: %s\n", to.ptr, strerror(errno));
	else
		rc = 0;
	if (rc == 0 && same)
		*fd = wfd;
	else if (wfd != -1 && close(wfd) == -1 && rc == 0) {
		buf_printf(err, "%s: %s\n", to.ptr, strerror(errno));
		rc = -1;
	}
	buf_release(&own);
	buf_release(&tmp);
	buf_release(&to);
	return rc;
}

/*
 * The last step of a build that made the same files as the last one:
 * the manifest mark_touched() put in place (open as fd) is this build's
 * but for the 0 of each file written anew, which gets its hash, in
 * place.  Not a new file moved over it: on ext4 that would write both
 * out to disk there and then, and free the blocks of the one it
 * replaces, written a moment ago.  A crash in the middle leaves each
 * hash 0, new, or a mix of the two, which no file has: at worst, the
 * next build writes a file again.
 */
static int
put_hashes(struct out *o, struct buf *man, int fd, struct buf *err)
{
	int rc = 0;

	put_staged(o, man, 0);
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    fd_write_all(fd, man->ptr, man->len) == -1)
		rc = -1;
	if (close(fd) == -1)
		rc = -1;
	if (rc == -1)
		buf_printf(err, "%s/%s: cannot write: %s\n", o->dir,
		    BUILD_MARKER, strerror(errno));
	return rc;
}

int
out_commit(struct out *o, struct out_stats *st, struct buf *err)
{
	struct buf man = BUF_INIT, from = BUF_INIT, to = BUF_INIT;
	struct entry **ord = xreallocarray(NULL, o->n + 1, sizeof(*ord));
	char *gone = NULL;
	size_t i;
	int rc = -1, same, mfd = -1;

	/* Nothing is looked up in the last build's files from here. */
	stop_probe(o);
	same = same_files(o);
	/* The manifest, sorted: the same tree gives the same bytes.  The
	 * entries stay where they are, as `seen` and the manifest's files
	 * know them. */
	for (i = 0; i < o->n; i++)
		ord[i] = &o->v[i];
	if (same) {
		/* In the manifest's order, which is sorted, and its lines
		 * with the hashes that changed. */
		for (i = 0; i < o->n; i++)
			ord[o->v[i].old - 1] = &o->v[i];
		manifest_again(o, &man);
		for (i = 0; i < o->n; i++)
			if (ord[i]->hash != o->olds[i].hash)
				put_hex(hash_at(o, &man, i), ord[i]->hash);
	} else {
		qsort(ord, o->n, sizeof(*ord), cmp_entry);
		buf_puts(&man, MANIFEST_HEAD);
		for (i = 0; i < o->n; i++)
			put_line(&man, ord[i]->hash, ord[i]->path);
	}
	/* The new manifest in the stage, but where mark_touched() puts it
	 * in place itself (put_hashes()). */
	buf_printf(&from, "%s/%s", o->stage, BUILD_MARKER);
	if ((!o->incremental || !same) &&
	    fs_write(from.ptr, man.ptr, man.len, err) == -1)
		goto fail;

	if (!o->incremental) {
		o->st.written = o->n;
		for (i = 0; i < o->n && i < OUT_NAMES; i++)
			o->st.names[i] = xstrdup(ord[i]->path);
		/* The stage as a whole: the private file in it, or not. */
		private_wait(o);
		if (fs_swap_into(o->stage, o->dir, err) == -1)
			goto fail;
		goto done;
	}
	/*
	 * The output changes file by file from here.  First the manifest in
	 * place says "unknown" (hash 0, which no file has) for every file
	 * about to change, so that if this is cut short the next build
	 * rewrites them instead of trusting stale hashes.
	 */
	gone = xcalloc(o->old.cap + 1, 1);
	if (mark_touched(o, same, &man, gone, &mfd, err) == -1)
		goto fail;
	o->touching = 1;
	/* What the last build made and this one did not: first, so that
	 * a page moving from x/ to x, or back, finds its place free. */
	for (i = 0; i < o->old.cap; i++) {
		const struct map_slot *sl = &o->old.slots[i];

		if (sl->key == NULL || !gone[i])
			continue;
		remove_stale(o->dir, sl->key);
		o->st.removed++;
	}
	for (i = 0; i < o->n; i++) {
		struct entry *e = ord[i];

		if (!e->staged) {
			o->st.unchanged++;
			continue;
		}
		buf_reset(&from);
		buf_reset(&to);
		stage_path(o, &from, e->path, e->slot);
		buf_printf(&to, "%s/%s", o->dir, e->path);
		/* A folder may stand where a file is to go, or the other
		 * way round, when pages move. */
		if (fs_is_dir(to.ptr) && fs_remove_tree(to.ptr, err) == -1)
			goto fail;
		if (fs_mkdirs_for(to.ptr, err) == -1)
			goto fail;
		if (rename(from.ptr, to.ptr) == -1) {
			buf_printf(err, "%s: cannot move into place: %s\n",
			    to.ptr, strerror(errno));
			goto fail;
		}
		if (o->st.written < OUT_NAMES)
			o->st.names[o->st.written] = xstrdup(e->path);
		o->st.written++;
	}
	/* gen's own file, last (it may still have been being written): it
	 * may say what the files are to be, and those it names as changed
	 * are "unknown" in the manifest until the new one is in place. */
	if (put_private(o, err) == -1)
		goto fail;
	if (same) {
		int fd = mfd;

		mfd = -1;
		if (put_hashes(o, &man, fd, err) == -1)
			goto fail;
	} else {
		buf_reset(&from);
		buf_reset(&to);
		buf_printf(&from, "%s/%s", o->stage, BUILD_MARKER);
		buf_printf(&to, "%s/%s", o->dir, BUILD_MARKER);
		if (fs_replace_file(from.ptr, to.ptr) == -1) {
			buf_printf(err, "%s: %s\n", to.ptr, strerror(errno));
			goto fail;
		}
	}
	fs_remove_tree(o->stage, err);
done:
	rc = 0;
	if (st != NULL) {
		/* The names go to the caller. */
		*st = o->st;
		memset(o->st.names, 0, sizeof(o->st.names));
	}
	out_free(o);
	free(ord);
	free(gone);
	buf_release(&man);
	buf_release(&from);
	buf_release(&to);
	return rc;
fail:
	if (mfd != -1)
		close(mfd);
	if (o->touching)
		buf_printf(err, "%s: partly updated; the next build will "
		    "finish it\n", o->dir);
	if (st != NULL)
		st->partial = o->touching;
	free(ord);
	free(gone);
	buf_release(&man);
	buf_release(&from);
	buf_release(&to);
	out_abort(o);
	return rc;
}
