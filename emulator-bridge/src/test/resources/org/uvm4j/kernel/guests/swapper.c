/* swapper: a working set three times the RAM; every page keeps its data through page-out and
 * page-in, in the parent and in a forked child. */
#include <sys/mman.h>
#include <sys/wait.h>
#include "kt.h"
int main(void) {
  size_t len = 24UL << 20;
  unsigned char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  for (size_t i = 0; i < len; i += 4096) m[i] = (unsigned char)(i >> 12);
  for (size_t i = 0; i < len; i += 4096) CHECK(m[i] == (unsigned char)(i >> 12));
  pid_t c = fork();
  if (c == 0) {
    for (size_t i = 0; i < len; i += 4096) CHECK(m[i] == (unsigned char)(i >> 12));
    _exit(0);
  }
  int st;
  CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("swapper: ok\n");
  return 0;
}
