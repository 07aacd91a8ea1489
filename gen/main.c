/*
 * gen: the static-site generator of Kakehashi.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive.h"
#include "buf.h"
#include "build.h"
#include "check.h"
#include "new.h"
#include "watch.h"


static const char usage_main[] =
"usage: gen <command> [options]\n"
"\n"
"Turns a content folder (site.yaml, Markdown pages with YAML front matter,\n"
"data/*.yaml, files) into a static HTML site with every link relative.\n"
"\n"
"commands:\n"
"  build [SITE_DIR]   build the site into public/<site> (or -o OUT)\n"
"  zip [SITE_DIR]     package the built site as public/<site>.zip\n"
"  check [SITE_DIR]   report broken links, missing alt text and the like\n"
"  new SECTION/NAME   start a page from its section's archetype\n"
"  watch [SITE_DIR]   build, then rebuild on every change (pages reload)\n"
"\n"
"options:\n"
"  -h, --help         show this help, or a command's with gen <command> --help\n"
"  -V, --version      show the version\n";

static const char usage_build[] =
"usage: gen build [SITE_DIR] [-o OUT] [--drafts] [--theme-dir DIR] [-j N] [-q]\n"
"\n"
"Builds the site in SITE_DIR (default: the current folder, which must hold\n"
"site.yaml) into OUT (default: public/<name of SITE_DIR>).  The new tree is\n"
"written beside OUT and put in its place only when the whole build\n"
"succeeded: on any error the previous output is left as it was, and every\n"
"problem is reported as FILE:LINE: message.\n"
"\n"
"options:\n"
"  -o, --output OUT     where to write the site\n"
"  -d, --drafts         include pages marked 'draft: true'\n"
"  -t, --theme-dir DIR  folder holding themes (default: SITE_DIR/themes,\n"
"                       then ../../themes from SITE_DIR, then the installed\n"
"                       themes; KAKEHASHI_THEMES also names one)\n"
"  -j, --jobs N         render on N threads (default: one per core)\n"
"  -q, --quiet          print nothing but errors\n"
"  -h, --help           show this help\n"
"\n"
"A build into a folder an earlier build made rewrites only the files whose\n"
"bytes changed and removes those the site no longer makes; it ends with a\n"
"line saying how many files it wrote, left unchanged and removed.\n"
"\n"
"Pages whose 'expires' date has passed leave lists, the feed, the sitemap\n"
"and the search index (their pages stay); the date is today's in Japan, or\n"
"the day of SOURCE_DATE_EPOCH when it is set.\n";

static const char usage_watch[] =
"usage: gen watch [SITE_DIR] [-o OUT] [--drafts] [--theme-dir DIR] [-j N]\n"
"\n"
"Builds the site as gen build does, then watches SITE_DIR and its theme\n"
"folder and rebuilds whenever a file changes, printing which files it\n"
"wrote and how long it took; an output removed by hand is built again.\n"
"Every page gets a small script (live-reload.js) that reloads it in the\n"
"browser after a rebuild when the site is served over HTTP (make run\n"
"does that); build with gen build before handing the site over.  Runs\n"
"until stopped (Ctrl-C).\n"
"\n"
"options: as for gen build (gen build --help)\n";

static const char usage_new[] =
"usage: gen new [-s SITE_DIR] SECTION/NAME [-q]\n"
"\n"
"Writes SITE_DIR/SECTION/NAME.md (default SITE_DIR: the current folder) from\n"
"the archetype SITE_DIR/archetypes/SECTION.md (SECTION's first folder), or\n"
"archetypes/default.md, or a built-in one: a Mustache template given\n"
"{{title}} (NAME), {{date}} (today in Japan, YYYY-MM-DD), {{section}} and\n"
"{{name}}.  Never writes over a page that exists; prints the new file's path.\n"
"\n"
"options:\n"
"  -s, --site DIR   the site folder (holding site.yaml)\n"
"  -q, --quiet      print nothing but errors\n"
"  -h, --help       show this help\n";

static const char usage_check[] =
"usage: gen check [SITE_DIR] [--drafts] [--theme-dir DIR] [--external]\n"
"                 [--jobs-external N] [--timeout S]\n"
"\n"
"Reports everything a build of SITE_DIR (default: the current folder) can\n"
"warn about, all in one run, as FILE:LINE: KIND: message sorted by file and\n"
"line, then a summary line.  Writes nothing.  KIND is one of:\n"
"  error          what stops gen build (front matter, site.yaml, layouts)\n"
"  link           a link to no page or file\n"
"  anchor         a link to #id where that page has no such id\n"
"  alt            an image without alt text\n"
"  heading        a heading level skipped (## then ####), or # in the body\n"
"  link-text      a link without text\n"
"  duplicate-id   an id given twice on a page (raw HTML, {#id}, the theme's)\n"
"  outside-asset  a script, style, font or image loaded from outside the site\n"
"  description    a page without 'description' in its front matter\n"
"  external       (--external) an outside link that fails or answers >= 400\n"
"Exits 0 when nothing was found, 1 when anything was, 2 on a usage error.\n"
"\n"
"options:\n"
"  -d, --drafts           check pages marked 'draft: true' too\n"
"  -t, --theme-dir DIR    folder holding themes (as for gen build)\n"
"  -e, --external         also request every outside http(s) link, once per\n"
"                         address: HEAD, then GET if HEAD fails or is refused;\n"
"                         a 429 asked again once, after its Retry-After if\n"
"                         that is at most 30 s; redirects followed (up to\n"
"                         5); proxies from the usual environment variables\n"
"                         (https_proxy, no_proxy)\n"
"      --jobs-external N  requests at once (default 8, at most 64)\n"
"      --timeout S        seconds each request may take (default 10, at most\n"
"                         300)\n"
"  -h, --help             show this help\n";

static const char usage_zip[] =
"usage: gen zip [SITE_DIR] [-i TREE] [-o FILE] [-q]\n"
"\n"
"Packages the built site as a ZIP that keeps the folder tree and works\n"
"when unpacked and opened from disk.  The same tree always gives the same\n"
"bytes.  Run gen build first.\n"
"\n"
"options:\n"
"  -i, --input TREE   the built tree (default: public/<name of SITE_DIR>)\n"
"  -o, --output FILE  the ZIP to write (default: TREE.zip)\n"
"  -q, --quiet        print nothing but errors\n"
"  -h, --help         show this help\n";

/* The site's name: the last component of its folder. */
static char *
site_name(const char *dir)
{
	char *real = realpath(dir, NULL), *slash, *name;

	if (real == NULL)
		return NULL;
	slash = strrchr(real, '/');
	name = xstrdup(slash && slash[1] ? slash + 1 : "site");
	free(real);
	return name;
}

