/*
 * floor: the least work any generator must do for the benchmark's site,
 * against which gen is measured.
 *
 *   floor SITE_DIR OUT_DIR [SIZES]
 *
 * In one process with two threads (the machine's cores): read every .md
 * below SITE_DIR, parse its front matter with libyaml into a document,
 * render its body with md4c-html (the extensions gen enables), and write
 * the HTML to OUT_DIR/<folder>/<name>/index.html (a section's _index.md
 * to OUT_DIR/<folder>/index.html), the tree gen writes.  No templates,
 * menus, lists, link checks or indexes: what is left is reading, parsing,
 * rendering, creating folders and writing files.  OUT_DIR must not exist.
 *
 * With SIZES, a file of lines "SIZE PATH" (PATH relative to an output
 * folder, as `find OUT -name index.html -printf '%s %P\n'` gives them),
 * each page's HTML is made as long as the file of the same PATH, with
 * filler after the body: the floor of a generator that writes those
 * bytes, which tells the cost of a theme's size from the cost of the
 * generator's work.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <md4c-html.h>
#include <yaml.h>

/* The flags gen/md.c renders with. */
#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | \
    MD_FLAG_TASKLISTS | MD_FLAG_PERMISSIVEURLAUTOLINKS | \
    MD_FLAG_PERMISSIVEWWWAUTOLINKS)

#define NTHREADS	2
#define PATH_MAX_LEN	4096

struct buf {
	char	*p;
	size_t	 len, cap;
};

struct job {
	char	*src;		/* SITE_DIR/a/b.md */
	char	*out;		/* OUT_DIR/a/b/index.html */
	char	*dir;		/* OUT_DIR/a/b, or NULL when it exists */
	size_t	 size;		/* the length to fill the HTML up to */
};

/* SIZES, sorted by path. */
struct size {
	char	*path;
	size_t	 size;
};

static struct size	*sizes;
static size_t		 nsizes;

static struct job	*jobs;
static size_t		 njobs, capjobs;
static atomic_size_t	 next_job;
static atomic_int	 failed;

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL) {
		perror("floor");
		exit(1);
	}
	return p;
}

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static int
cmp_size(const void *a, const void *b)
{
	return strcmp(((const struct size *)a)->path,
	    ((const struct size *)b)->path);
}

static void
read_sizes(const char *file)
{
	char line[PATH_MAX_LEN + 32], *sp, *nl;
	size_t cap = 0;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "floor: %s: %s\n", file, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		if ((nl = strchr(sp, '\n')) != NULL)
			*nl = '\0';
		if (nsizes == cap) {
			cap = cap ? cap * 2 : 1024;
			sizes = xrealloc(sizes, cap * sizeof(*sizes));
		}
		sizes[nsizes].size = strtoul(line, NULL, 10);
		sizes[nsizes].path = strdup(sp + 1);
		if (sizes[nsizes].path == NULL) {
			perror("floor");
			exit(1);
		}
		nsizes++;
	}
	fclose(f);
	qsort(sizes, nsizes, sizeof(*sizes), cmp_size);
}

/* The size SIZES gives output `rel` ("a/b/index.html"), or 0. */
static size_t
size_of(const char *rel)
{
	struct size key, *s;

	if (nsizes == 0)
		return 0;
	key.path = (char *)rel;
	s = bsearch(&key, sizes, nsizes, sizeof(*sizes), cmp_size);
	return s != NULL ? s->size : 0;
}

static void
md_out(const MD_CHAR *s, MD_SIZE n, void *arg)
{
	buf_add(arg, s, n);
}

