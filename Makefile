# Kakehashi: toolkit for Japanese public-sector portals.
#
#   make          build everything (build/gen)
#   make deps     install the Debian and npm packages the project needs
#   make check    every test: unit (plain and ASan+UBSan), spec, integration,
#                 HTML validator, browser (axe-core); ends "N passed, N failed"
#   make run      build, generate content/center, serve it with nginx
#   make stop     stop what `make run` started
#   make fuzz     run each libFuzzer target for FUZZ_SECONDS
#   make install  install gen and the default theme under PREFIX
#
# Local overrides (CC, PREFIX, ...) go in Makefile.local.
-include Makefile.local

CC	?= cc
CLANG	?= clang
PREFIX	?= /usr/local
SITE	?= center
PORT	?= 8443
HTTP_PORT ?= 8080
FUZZ_SECONDS ?= 60

PKGS	 = md4c yaml-0.1 jansson libzip libcurl sqlite3 libargon2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfcgi -lmbedcrypto -lpthread
# gen loads libcurl itself when it checks external links (gen/check.c),
# and libzip when it makes a ZIP (gen/archive.c): linked, they would cost
# every run of gen the loading of thirty libraries, libcrypto among them.
GEN_LIBS   = $(filter-out -lcurl -lzip,$(PKG_LIBS)) -ldl
# gen's own build (not the sanitizer builds, which bring their own) takes
# malloc from mimalloc: a full build makes and frees millions of small
# blocks on every core (YAML nodes, template and Markdown buffers, strings),
# and glibc's allocator spent an eighth of its time on them.  It keeps
# its default 4 KiB pages: on a VM whose host takes back free memory, huge
# pages new to the host cost more to fill in than they save in faults.
GEN_ALLOC  = -Wl,--push-state,--no-as-needed -lmimalloc -Wl,--pop-state