static int
cmd_build(int argc, char *argv[], int watch)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "theme-dir", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts o;
	char *end;
	long n;
	char *name = NULL;
	struct buf out = BUF_INIT;
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "o:dt:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out_dir = optarg;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 256) {
				fprintf(stderr, "gen: --jobs '%s' must be a number "
				    "from 1 to 256\n", optarg);
				return 2;
			}
			o.jobs = (unsigned)n;
			break;
		case 'd':
			o.drafts = 1;
			break;
		case 't':
			o.theme_dir = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			fputs(watch ? usage_watch : usage_build, stdout);
			return 0;
		default:
			fputs(watch ? usage_watch : usage_build, stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fputs(watch ? usage_watch : usage_build, stderr);
		return 2;
	}
	o.site_dir = optind < argc ? argv[optind] : ".";
	if (o.out_dir == NULL) {
		if ((name = site_name(o.site_dir)) == NULL) {
			fprintf(stderr, "gen: %s: no such folder\n", o.site_dir);
			return 1;
		}
		buf_printf(&out, "public/%s", name);
		o.out_dir = out.ptr;
	}
	if (build_today(o.today) == -1)
		return 2;
	o.last = !watch;
	rc = watch ? watch_run(&o) : build_run(&o);
	free(name);
	buf_release(&out);
	return rc;
}

