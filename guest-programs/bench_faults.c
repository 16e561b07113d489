/*
 * bench_faults - workloads for the end-to-end benchmarks (scripts/bench.sh, docs/benchmarks.md).
 *
 *   bench_faults zero N      touch N fresh anonymous pages once each (N zero-fill faults)
 *   bench_faults cow N       touch N pages, fork; the child writes each page again
 *                            (N copy-on-write faults in the child), the parent waits
 *   bench_faults compute N   N rounds of integer work on a 64 KiB array (no new faults)
 *
 * The benchmark script times each workload at two sizes, natively and under uvm4j, so that
 * start-up cancels out. Without arguments it runs a small instance of each and checks itself,
 * which is how the end-to-end tests run it.
 */
#include "guest.h"

static unsigned char *map_pages(long n) {
  unsigned char *p = mmap(NULL, (size_t)(n > 0 ? n : 1) * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  return p;
}

static unsigned long zero(long n) {
  unsigned char *p = map_pages(n);
  unsigned long sum = 0;
  for (long i = 0; i < n; i++) {
    p[i * PAGE] = (unsigned char)(i + 1);
    sum += p[i * PAGE];
  }
  return sum;
}

static unsigned long cow(long n) {
  unsigned char *p = map_pages(n);
  for (long i = 0; i < n; i++) {
    p[i * PAGE] = (unsigned char)(i + 1);
  }
  pid_t c = xfork();
  if (c == 0) {
    for (long i = 0; i < n; i++) {
      p[i * PAGE] = (unsigned char)(p[i * PAGE] + 1);
    }
    for (long i = 0; i < n; i++) {
      if (p[i * PAGE] != (unsigned char)(i + 2)) {
        _exit(2);
      }
    }
    _exit(0);
  }
  int st = xwait(c);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  unsigned long sum = 0;
  for (long i = 0; i < n; i++) {
    CHECK(p[i * PAGE] == (unsigned char)(i + 1));
    sum += p[i * PAGE];
  }
  return sum;
}

static unsigned long compute(long n) {
  static unsigned int a[16384];
  unsigned int x = 12345;
  unsigned long sum = 0;
  for (long r = 0; r < n; r++) {
    for (int i = 0; i < 16384; i++) {
      x = x * 1103515245u + 12345u;
      a[i] ^= x >> 7;
    }
    for (int i = 1; i < 16384; i++) {
      a[i] += a[i - 1] >> 3;
    }
    sum += a[16383];
  }
  return sum;
}

int main(int argc, char **argv) {
  if (argc == 3) {
    long n = strtol(argv[2], NULL, 10);
    CHECK(n >= 0);
    unsigned long r;
    if (strcmp(argv[1], "zero") == 0) {
      r = zero(n);
    } else if (strcmp(argv[1], "cow") == 0) {
      r = cow(n);
    } else if (strcmp(argv[1], "compute") == 0) {
      r = compute(n);
    } else {
      fprintf(stderr, "usage: bench_faults zero|cow|compute N\n");
      return 2;
    }
    printf("%s %ld: %lu\n", argv[1], n, r);
    return 0;
  }
  CHECK(argc == 1);
  unsigned long z = zero(64);
  unsigned long c = cow(64);
  unsigned long k = compute(3);
  CHECK(z == c);
  printf("zero 64: %lu\ncow 64: %lu\ncompute 3: %lu\n", z, c, k);
  return 0;
}
