/* oom_victim: the parent holds most of the machine's memory in a region its child does not
 * inherit (MADV_DONTFORK); the child then allocates until memory runs out. The out-of-memory
 * killer must pick the largest process (the parent), not the one that faulted: the child then
 * gets its memory and finishes. */
#include <sys/mman.h>
#include <sys/wait.h>
#include "kt.h"
int main(void) {
  size_t big = 20UL << 20, small = 12UL << 20;
  char *m = mmap(0, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  CHECK(madvise(m, big, MADV_DONTFORK) == 0);
  for (size_t i = 0; i < big; i += 4096) m[i] = 1;
  pid_t c = fork();
  CHECK(c >= 0);
  if (c == 0) {
    char *s = mmap(0, small, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    for (size_t i = 0; i < small; i += 4096) s[i] = 2;
    for (size_t i = 0; i < small; i += 4096) CHECK(s[i] == 2);
    printf("child finished\n");
    _exit(0);
  }
  int st;
  CHECK(waitpid(c, &st, 0) == c);
  printf("parent still alive\n");
  return 0;
}
