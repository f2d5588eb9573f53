/* Progress lines for long client-side waits (progress.h).  On a terminal
 * one line is redrawn in place: it must never wrap (a wrapped line cannot
 * be redrawn with a carriage return), so it is cut to the terminal's
 * width. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"

#define PROGRESS_BAR_MIN 10
#define PROGRESS_BAR_MAX 30
#define PROGRESS_LINE_MAX 256

double progress_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void progress_start(struct progress *p, FILE *out, const char *what,
		    const char *unit, double from, double to)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = isatty(fileno(out));
	p->what = what;
	p->unit = unit;
	p->from = from;
	p->to = to;
	p->t0 = progress_now();
	p->t_line = -1;
}

double progress_elapsed(const struct progress *p)
{
	return progress_now() - p->t0;
}

/* How far cur is from `from` towards `to`, 0..1 (1 if they are equal). */
static double progress_fraction(const struct progress *p, double cur)
{
	double f;

	if (p->to == p->from)
		return 1;
	f = (cur - p->from) / (p->to - p->from);
	return f <= 0 ? 0 : f > 1 ? 1 : f; /* <=: no "-0 %" */
}

/* The terminal's width, or 80 if it does not say. */
static int progress_columns(const struct progress *p)
{
	struct winsize ws;

	if (ioctl(fileno(p->out), TIOCGWINSZ, &ws) || ws.ws_col < 20)
		return 80;
	return ws.ws_col;
}

/* "52.0 -> 40.0 MiB, 2.0 s, 3.1 MiB/s, NOTE": the part both forms share,
 * most important first (a terminal line may be cut); the rate is the
 * average since the start. */
static void progress_text(const struct progress *p, double cur,
			  const char *note, char *buf, size_t len)
{
	double t = progress_elapsed(p);
	double rate = t > 0 ? fabs(cur - p->from) / t : 0;

	snprintf(buf, len, "%.1f -> %.1f %s, %.1f s, %.1f %s/s%s%s", cur, p->to,
		 p->unit, t, rate, p->unit, note && *note ? ", " : "",
		 note ? note : "");
}

/* Redraw the terminal line: "WHAT [#####.....] TEXT", cut to fit. */
static void progress_draw(struct progress *p, double cur, const char *text)
{
	char line[2 * PROGRESS_LINE_MAX], bar[PROGRESS_BAR_MAX + 1];
	int cols = progress_columns(p), w, fill;

	w = cols - 6 - (int)strlen(p->what) - (int)strlen(text);
	w = w < PROGRESS_BAR_MIN   ? PROGRESS_BAR_MIN
	    : w > PROGRESS_BAR_MAX ? PROGRESS_BAR_MAX
				   : w;
	fill = (int)lround(progress_fraction(p, cur) * w);
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(w - fill));
	bar[w] = 0;
	snprintf(line, sizeof(line), "%s [%s] %s", p->what, bar, text);
	if ((int)strlen(line) >= cols)
		line[cols - 1] = 0;
	/* \033[K clears what a longer previous line left behind. */
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
	p->drawn = true;
}

void progress_show(struct progress *p, double cur, const char *note)
{
	char text[PROGRESS_LINE_MAX];
	double t = progress_elapsed(p);

	progress_text(p, cur, note, text, sizeof(text));
	if (p->tty) {
		progress_draw(p, cur, text);
		return;
	}
	if (p->t_line >= 0 && t - p->t_line < 1)
		return;
	p->t_line = t;
	fprintf(p->out, "%s %.0f%%: %s\n", p->what,
		100 * progress_fraction(p, cur), text);
	fflush(p->out);
}

void progress_end(struct progress *p, const char *line)
{
	if (p->drawn)
		fputs(line ? "\r\033[K" : "\n", p->out);
	p->drawn = false;
	if (line)
		fprintf(p->out, "%s\n", line);
	fflush(p->out);
}