/* A number from 1 to max for option `name`, or 0 with a message. */
static unsigned
count_arg(const char *name, const char *arg, unsigned max)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || n < 1 || n > (long)max) {
		fprintf(stderr, "gen: %s '%s' must be a number from 1 to %u\n",
		    name, arg, max);
		return 0;
	}
	return (unsigned)n;
}

static int
cmd_check(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "drafts", no_argument, NULL, 'd' },
		{ "theme-dir", required_argument, NULL, 't' },
		{ "external", no_argument, NULL, 'e' },
		{ "jobs-external", required_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_opts o;
	char today[11];
	int c;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "dt:eh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.drafts = 1;
			break;
		case 't':
			o.theme_dir = optarg;
			break;
		case 'e':
			o.external = 1;
			break;
		case 'J':
			if ((o.jobs = count_arg("--jobs-external", optarg,
			    CHECK_MAX_JOBS)) == 0)
				return 2;
			break;
		case 'T':
			if ((o.timeout = count_arg("--timeout", optarg,
			    CHECK_MAX_TIMEOUT)) == 0)
				return 2;
			break;
		case 'h':
			fputs(usage_check, stdout);
			return 0;
		default:
			fputs(usage_check, stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fputs(usage_check, stderr);
		return 2;
	}
	o.site_dir = optind < argc ? argv[optind] : ".";
	if (build_today(today) == -1)
		return 2;
	o.today = today;
	return check_run(&o);
}

static int
cmd_zip(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tree = NULL, *zipfile = NULL, *dir;
	struct buf t = BUF_INIT, z = BUF_INIT;
	char *name = NULL;
	int c, quiet = 0, rc;

	while ((c = getopt_long(argc, argv, "i:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			tree = optarg;
			break;
		case 'o':
			zipfile = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(usage_zip, stdout);
			return 0;
		default:
			fputs(usage_zip, stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fputs(usage_zip, stderr);
		return 2;
	}
	dir = optind < argc ? argv[optind] : ".";
	if (tree == NULL) {
		if ((name = site_name(dir)) == NULL) {
			fprintf(stderr, "gen: %s: no such folder\n", dir);
			return 1;
		}
		buf_printf(&t, "public/%s", name);
		tree = t.ptr;
	}
	if (zipfile == NULL) {
		buf_printf(&z, "%s.zip", tree);
		while (z.len > 5 && z.ptr[z.len - 5] == '/') {
			/* "public/center/.zip" from a trailing slash */
			memmove(z.ptr + z.len - 5, z.ptr + z.len - 4, 5);
			z.len--;
		}
		zipfile = z.ptr;
	}
	rc = archive_zip(tree, zipfile, quiet);
	free(name);
	buf_release(&t);
	buf_release(&z);
	return rc;
}

static int
cmd_new(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *site = ".";
	char today[11];
	int c, quiet = 0;

	while ((c = getopt_long(argc, argv, "s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			site = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(usage_new, stdout);
			return 0;
		default:
			fputs(usage_new, stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(usage_new, stderr);
		return 2;
	}
	if (build_today(today) == -1)
		return 2;
	return new_page(site, argv[optind], today, quiet);
}

int
main(int argc, char *argv[])
{
	/* Before any thread: jansson's hash seed, fixed (object order is
	 * insertion order, so the seed never shows in the output). */
	json_object_seed(1);
	if (argc < 2) {
		fputs(usage_main, stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("gen (Kakehashi) %s\n", GEN_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "watch") == 0)
		return cmd_build(argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "zip") == 0)
		return cmd_zip(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "new") == 0)
		return cmd_new(argc - 1, argv + 1);
	fprintf(stderr, "gen: unknown command '%s'\n\n%s", argv[1], usage_main);
	return 2;
}