static char *
join(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = xrealloc(NULL, n);

	snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* Walk SITE_DIR/rel, listing the pages and making their folders' parents. */
static void
walk(const char *site, const char *out, const char *rel)
{
	char *dir = join(site, "/", rel), *odir = join(out, "/", rel);
	struct dirent *e;
	DIR *d;

	if (mkdir(odir, 0755) == -1) {
		fprintf(stderr, "floor: %s: %s\n", odir, strerror(errno));
		exit(1);
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "floor: %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	while ((e = readdir(d)) != NULL) {
		char *sub;
		size_t n = strlen(e->d_name);
		struct stat st;
		struct job j;

		if (e->d_name[0] == '.')
			continue;
		sub = join(rel, *rel ? "/" : "", e->d_name);
		j.src = join(site, "/", sub);
		if (stat(j.src, &st) == -1) {
			fprintf(stderr, "floor: %s: %s\n", j.src,
			    strerror(errno));
			exit(1);
		}
		if (S_ISDIR(st.st_mode)) {
			walk(site, out, sub);
			free(j.src);
			free(sub);
			continue;
		}
		if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0) {
			free(j.src);
			free(sub);
			continue;
		}
		sub[strlen(sub) - 3] = '\0';
		if (strcmp(e->d_name, "_index.md") == 0) {
			j.dir = NULL;
			j.out = join(odir, "/", "index.html");
		} else {
			j.dir = join(out, "/", sub);
			j.out = join(j.dir, "/", "index.html");
		}
		{
			/* The output's name as SIZES gives it. */
			char *o = strcmp(e->d_name, "_index.md") == 0 ?
			    join(rel, *rel ? "/" : "", "index.html") :
			    join(sub, "/", "index.html");

			j.size = size_of(o);
			free(o);
		}
		if (njobs == capjobs) {
			capjobs = capjobs ? capjobs * 2 : 1024;
			jobs = xrealloc(jobs, capjobs * sizeof(*jobs));
		}
		jobs[njobs++] = j;
		free(sub);
	}
	closedir(d);
	free(dir);
	free(odir);
}

static int
read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	ssize_t n;
	int fd;

	b->len = 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
write_file(const char *path, const struct buf *b)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	while (off < b->len) {
		if ((n = write(fd, b->p + off, b->len - off)) < 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return close(fd);
}

/* Parse the front matter into a libyaml document; return the body. */
static const char *
front_matter(const struct job *j, const struct buf *src, size_t *len)
{
	const char *p = src->p, *end;
	yaml_parser_t parser;
	yaml_document_t doc;

	*len = src->len;
	if (strncmp(p, "---\n", 4) != 0)
		return p;
	if ((end = strstr(p + 4, "\n---\n")) == NULL)
		return p;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)p + 4,
	    (size_t)(end + 1 - (p + 4)));
	if (!yaml_parser_load(&parser, &doc) ||
	    yaml_document_get_root_node(&doc) == NULL) {
		fprintf(stderr, "floor: %s: bad front matter\n", j->src);
		atomic_store(&failed, 1);
	} else
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	end += 5;
	*len = src->len - (size_t)(end - p);
	return end;
}

static void *
worker(void *arg)
{
	struct buf src = { 0 }, html = { 0 };
	size_t i, len;
	const char *body;

	(void)arg;
	while ((i = atomic_fetch_add(&next_job, 1)) < njobs) {
		const struct job *j = &jobs[i];

		if (read_file(j->src, &src) == -1) {
			fprintf(stderr, "floor: %s: %s\n", j->src,
			    strerror(errno));
			atomic_store(&failed, 1);
			continue;
		}
		body = front_matter(j, &src, &len);
		html.len = 0;
		if (md_html(body, (MD_SIZE)len, md_out, &html, MD_FLAGS, 0)) {
			fprintf(stderr, "floor: %s: cannot render\n", j->src);
			atomic_store(&failed, 1);
			continue;
		}
		while (html.len < j->size) {
			static const char fill[64] =
			    "                                                               \n";
			size_t k = j->size - html.len;

			buf_add(&html, fill, k < sizeof(fill) ? k : sizeof(fill));
		}
		if ((j->dir != NULL && mkdir(j->dir, 0755) == -1) ||
		    write_file(j->out, &html) == -1) {
			fprintf(stderr, "floor: %s: %s\n", j->out,
			    strerror(errno));
			atomic_store(&failed, 1);
		}
	}
	free(src.p);
	free(html.p);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t t[NTHREADS];
	size_t i;

	if (argc != 3 && argc != 4) {
		fputs("usage: floor SITE_DIR OUT_DIR [SIZES]\n", stderr);
		return 2;
	}
	if (argc == 4)
		read_sizes(argv[3]);
	walk(argv[1], argv[2], "");
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0) {
			fputs("floor: cannot start a thread\n", stderr);
			return 1;
		}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < njobs; i++) {
		free(jobs[i].src);
		free(jobs[i].out);
		free(jobs[i].dir);
	}
	free(jobs);
	for (i = 0; i < nsizes; i++)
		free(sizes[i].path);
	free(sizes);
	if (!failed)
		fprintf(stderr, "floor: %zu pages\n", njobs);
	return failed ? 1 : 0;
}
