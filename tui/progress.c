/* tui/progress.c - loading progress on stderr before the screen is up. */
#include "tui.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void kdl_tui_progress(void *arg, const char *phase, size_t done, size_t total)
{
	static struct timespec last;
	static char last_phase[32];
	(void)arg;
	if (!isatty(STDERR_FILENO))
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000;
	bool new_phase = strncmp(phase, last_phase, sizeof(last_phase) - 1) != 0;
	/* Redraw at most 20 times a second, and on every new phase or the end. */
	if (!new_phase && ms < 50 && !(total && done == total))
		return;
	last = now;
	snprintf(last_phase, sizeof(last_phase), "%s", phase);
	char bar[64] = "";
	if (total) {
		int w = 24, fill = done >= total ? w : (int)((size_t)w * done / total);
		int o = 0;
		for (int i = 0; i < w; i++)
			o += snprintf(bar + o, sizeof(bar) - (size_t)o, "%c", i < fill ? '#' : '.');
		fprintf(stderr, "\r\033[Kkdlview: %-8s [%s] %zu/%zu", phase, bar, done, total);
	} else {
		fprintf(stderr, "\r\033[Kkdlview: %s...", phase);
	}
	fflush(stderr);
}

void kdl_tui_progress_done(void)
{
	if (isatty(STDERR_FILENO)) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}
