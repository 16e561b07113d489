/* brk_malloc: the program break grows and shrinks through the raw brk system call (musl's brk()
 * wrapper always fails), new break memory is zero, and malloc/realloc/free work on top. */
#include <sys/syscall.h>

#include "guest.h"

static unsigned long raw_brk(unsigned long addr) {
  return (unsigned long)syscall(SYS_brk, addr);
}

int main(void) {
  unsigned long base = raw_brk(0);
  CHECK(base != 0);
  CHECK(raw_brk(base) == base);

  unsigned long top = raw_brk(base + 5 * PAGE);
  CHECK(top == base + 5 * PAGE);
  unsigned char *heap = (unsigned char *)base;
  CHECK(all_zero(heap, 5 * PAGE));
  fill(heap, 5 * PAGE, 31);
  CHECK(holds(heap, 5 * PAGE, 31));
  printf("brk grew by 5 pages: zero-filled, writable\n");

  CHECK(raw_brk(base + 2 * PAGE) == base + 2 * PAGE);
  CHECK(holds(heap, 2 * PAGE, 31));
  CHECK(raw_brk(base + 5 * PAGE) == base + 5 * PAGE);
  CHECK(all_zero(heap + 2 * PAGE, 3 * PAGE));
  printf("brk shrank and grew again: the released pages come back zero\n");

  pid_t c = xfork();
  if (c == 0) {
    CHECK(raw_brk(0) == base + 5 * PAGE);
    CHECK(holds(heap, 2 * PAGE, 31));
    CHECK(raw_brk(base + 9 * PAGE) == base + 9 * PAGE);
    heap[8 * PAGE] = 1;
    _exit(0);
  }
  expect_exit(c, 0);
  CHECK(raw_brk(0) == base + 5 * PAGE);
  printf("a child inherits the break and moves its own\n");
  CHECK(raw_brk(base) == base);

  enum { N = 200 };
  static unsigned char *blocks[N];
  for (int i = 0; i < N; i++) {
    size_t len = 16 + (size_t)(i * 97) % 5000;
    blocks[i] = malloc(len);
    CHECK(blocks[i] != NULL);
    memset(blocks[i], i & 0xff, len);
  }
  for (int i = 0; i < N; i += 2) {
    free(blocks[i]);
  }
  for (int i = 1; i < N; i += 2) {
    size_t len = 16 + (size_t)(i * 97) % 5000;
    for (size_t j = 0; j < len; j++) {
      CHECK(blocks[i][j] == (unsigned char)(i & 0xff));
    }
    blocks[i] = realloc(blocks[i], len * 3);
    CHECK(blocks[i] != NULL && blocks[i][len - 1] == (unsigned char)(i & 0xff));
    free(blocks[i]);
  }
  unsigned char *big = malloc(1 << 20);
  CHECK(big != NULL);
  memset(big, 0x5a, 1 << 20);
  CHECK(big[(1 << 20) - 1] == 0x5a);
  free(big);
  printf("malloc, realloc and free of %d blocks and one of 1 MiB: ok\n", N);
  printf("brk_malloc: ok\n");
  return 0;
}