WARN	 = -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS	?= -O2 -g
# gen is linked with link-time optimisation, which inlines the small
# helpers of lib/ (buffers, values, maps, hashes) into gen's loops across
# files: a full build of the benchmark's 10,000 pages takes 2 to 4% less
# time.
# The objects are fat (their machine code as well), so the FastCGI
# programs and the tests link them as before, without the longer link.
LTO	?= -flto=auto -ffat-lto-objects
INCS	 = -iquote lib -iquote gen -iquote cgi/core
ALL_CFLAGS = $(WARN) $(HARDEN) $(CFLAGS) $(INCS) $(PKG_CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS = $(WARN) -O1 -g $(SAN_FLAGS) $(INCS) $(PKG_CFLAGS)

LIB_SRC	 = $(wildcard lib/*.c)
GEN_SRC	 = $(filter-out gen/main.c,$(wildcard gen/*.c))
CGI_SRC	 = $(wildcard cgi/core/*.c)
# One FastCGI program per folder cgi/<name>/ but core: build/cgi/<name>.
PROGS	 = $(filter-out core,$(patsubst cgi/%/,%,$(wildcard cgi/*/)))
PROG_BINS = $(PROGS:%=$(B)/cgi/%)
TEST_SRC = $(wildcard tests/unit/test_*.c)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
HDRS	 = $(wildcard lib/*.h gen/*.h cgi/*/*.h tests/unit/*.h)

B	 = build
LIB_OBJ	 = $(LIB_SRC:%.c=$(B)/obj/%.o)
GEN_OBJ	 = $(GEN_SRC:%.c=$(B)/obj/%.o)
CGI_OBJ	 = $(CGI_SRC:%.c=$(B)/obj/%.o)
LIB_SOBJ = $(LIB_SRC:%.c=$(B)/san/%.o)
GEN_SOBJ = $(GEN_SRC:%.c=$(B)/san/%.o)
CGI_SOBJ = $(CGI_SRC:%.c=$(B)/san/%.o)
TESTS	 = $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
STESTS	 = $(TEST_SRC:tests/unit/%.c=$(B)/tests-san/%)
FUZZERS	 = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

DEPS_STAMP = $(B)/.deps-stamp

.PHONY: all deps check test unit run stop fuzz fuzz-build install clean sanitize bench
.DELETE_ON_ERROR:
# Objects of the programs are made through a pattern: keep them.
PROG_SRC = $(wildcard $(PROGS:%=cgi/%/*.c))
.SECONDARY: $(PROG_SRC:%.c=$(B)/obj/%.o) $(PROG_SRC:%.c=$(B)/san/%.o)

all: $(B)/gen $(B)/libcgicore.a $(PROG_BINS)

# Packages: the stamp is remade when the list of packages changes, or when
# it is missing (a fresh checkout or machine); the script itself checks
# what is installed and only installs what is not.
deps:
	@./scripts/deps.sh
	@mkdir -p $(B) && touch $(DEPS_STAMP)

$(DEPS_STAMP): scripts/deps.sh tests/package.json tests/package-lock.json
	@./scripts/deps.sh
	@mkdir -p $(B) && touch $@

$(B)/obj/%.o: %.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LTO) -c -o $@ $<

$(B)/san/%.o: %.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -c -o $@ $<

$(B)/libkk.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/libgen.a: $(GEN_OBJ)
	rm -f $@ && ar rcs $@ $^

# cgi/core: what every FastCGI program shares (request parsing, ...).
$(B)/libcgicore.a: $(CGI_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libcgicore.a: $(CGI_SOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libkk.a: $(LIB_SOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/san/libgen.a: $(GEN_SOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/gen: $(B)/obj/gen/main.o $(B)/libgen.a $(B)/libkk.a
	$(CC) $(ALL_CFLAGS) $(LTO) $(ALL_LDFLAGS) -o $@ $^ $(GEN_ALLOC) $(GEN_LIBS)

# A program is every .c of its folder, with cgi/core and lib.
.SECONDEXPANSION:
$(B)/cgi/%: $$(addprefix $(B)/obj/,$$(subst .c,.o,$$(wildcard cgi/$$*/*.c))) $(B)/libcgicore.a $(B)/libkk.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/cgi-san/%: $$(addprefix $(B)/san/,$$(subst .c,.o,$$(wildcard cgi/$$*/*.c))) $(B)/san/libcgicore.a $(B)/san/libkk.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/gen-san: $(B)/san/gen/main.o $(B)/san/libgen.a $(B)/san/libkk.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(GEN_LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libcgicore.a $(B)/libgen.a $(B)/libkk.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -iquote tests/unit -o $@ $< \
	    $(B)/libcgicore.a $(B)/libgen.a $(B)/libkk.a $(PKG_LIBS)

$(B)/tests-san/%: tests/unit/%.c $(B)/san/libcgicore.a $(B)/san/libgen.a $(B)/san/libkk.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -iquote tests/unit -o $@ $< \
	    $(B)/san/libcgicore.a $(B)/san/libgen.a $(B)/san/libkk.a $(PKG_LIBS)

# libFuzzer targets, built with clang from the sources (not the archives)
# so that coverage instrumentation reaches the code under test.
$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(GEN_SRC) $(CGI_SRC) $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	    $(INCS) $(PKG_CFLAGS) -o $@ $< $(LIB_SRC) $(GEN_SRC) $(CGI_SRC) $(PKG_LIBS)

# ThreadSanitizer: gen renders on several threads.
$(B)/gen-tsan: gen/main.c $(LIB_SRC) $(GEN_SRC) $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=thread \
	    -iquote lib -iquote gen $(PKG_CFLAGS) -o $@ gen/main.c $(LIB_SRC) $(GEN_SRC) $(GEN_LIBS)

sanitize: $(B)/gen-san $(B)/gen-tsan $(STESTS) $(PROGS:%=$(B)/cgi-san/%)

fuzz-build: $(FUZZERS)

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	    n=$$(basename $$f); mkdir -p $(B)/fuzz-corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        $(B)/fuzz-corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

unit: $(TESTS) $(STESTS)

check: all sanitize $(TESTS) $(FUZZERS)
	@./tests/run.sh

# gen against Hugo and the floor; BENCH_PAGES, BENCH_RUNS, BENCH_ONE_RUNS
# (scripts/bench.sh).
bench: all
	@CC="$(CC)" BENCH_CFLAGS="$(WARN) $(HARDEN) $(CFLAGS)" \
	    BENCH_LDFLAGS="$(ALL_LDFLAGS)" ./scripts/bench.sh

run: all
	@HTTP_PORT=$(HTTP_PORT) ./scripts/run.sh $(SITE) $(PORT)

stop:
	@./scripts/stop.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kakehashi
	install -m 755 $(B)/gen $(DESTDIR)$(PREFIX)/bin/gen
	install -d $(DESTDIR)$(PREFIX)/lib/kakehashi
	install -m 755 $(PROG_BINS) $(DESTDIR)$(PREFIX)/lib/kakehashi/
	cp -R schema $(DESTDIR)$(PREFIX)/share/kakehashi/
	cp -R themes $(DESTDIR)$(PREFIX)/share/kakehashi/

clean:
	rm -rf $(B) public
