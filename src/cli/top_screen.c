/* atoll top on a terminal: an ncurses screen redrawn every -d seconds,
 * as xentop's.  Keys: q quits; c, m, i, n sort by CPU, memory held, I/O,
 * name (the same key again reverses); d goes back to id order.  A key
 * redraws at once. */
#define _GNU_SOURCE /* open_memstream */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/ctl.h"
#include "cli/top.h"

static const char *const sort_names[] = { "id", "CPU", "memory", "I/O",
					  "name" };

/* Draw text (a frame) and the key line. */
static void screen_draw(const struct top *t, const char *text)
{
	erase();
	mvaddstr(0, 0, text);
	attron(A_REVERSE);
	mvprintw(LINES - 1, 0,
		 " q quit  c CPU  m memory  i I/O  n name  d id   sorted by "
		 "%s%s ",
		 sort_names[t->sort], t->reverse ? " (reversed)" : "");
	attroff(A_REVERSE);
	refresh();
}

/* A key: 1 to quit, 0 otherwise (the sort changed or not). */
static int screen_key(struct top *t, int ch)
{
	enum top_sort k;

	switch (ch) {
	case 'q':
	case 'Q': return 1;
	case 'c': k = TOP_SORT_CPU; break;
	case 'm': k = TOP_SORT_MEM; break;
	case 'i': k = TOP_SORT_IO; break;
	case 'n': k = TOP_SORT_NAME; break;
	case 'd': k = TOP_SORT_ID; break;
	default: return 0;
	}
	t->reverse = t->sort == k ? !t->reverse : false;
	t->sort = k;
	return 0;
}

/* One frame as text; the caller frees it. */
static char *screen_frame(struct top *t, const cJSON *reply)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	top_frame(t, reply, f);
	fclose(f);
	return text;
}

int top_screen(struct top *t, cJSON *req)
{
	unsigned long shown = 0;
	cJSON *reply = NULL;
	char *text = NULL, *line;
	int r = 0, ch;

	/* The first frame before the screen: a refusal stays one line. */
	r = ctl_call(t->socket, req, &reply, &line);
	if (r)
		return r;
	free(line);
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout((int)(t->delay * 1000));
	for (;;) {
		free(text);
		text = screen_frame(t, reply);
		screen_draw(t, text ? text : "out of memory\n");
		shown++;
		if (t->frames && shown >= t->frames)
			break;
		ch = getch();
		/* A key redraws at once (rates over the shorter time). */
		if (ch != ERR && screen_key(t, ch))
			break;
		cJSON_Delete(reply);
		reply = NULL;
		if (ctl_call(t->socket, req, &reply, &line))
			break; /* atoll went away: the view ends */
		free(line);
	}
	endwin();
	free(text);
	cJSON_Delete(reply);
	return 0;
}
