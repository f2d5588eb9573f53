/* Kernels of the cmark workload: a CoreMark-class set written for atoll,
 * with different kernels from mixed's: a bytecode interpreter (switch
 * dispatch: indirect jumps through a table), an open-addressing hash
 * table (insert, look up, delete), a heap sort, and a base64 round trip
 * with a Fletcher checksum (byte loads and stores, shifts).  All
 * arithmetic is unsigned, so results are defined and identical on every
 * host and guest; the file compiles natively too, to cross-check the
 * expected checksum. */
#include "cmark.h"

#define HT_SIZE 512 /* slots, a power of two */
#define HT_KEYS 300
#define HEAP_N 320
#define B64_LEN 255 /* bytes encoded, not a multiple of 3 */

/* The kernels' data, on pages of its own: the tests' link script puts
 * .bss right after .text, and a store to a page that holds translated
 * code costs QEMU (and atoll) a code invalidation, which real programs,
 * linked with data apart from code, do not pay. */
static struct {
	uint32_t ht_key[HT_SIZE], ht_val[HT_SIZE];
	uint32_t heap[HEAP_N];
	uint8_t raw[B64_LEN], back[B64_LEN];
	char text[(B64_LEN + 2) / 3 * 4];
} data __attribute__((aligned(4096)));

#define ht_key data.ht_key
#define ht_val data.ht_val
#define heap data.heap
#define raw data.raw
#define back data.back
#define text data.text

static uint32_t xs_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* ---- bytecode interpreter ---------------------------------------------- */

enum op {
	OP_PUSH, /* push the next word */
	OP_LOAD, /* push reg[next] */
	OP_STORE, /* reg[next] = pop */
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_XOR,
	OP_SHR, /* a >> (b & 31) */
	OP_DUP,
	OP_JNZ, /* pop; jump to next if nonzero */
	OP_HALT,
};

/* r0 = n; r1 = a; r2 = b; r3 = acc
 * loop: acc ^= a * 31 + b; (a, b) = (b, a + b + acc >> 3); n -= 1 */
static const uint32_t program[] = {
	OP_STORE,
	0,
	OP_PUSH,
	1,
	OP_STORE,
	1,
	OP_PUSH,
	2,
	OP_STORE,
	2,
	OP_PUSH,
	0,
	OP_STORE,
	3,
	/* 14: loop */
	OP_LOAD,
	1,
	OP_PUSH,
	31,
	OP_MUL,
	OP_LOAD,
	2,
	OP_ADD,
	OP_LOAD,
	3,
	OP_XOR,
	OP_STORE,
	3,
	OP_LOAD,
	2,
	OP_LOAD,
	1,
	OP_LOAD,
	2,
	OP_ADD,
	OP_LOAD,
	3,
	OP_PUSH,
	3,
	OP_SHR,
	OP_ADD,
	OP_STORE,
	2,
	OP_STORE,
	1,
	OP_LOAD,
	0,
	OP_PUSH,
	1,
	OP_SUB,
	OP_DUP,
	OP_STORE,
	0,
	OP_JNZ,
	14,
	OP_LOAD,
	3,
	OP_HALT,
};

static uint32_t kern_vm(uint32_t n)
{
	uint32_t stack[16], reg[4] = { 0 }, sp = 0, pc = 0, a, b;

	stack[sp++] = n;
	for (;;) {
		switch (program[pc++]) {
		case OP_PUSH: stack[sp++] = program[pc++]; break;
		case OP_LOAD: stack[sp++] = reg[program[pc++] & 3]; break;
		case OP_STORE: reg[program[pc++] & 3] = stack[--sp]; break;
		case OP_ADD:
			b = stack[--sp];
			stack[sp - 1] += b;
			break;
		case OP_SUB:
			b = stack[--sp];
			stack[sp - 1] -= b;
			break;
		case OP_MUL:
			b = stack[--sp];
			stack[sp - 1] *= b;
			break;
		case OP_XOR:
			b = stack[--sp];
			stack[sp - 1] ^= b;
			break;
		case OP_SHR:
			b = stack[--sp];
			stack[sp - 1] >>= b & 31;
			break;
		case OP_DUP:
			a = stack[sp - 1];
			stack[sp++] = a;
			break;
		case OP_JNZ:
			a = stack[--sp];
			pc = a ? program[pc] : pc + 1;
			break;
		default: return stack[sp - 1];
		}
	}
}

/* ---- hash table ---------------------------------------------------------- */

static uint32_t ht_hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x45d9f3bu;
	k ^= k >> 16;
	return k & (HT_SIZE - 1);
}

/* Keys are nonzero; 0 marks a free slot. */
static void ht_put(uint32_t k, uint32_t v)
{
	uint32_t i = ht_hash(k);

	while (ht_key[i] && ht_key[i] != k)
		i = (i + 1) & (HT_SIZE - 1);
	ht_key[i] = k;
	ht_val[i] = v;
}

