/*
 * mimalloc, gen's malloc (Makefile, GEN_ALLOC), told before main() to
 * ask the kernel for its memory in huge pages (2 MiB, where the kernel
 * gives them on request).  A one-page rebuild of 10,000 pages touches
 * some 30 MB of it: in 4 KiB pages that is thousands of page faults, at
 * 2 us each on this project's machines, and as many pages to free when
 * gen exits; a huge page is filled in at a fifth of that cost per byte.
 * Only in gen's own build: the sanitizer builds bring their own malloc.
 */
#include <mimalloc.h>

__attribute__((constructor)) static void
alloc_options(void)
{
	mi_option_set(mi_option_large_os_pages, 1);
}
