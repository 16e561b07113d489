/* fork_write_one: the worked example of docs/api.md. The parent fills 8 private pages at a fixed
 * address; its child writes one of them (one amap copy, one copy-on-write copy: the other 7 stay
 * shared with the parent) and checks it still sees the parent's data in the others; the parent,
 * once the child is gone, checks it kept its own data everywhere. */
#include "guest.h"

#define PAGES 8
#define WRITTEN 3
#define REGION ((void *)0x20000000)

int main(void) {
  unsigned char *data = mmap(REGION, PAGES * PAGE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(data == REGION);
  for (int i = 0; i < PAGES; i++) {
    data[i * PAGE] = (unsigned char)(10 + i);
  }
  printf("fork_write_one: parent filled %d pages\n", PAGES);

  pid_t child = xfork();
  if (child == 0) {
    data[WRITTEN * PAGE] = 99;
    for (int i = 0; i < PAGES; i++) {
      CHECK(data[i * PAGE] == (i == WRITTEN ? 99 : 10 + i));
    }
    printf("fork_write_one: child wrote page %d and sees the parent's other %d pages\n", WRITTEN,
           PAGES - 1);
    _exit(0);
  }
  expect_exit(child, 0);
  for (int i = 0; i < PAGES; i++) {
    CHECK(data[i * PAGE] == 10 + i);
  }
  printf("fork_write_one: parent kept all %d of its pages\n", PAGES);
  return 0;
}
