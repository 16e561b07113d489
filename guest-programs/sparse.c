/* sparse: a 1 GiB private anonymous mapping of which only a few pages are touched; untouched
 * pages read as zero, and a child sees the touched ones. */
#include "guest.h"

#define SIZE (1UL << 30)
#define TOUCH 64

int main(void) {
  unsigned char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  CHECK(p != MAP_FAILED);
  unsigned long stride = SIZE / TOUCH;
  for (int i = 0; i < TOUCH; i++) {
    unsigned long off = (unsigned long)i * stride + (unsigned long)(i % 7) * PAGE;
    p[off] = (unsigned char)(i + 1);
  }
  printf("touched %d pages spread over 1 GiB\n", TOUCH);
  for (int i = 0; i < TOUCH; i++) {
    CHECK(p[(unsigned long)i * stride + (unsigned long)(i % 7) * PAGE] == (unsigned char)(i + 1));
    CHECK(p[(unsigned long)i * stride + stride / 2] == 0);
  }
  printf("touched pages hold their bytes, untouched ones read zero\n");

  pid_t c = xfork();
  if (c == 0) {
    for (int i = 0; i < TOUCH; i++) {
      unsigned long off = (unsigned long)i * stride + (unsigned long)(i % 7) * PAGE;
      if (p[off] != (unsigned char)(i + 1)) {
        _exit(2);
      }
      p[off] = 0;
    }
    _exit(0);
  }
  expect_exit(c, 0);
  CHECK(p[0] == 1 && p[(TOUCH - 1) * stride + ((TOUCH - 1) % 7) * PAGE] == TOUCH);
  printf("a child sees them and its writes stay private\n");
  CHECK(munmap(p, SIZE) == 0);
  printf("sparse: ok\n");
  return 0;
}
