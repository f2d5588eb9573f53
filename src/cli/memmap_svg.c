/* The picture of machine memory as hand-written SVG (docs/working-set.md):
 * on the left every machine frame as a cell, coloured by owner (a colour
 * per domain) and state; on the right each domain's contiguous
 * guest-physical memory, cell by cell, where ballooned and swapped pages
 * (which have no frame) show too.  Views larger than their grid put
 * several frames in a cell, coloured by the run that covers most of it.
 * Every rect carries data-state, data-owner and data-n (frames it covers),
 * so a test can count the picture. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/memmap_svg.h"
#include "lib/log.h"

#define SVG_CELL 3 /* px */
#define SVG_MCOLS 256 /* machine view: at most 256 x 256 cells */
#define SVG_GCOLS 128 /* a guest view: at most 128 x 128 cells */
#define SVG_MAX_STATES 16

/* A colour per domain for its private frames (the live page's, in the
 * same order); per state for the rest (red and gold are no domain's). */
static const char *const dom_colours[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
	"#8c564b", "#e377c2", "#17becf", "#bcbd22",
};
static const struct {
	const char *state, *colour;
} state_colours[] = {
	{ "free", "#eeeeee" },	      { "shared", "#ffd700" },
	{ "ballooned", "#aec7e8" },   { "swapped", "#d62728" },
	{ "unpopulated", "#ffffff" }, { "busy", "#444444" },
};

struct svg_view {
	const cJSON *runs; /* [[owner, state, count]] or [[state, count]] */
	bool owner;
	uint64_t n; /* frames in the view */
	unsigned cols; /* cells per row, most */
	const cJSON *states;
	const cJSON *domains; /* for colours */
	double self; /* a guest view: its domain's id (owner of its cells) */
};

static double jnum(const cJSON *o, const char *k)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Index of domain id in the map's list (its colour), or 0. */
static unsigned dom_index(const cJSON *domains, double id)
{
	unsigned i = 0;
	const cJSON *d;

	cJSON_ArrayForEach(d, domains)
	{
		if (jnum(d, "id") == id)
			return i;
		i++;
	}
	return 0;
}

static const char *cell_colour(const struct svg_view *v, const char *state,
			       double owner)
{
	if (!strcmp(state, "private"))
		return dom_colours[dom_index(v->domains, owner) %
				   (sizeof(dom_colours) /
				    sizeof(dom_colours[0]))];
	for (size_t i = 0; i < sizeof(state_colours) / sizeof(state_colours[0]);
	     i++)
		if (!strcmp(state, state_colours[i].state))
			return state_colours[i].colour;
	return "#000000";
}

/* A cell's dominant run: the one covering most of it. */
struct svg_cell {
	uint64_t best, n;
	int state;
	double owner;
};

static void svg_rect(FILE *f, const struct svg_view *v, int x0, int y0,
		     unsigned col, unsigned row, unsigned len,
		     const struct svg_cell *c, uint64_t frames)
{
	const char *st =
		cJSON_GetStringValue(cJSON_GetArrayItem(v->states, c->state));

	st = st ? st : "?";
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"%u\" height=\"%d\" "
		"fill=\"%s\" data-state=\"%s\" data-owner=\"%.0f\" "
		"data-n=\"%llu\"/>\n",
		x0 + (int)col * SVG_CELL, y0 + (int)row * SVG_CELL,
		len * SVG_CELL, SVG_CELL, cell_colour(v, st, c->owner), st,
		c->owner, (unsigned long long)frames);
}

/* Draw the view's cells from (x0, y0); rects merge equal neighbours in a
 * row.  Returns the height drawn. */
static int svg_view(FILE *f, const struct svg_view *v, int x0, int y0)
{
	uint64_t per = (v->n + (uint64_t)v->cols * v->cols - 1) /
		       ((uint64_t)v->cols * v->cols);
	uint64_t ncells, pos = 0, cell = 0, seg_frames = 0;
	struct svg_cell cur = { 0 }, seg = { 0 };
	unsigned seg_start = 0, seg_len = 0;
	const cJSON *r;

	per = per ? per : 1;
	ncells = (v->n + per - 1) / per;
	/* Walk runs, closing a cell each time its frames are all seen. */
	cJSON_ArrayForEach(r, v->runs)
	{
		int k = v->owner ? 1 : 0;
		double owner =
			v->owner
				? cJSON_GetNumberValue(cJSON_GetArrayItem(r, 0))
				: v->self;
		int state = (int)cJSON_GetNumberValue(cJSON_GetArrayItem(r, k));
		uint64_t left = (uint64_t)cJSON_GetNumberValue(
			cJSON_GetArrayItem(r, k + 1));

		while (left && cell < ncells) {
			uint64_t end = (cell + 1) * per < v->n
					       ? (cell + 1) * per
					       : v->n;
			uint64_t take = end - pos < left ? end - pos : left;

			if (take > cur.best) {
				cur.best = take;
				cur.state = state;
				cur.owner = owner;
			}
			cur.n += take;
			pos += take;
			left -= take;
			if (pos < end)
				continue;
			/* The cell is complete: extend or flush the row's
			 * segment. */
			if (seg_len &&
			    (cur.state != seg.state || cur.owner != seg.owner ||
			     cell % v->cols == 0)) {
				svg_rect(f, v, x0, y0,
					 (unsigned)(seg_start % v->cols),
					 (unsigned)(seg_start / v->cols),
					 seg_len, &seg, seg_frames);
				seg_len = 0;
			}
			if (!seg_len) {
				seg = cur;
				seg_start = (unsigned)cell;
				seg_frames = 0;
			}
			seg_len++;
			seg_frames += cur.n;
			cur = (struct svg_cell){ 0 };
			cell++;
		}
	}
	if (seg_len)
		svg_rect(f, v, x0, y0, seg_start % v->cols, seg_start / v->cols,
			 seg_len, &seg, seg_frames);
	return (int)((ncells + v->cols - 1) / v->cols) * SVG_CELL;
}

