/* gen/path: normalising site paths and making relative links. */
#include "buf.h"
#include "path.h"
#include "test.h"

static const char *
norm(const char *p)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	if (path_normalize(&b, p, strlen(p)) == -1)
		return "(outside)";
	return b.ptr;
}

static const char *
relp(const char *from, const char *to)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	path_relative(&b, from, to);
	return b.ptr;
}

int
main(void)
{
	test_streq("plain path", norm("a/b.md"), "a/b.md");
	test_streq("dot segments dropped", norm("./a/./b.md"), "a/b.md");
	test_streq("dot-dot resolved", norm("a/b/../c.md"), "a/c.md");
	test_streq("trailing slash kept", norm("a/b/"), "a/b/");
	test_streq("double slashes folded", norm("a//b///c"), "a/b/c");
	test_streq("dot-dot to a folder", norm("a/b/.."), "a/");
	test_streq("dot-dot to the root", norm("a/.."), "");
	test_streq("empty stays empty", norm(""), "");
	test_streq("climbing out is refused", norm("../x"), "(outside)");
	test_streq("climbing out later is refused", norm("a/../../x"), "(outside)");

	test_streq("same folder names the file", relp("about/", "about/index.html"), "index.html");
	test_streq("root to a section", relp("", "about/index.html"), "about/index.html");
	test_streq("section to root", relp("about/", "index.html"), "../index.html");
	test_streq("sibling sections", relp("news/a/", "about/x/index.html"), "../../about/x/index.html");
	test_streq("common prefix by whole segments", relp("ab/", "abc/index.html"), "../abc/index.html");
	test_streq("a folder target names index.html", relp("a/", "b/"), "../b/index.html");
	test_streq("the root folder names index.html", relp("a/b/", ""), "../../index.html");
	test_streq("an asset", relp("a/", "a/img/x.svg"), "img/x.svg");

	test_cond("str_endswith yes", str_endswith("a.md", ".md"));
	test_cond("str_endswith no", !str_endswith("md", ".md"));
	return test_done();
}