static int ht_get(uint32_t k, uint32_t *v)
{
	for (uint32_t i = ht_hash(k); ht_key[i]; i = (i + 1) & (HT_SIZE - 1))
		if (ht_key[i] == k) {
			*v = ht_val[i];
			return 1;
		}
	return 0;
}

/* Delete with backward shift, so probe chains stay unbroken. */
static void ht_del(uint32_t k)
{
	uint32_t i = ht_hash(k), j, h;

	while (ht_key[i] && ht_key[i] != k)
		i = (i + 1) & (HT_SIZE - 1);
	if (!ht_key[i])
		return;
	for (j = (i + 1) & (HT_SIZE - 1); ht_key[j];
	     j = (j + 1) & (HT_SIZE - 1)) {
		h = ht_hash(ht_key[j]);
		/* move j to i if h is not cyclically in (i, j] */
		if (((j - h) & (HT_SIZE - 1)) >= ((j - i) & (HT_SIZE - 1))) {
			ht_key[i] = ht_key[j];
			ht_val[i] = ht_val[j];
			i = j;
		}
	}
	ht_key[i] = 0;
}

static uint32_t kern_hash(uint32_t seed)
{
	uint32_t s = seed | 1, sum = 0, v, i, k;

	for (i = 0; i < HT_SIZE; i++)
		ht_key[i] = 0;
	for (i = 0; i < HT_KEYS; i++)
		ht_put((xs_next(&s) & 0x3ff) + 1, i);
	for (i = 0; i < HT_KEYS / 2; i++)
		ht_del((xs_next(&s) & 0x3ff) + 1);
	for (i = 0; i < 400; i++) {
		k = (xs_next(&s) & 0x3ff) + 1;
		sum = sum * 33u + (ht_get(k, &v) ? v + k : 7u);
	}
	return sum;
}

/* ---- heap sort ------------------------------------------------------------ */

static void sift(uint32_t *a, uint32_t i, uint32_t n)
{
	for (;;) {
		uint32_t c = 2 * i + 1, t;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[i] >= a[c])
			return;
		t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static uint32_t kern_heap(uint32_t seed)
{
	uint32_t s = seed ^ 0xa5a5a5a5u, sum = 0, i, t;

	if (!s)
		s = 1;
	for (i = 0; i < HEAP_N; i++)
		heap[i] = xs_next(&s) >> 8;
	for (i = HEAP_N / 2; i-- > 0;)
		sift(heap, i, HEAP_N);
	for (i = HEAP_N - 1; i > 0; i--) {
		t = heap[0];
		heap[0] = heap[i];
		heap[i] = t;
		sift(heap, 0, i);
	}
	for (i = 0; i < HEAP_N; i++)
		sum = (sum << 3 | sum >> 29) + heap[i] * (i | 1);
	return sum;
}

/* ---- base64 and Fletcher ------------------------------------------------- */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint32_t b64_index(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (uint32_t)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (uint32_t)(c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (uint32_t)(c - '0' + 52);
	return c == '+' ? 62u : 63u;
}

static uint32_t kern_b64(uint32_t seed)
{
	uint32_t s = seed + 0x1234567u, i, o = 0, w, f1 = 0, f2 = 0, n;

	if (!s)
		s = 1;
	for (i = 0; i < B64_LEN; i++)
		raw[i] = (uint8_t)xs_next(&s);
	for (i = 0; i < B64_LEN; i += 3) {
		n = B64_LEN - i < 3 ? B64_LEN - i : 3;
		w = (uint32_t)raw[i] << 16;
		if (n > 1)
			w |= (uint32_t)raw[i + 1] << 8;
		if (n > 2)
			w |= raw[i + 2];
		text[o++] = b64[w >> 18 & 63];
		text[o++] = b64[w >> 12 & 63];
		text[o++] = n > 1 ? b64[w >> 6 & 63] : '=';
		text[o++] = n > 2 ? b64[w & 63] : '=';
	}
	for (i = 0, n = 0; i < o; i += 4) {
		w = b64_index(text[i]) << 18 | b64_index(text[i + 1]) << 12;
		back[n++] = (uint8_t)(w >> 16);
		if (text[i + 2] != '=') {
			w |= b64_index(text[i + 2]) << 6;
			back[n++] = (uint8_t)(w >> 8);
		}
		if (text[i + 3] != '=') {
			w |= b64_index(text[i + 3]);
			back[n++] = (uint8_t)w;
		}
	}
	for (i = 0; i < n; i++) {
		f1 = (f1 + back[i] + (back[i] != raw[i]) * 1000u) % 65535u;
		f2 = (f2 + f1) % 65535u;
	}
	return f2 << 16 | f1;
}

uint32_t cmark_round(uint32_t seed)
{
	uint32_t d = kern_vm(40 + (seed & 15));

	d = d * 31u + kern_hash(seed);
	d = d * 31u + kern_heap(seed);
	return d * 31u + kern_b64(seed);
}
