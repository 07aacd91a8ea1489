/*
 * measure: runs a command and reports its wall time, CPU time and peak
 * memory.
 *
 *   measure [-o FILE] [-l LOG] -- COMMAND [ARG...]
 *
 * Prints one line "WALL_SECONDS CPU_SECONDS PEAK_RSS_KB STATUS" to FILE
 * (default: standard output).  The command's standard output and error go
 * to LOG when given.  CPU_SECONDS is the command's user plus system time,
 * which a busy machine inflates less than the wall time.  The peak RSS is
 * the command's own ru_maxrss from wait4(2), so that this program's own
 * memory is not counted; STATUS is the command's exit status, or 128 + the
 * signal that killed it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	const char *outfile = NULL, *log = NULL;
	struct rusage ru;
	double t0, t1;
	int c, status, code;
	pid_t pid;
	FILE *out = stdout;

	while ((c = getopt(argc, argv, "o:l:")) != -1) {
		switch (c) {
		case 'o':
			outfile = optarg;
			break;
		case 'l':
			log = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;

	t0 = now();
	if ((pid = fork()) == -1) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		if (log != NULL) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (fd == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1) {
				perror("measure: log");
				_exit(127);
			}
			close(fd);
		}
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "measure: %s: %s\n", argv[optind],
		    strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("measure: wait4");
			return 1;
		}
	t1 = now();
	code = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);

	if (outfile != NULL && (out = fopen(outfile, "w")) == NULL) {
		fprintf(stderr, "measure: %s: %s\n", outfile, strerror(errno));
		return 1;
	}
	fprintf(out, "%.4f %.4f %ld %d\n", t1 - t0,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	    ru.ru_maxrss, code);
	if (out != stdout)
		fclose(out);
	return 0;
usage:
	fputs("usage: measure [-o FILE] [-l LOG] -- COMMAND [ARG...]\n",
	    stderr);
	return 2;
}
