/* oom_hog: a child touches up to 256 MiB of anonymous memory while its parent holds a little.
 * On a machine with room for it (natively) the child finishes; under uvm4j with 16 MiB of RAM
 * and 16 MiB of swap it runs out of memory and the kernel kills it with SIGKILL; either way the
 * parent survives with its own memory intact and reports what happened. */
#include "guest.h"

#define HOG (256UL << 20)
#define MINE (64 * PAGE)

int main(void) {
  unsigned char *mine = xmap(MINE, MAP_PRIVATE);
  fill(mine, MINE, 7);
  pid_t c = xfork();
  if (c == 0) {
    unsigned char *p = xmap(HOG, MAP_PRIVATE | MAP_NORESERVE);
    for (unsigned long off = 0; off < HOG; off += PAGE) {
      p[off] = (unsigned char)(off >> 12);
    }
    _exit(0);
  }
  int status = xwait(c);
  if (WIFSIGNALED(status)) {
    printf("hog killed by signal %d\n", WTERMSIG(status));
  } else {
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("hog finished\n");
  }
  CHECK(holds(mine, MINE, 7));
  printf("oom_hog: parent intact\n");
  return 0;
}
