/* Kernels of the mixed workload, in the spirit of CoreMark (pointer
 * chasing, dense arithmetic, unpredictable branches, bit twiddling) but
 * written for atoll.  All arithmetic is unsigned, so results are defined
 * and identical on every host and guest. */
#include "mixed.h"

#define LIST_NODES 192
#define MAT_N 14
#define TEXT_LEN 384

struct node {
	struct node *next;
	uint32_t key;
	uint32_t val;
};

static struct node pool[LIST_NODES];
static uint32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N];
static uint32_t mat_c[MAT_N][MAT_N];
static char text[TEXT_LEN];

static uint32_t lcg_next(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* Merge two key-sorted lists. */
static struct node *list_merge(struct node *a, struct node *b)
{
	struct node head, *t = &head;

	while (a && b) {
		if (a->key <= b->key) {
			t->next = a;
			a = a->next;
		} else {
			t->next = b;
			b = b->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

/* Bottom-up merge sort of a list by key, without recursion. */
static struct node *list_sort(struct node *l)
{
	struct node *bins[24] = { 0 };
	unsigned i, top = 0;

	while (l) {
		struct node *one = l;
		l = l->next;
		one->next = 0;
		for (i = 0; i < 24 && bins[i]; i++) {
			one = list_merge(bins[i], one);
			bins[i] = 0;
		}
		if (i == 24)
			i = 23;
		bins[i] = one;
		if (i >= top)
			top = i + 1;
	}
	for (i = 0; i < top; i++)
		l = bins[i] ? list_merge(bins[i], l) : l;
	return l;
}

static struct node *list_reverse(struct node *l)
{
	struct node *r = 0;

	while (l) {
		struct node *n = l->next;
		l->next = r;
		r = l;
		l = n;
	}
	return r;
}

/* Build a list in a scrambled order, sort it, search it, unlink every
 * node whose key has a given low bit pattern, reverse it, and digest the
 * walk. */
static uint32_t kern_list(uint32_t seed)
{
	struct node *l = 0, **pp;
	uint32_t s = seed, sum = 0, i;

	for (i = 0; i < LIST_NODES; i++) {
		struct node *n = &pool[(i * 67u) % LIST_NODES];
		n->key = lcg_next(&s) & 0xffff;
		n->val = i;
		n->next = l;
		l = n;
	}
	l = list_sort(l);
	for (i = 0; i < 16; i++) {
		uint32_t want = lcg_next(&s) & 0xffff;
		struct node *n = l;
		while (n && n->key < want)
			n = n->next;
		sum += n ? n->val * 3u + n->key : 0x5a5au;
	}
	for (pp = &l; *pp;) {
		if (((*pp)->key & 7) == (seed & 7))
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
	for (l = list_reverse(l); l; l = l->next)
		sum = (sum << 5 | sum >> 27) ^ (l->key + l->val);
	return sum;
}

/* C = A*B + (A >> 3), then a digest of C by rows and columns. */
static uint32_t kern_matrix(uint32_t seed)
{
	uint32_t s = seed ^ 0x9e3779b9u, sum = 0;
	unsigned i, j, k;

	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++) {
			mat_a[i][j] = lcg_next(&s) & 0xfff;
			mat_b[i][j] = (lcg_next(&s) & 0xff) - 128;
		}
	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++) {
			uint32_t acc = mat_a[i][j] >> 3;
			for (k = 0; k < MAT_N; k++)
				acc += mat_a[i][k] * mat_b[k][j];
			mat_c[i][j] = acc;
		}
	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++)
			sum += mat_c[i][j] * (i + 1) ^ mat_c[j][i] * (j + 3);
	return sum;
}

enum scan_state {
	ST_START,
	ST_SIGN,
	ST_INT,
	ST_DOT,
	ST_FRAC,
	ST_EXP,
	ST_EXPSIGN,
	ST_EXPINT,
	ST_HEX0,
	ST_HEX,
	ST_BAD,
	ST_COUNT
};

/* One step of a number scanner: state x character -> next state. */
static enum scan_state scan_step(enum scan_state st, char c)
{
	int digit = c >= '0' && c <= '9';
	int hex = digit || (c >= 'a' && c <= 'f');

	switch (st) {
	case ST_START:
		if (c == '+' || c == '-')
			return ST_SIGN;
		return c == '0' ? ST_HEX0 : digit ? ST_INT : ST_BAD;
	case ST_SIGN: return digit ? ST_INT : ST_BAD;
	case ST_HEX0:
		if (c == 'x')
			return ST_HEX;
		/* fall through */
	case ST_INT:
		if (c == '.')
			return ST_DOT;
		if (c == 'e')
			return ST_EXP;
		return digit ? ST_INT : ST_BAD;
	case ST_DOT:
	case ST_FRAC:
		if (c == 'e' && st == ST_FRAC)
			return ST_EXP;
		return digit ? ST_FRAC : ST_BAD;
	case ST_EXP:
		if (c == '+' || c == '-')
			return ST_EXPSIGN;
		/* fall through */
	case ST_EXPSIGN:
	case ST_EXPINT: return digit ? ST_EXPINT : ST_BAD;
	case ST_HEX: return hex ? ST_HEX : ST_BAD;
	default: return ST_BAD;
	}
}

/* Fill a text of pseudo-random number-like tokens separated by spaces and
 * commas, scan it, and count tokens by the state they end in. */
static uint32_t kern_scan(uint32_t seed)
{
	static const char alphabet[] = "0123456789012345+-.e.ex,, abf";
	uint32_t counts[ST_COUNT] = { 0 }, s = seed * 2654435761u, sum = 0;
	enum scan_state st = ST_START;
	unsigned i;

	for (i = 0; i < TEXT_LEN - 1; i++)
		text[i] = alphabet[lcg_next(&s) % (sizeof(alphabet) - 1)];
	text[TEXT_LEN - 1] = 0;
	for (i = 0; text[i]; i++) {
		char c = text[i];
		if (c == ' ' || c == ',') {
			counts[st]++;
			st = ST_START;
			continue;
		}
		st = scan_step(st, c);
	}
	counts[st]++;
	for (i = 0; i < ST_COUNT; i++)
		sum = sum * 31u + counts[i];
	return sum;
}

uint16_t mixed_crc16(uint16_t crc, const uint8_t *p, unsigned n)
{
	while (n--) {
		crc ^= (uint16_t)(*p++ << 8);
		for (int b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1) ^ 0x1021
					   : (uint16_t)(crc << 1);
	}
	return crc;
}

uint32_t mixed_crc32(uint32_t crc, const uint8_t *p, unsigned n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

uint32_t mixed_round(uint32_t seed)
{
	uint32_t r[3];
	uint16_t c16;

	r[0] = kern_list(seed);
	r[1] = kern_matrix(seed);
	r[2] = kern_scan(seed);
	/* The CRCs cover the kernels' results and part of their data. */
	c16 = mixed_crc16((uint16_t)seed, (const uint8_t *)text, 96);
	c16 = mixed_crc16(c16, (const uint8_t *)r, sizeof(r));
	return mixed_crc32(c16, (const uint8_t *)mat_c, 128) ^ r[0];
}
