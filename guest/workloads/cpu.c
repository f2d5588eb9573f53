/* cpu: CPU kernels with known answers (sieve, CRC-32, integer matrix
 * multiply, sort, floating point); `rounds=N` repeats them. */
#include <math.h>
#include <string.h>

#include "kernel.h"

#define SIEVE_N 100000
#define MAT_N 48
#define SORT_N 20000

static uint8_t sieve_buf[SIEVE_N];
static uint32_t sort_buf[SORT_N];
static int64_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

/* Primes below SIEVE_N: 9592. */
static int cpu_sieve(void)
{
	int count = 0;

	memset(sieve_buf, 1, sizeof(sieve_buf));
	for (int i = 2; i < SIEVE_N; i++) {
		if (!sieve_buf[i])
			continue;
		count++;
		for (int j = 2 * i; j < SIEVE_N; j += i)
			sieve_buf[j] = 0;
	}
	return count == 9592 ? 0 : -1;
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/* The standard check value, then 64 KiB of a fixed pattern followed by
 * its own CRC (little-endian), whose CRC is the constant residue. */
static int cpu_crc(void)
{
	static uint8_t buf[65536 + 4];
	uint32_t c;

	if (crc32((const uint8_t *)"123456789", 9) != 0xcbf43926u)
		return -1;
	for (size_t i = 0; i < 65536; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 8));
	c = crc32(buf, 65536);
	for (int k = 0; k < 4; k++)
		buf[65536 + k] = (uint8_t)(c >> (8 * k));
	return crc32(buf, sizeof(buf)) == 0x2144df1cu ? 0 : -1;
}

/* A * B with B = 2I + J (J: all ones): each C row is 2A_row + sum(A_row). */
static int cpu_matmul(void)
{
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			ma[i][j] = (i * 31 + j * 17) % 101 - 50;
			mb[i][j] = (i == j ? 2 : 0) + 1;
		}
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int64_t s = 0;

			for (int k = 0; k < MAT_N; k++)
				s += ma[i][k] * mb[k][j];
			mc[i][j] = s;
		}
	for (int i = 0; i < MAT_N; i++) {
		int64_t row = 0;

		for (int k = 0; k < MAT_N; k++)
			row += ma[i][k];
		for (int j = 0; j < MAT_N; j++)
			if (mc[i][j] != 2 * ma[i][j] + row)
				return -1;
	}
	return 0;
}

static void cpu_qsort(uint32_t *a, long lo, long hi)
{
	while (lo < hi) {
		uint32_t p = a[(lo + hi) / 2], t;
		long i = lo, j = hi;

		while (i <= j) {
			while (a[i] < p)
				i++;
			while (a[j] > p)
				j--;
			if (i <= j) {
				t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			cpu_qsort(a, lo, j);
			lo = i;
		} else {
			cpu_qsort(a, i, hi);
			hi = j;
		}
	}
}

/* Sort pseudo-random numbers: ordered, same sum. */
static int cpu_sort(void)
{
	uint64_t x = 12345, sum = 0, sum2 = 0;

	for (int i = 0; i < SORT_N; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		sort_buf[i] = (uint32_t)(x >> 33);
		sum += sort_buf[i];
	}
	cpu_qsort(sort_buf, 0, SORT_N - 1);
	for (int i = 0; i < SORT_N; i++) {
		if (i && sort_buf[i - 1] > sort_buf[i])
			return -1;
		sum2 += sort_buf[i];
	}
	return sum == sum2 ? 0 : -1;
}

/* Basel sum and a square root: pi^2/6 and sqrt(2). */
static int cpu_fp(void)
{
	volatile double s = 0, r;

	for (int n = 1; n <= 100000; n++)
		s += 1.0 / ((double)n * n);
	r = sqrt(2.0);
	if (fabs(s - M_PI * M_PI / 6) > 1e-4 || fabs(r * r - 2) > 1e-12)
		return -1;
	return 0;
}

int wl_cpu(void)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} kernels[] = {
		{ "sieve", cpu_sieve },	  { "crc32", cpu_crc },
		{ "matmul", cpu_matmul }, { "sort", cpu_sort },
		{ "fp", cpu_fp },
	};
	long rounds = cmdline_long("rounds", 1);
	int bad = 0;

	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]);
		     i++) {
			uint64_t t0 = timer_now_us();
			int rc = kernels[i].fn();

			printf("cpu: %s %s in %lu us\n", kernels[i].name,
			       rc ? "FAIL" : "ok",
			       (unsigned long)(timer_now_us() - t0));
			bad |= rc;
		}
	}
	if (bad) {
		printf("cpu: FAIL a kernel gave a wrong answer\n");
		return 1;
	}
	printf("cpu: ok\n");
	return 0;
}