/* s with &, <, >, " escaped (names come from a config file). */
static void svg_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void svg_legend(FILE *f, const cJSON *map, int x, int y)
{
	const cJSON *d;
	unsigned i = 0;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(map, "domains"))
	{
		const char *name = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(d, "name"));

		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
			"fill=\"%s\"/><text x=\"%d\" y=\"%d\">",
			x, y, dom_colours[i++ % 8], x + 14, y + 9);
		svg_text(f, name ? name : "?");
		fputs(" (private)</text>\n", f);
		y += 14;
	}
	for (size_t k = 0; k < sizeof(state_colours) / sizeof(state_colours[0]);
	     k++) {
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
			"fill=\"%s\" stroke=\"#999\"/><text x=\"%d\" "
			"y=\"%d\">%s</text>\n",
			x, y, state_colours[k].colour, x + 14, y + 9,
			state_colours[k].state);
		y += 14;
	}
}

/* The views, into f; *w and *h get the size used. */
static void svg_body(FILE *f, const cJSON *map, int *w, int *h)
{
	const cJSON *doms = cJSON_GetObjectItemCaseSensitive(map, "domains");
	const cJSON *states = cJSON_GetObjectItemCaseSensitive(map, "states");
	struct svg_view mv = {
		cJSON_GetObjectItemCaseSensitive(map, "machine"),
		true,
		(uint64_t)jnum(map, "frames"),
		SVG_MCOLS,
		states,
		doms,
		0,
	};
	int gx = 10 + SVG_MCOLS * SVG_CELL + 30, gy = 30, mh;
	const cJSON *d;

	fprintf(f,
		"<text x=\"10\" y=\"20\" font-size=\"13\">machine memory: "
		"%.0f frames of %.0f KiB</text>\n<g class=\"machine\">\n",
		jnum(map, "frames"), jnum(map, "frame_size") / 1024);
	mh = svg_view(f, &mv, 10, 30);
	fputs("</g>\n", f);
	cJSON_ArrayForEach(d, doms)
	{
		struct svg_view gv = {
			cJSON_GetObjectItemCaseSensitive(d, "runs"),
			false,
			(uint64_t)jnum(d, "nr"),
			SVG_GCOLS,
			states,
			doms,
			jnum(d, "id"),
		};
		double base = jnum(d, "base_gfn");

		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\">", gx,
			gy + 10);
		svg_text(f,
			 cJSON_GetStringValue(
				 cJSON_GetObjectItemCaseSensitive(d, "name")));
		fprintf(f,
			": guest-physical 0x%llx-0x%llx</text>\n<g "
			"class=\"guest\" data-domain=\"%.0f\">\n",
			(unsigned long long)base << 12,
			((unsigned long long)(base + jnum(d, "nr")) << 12) - 1,
			jnum(d, "id"));
		gy += 16 + svg_view(f, &gv, gx, gy + 16) + 14;
		fputs("</g>\n", f);
	}
	svg_legend(f, map, gx + SVG_GCOLS * SVG_CELL + 30, 30);
	*w = gx + SVG_GCOLS * SVG_CELL + 160;
	*h = (30 + mh > gy ? 30 + mh : gy) + 20;
	if (*h < 30 + 14 * 16)
		*h = 30 + 14 * 16;
}

int memmap_svg(FILE *f, const cJSON *map)
{
	char *body = NULL;
	size_t len = 0;
	FILE *b;
	int w = 0, h = 0;

	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(map, "machine")) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(map, "domains")))
		return -EINVAL;
	b = open_memstream(&body, &len);
	if (!b)
		return -ENOMEM;
	svg_body(b, map, &w, &h);
	if (fclose(b) || !body) {
		free(body);
		return -ENOMEM;
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"sans-serif\" font-size=\"11\">\n<title>atoll: "
		"machine memory by owner and state</title>\n<rect "
		"width=\"100%%\" height=\"100%%\" fill=\"#fafafa\"/>\n",
		w, h, w, h);
	fwrite(body, 1, len, f);
	fputs("</svg>\n", f);
	free(body);
	return ferror(f) ? -EIO : 0;
}

int memmap_svg_file(const char *path, const cJSON *map)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	FILE *f = NULL;
	int fd, err;

	if (!tmp)
		return -ENOMEM;
	/* A fresh file of our own (O_EXCL), renamed over path when whole:
	 * never written through a link someone left at a fixed name. */
	snprintf(tmp, n, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd >= 0 && (fchmod(fd, 0644) || !(f = fdopen(fd, "w")))) {
		close(fd);
		unlink(tmp);
		fd = -1;
	}
	if (fd < 0) {
		err = -errno;
		log_error("--map %s: %s", path, strerror(-err));
		free(tmp);
		return err;
	}
	err = memmap_svg(f, map);
	if (fclose(f) && !err)
		err = -EIO;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		log_error("--map %s: %s", path,
			  err == -EINVAL ? "not a memory map" : strerror(-err));
		unlink(tmp);
	}
	free(tmp);
	return err;
}
