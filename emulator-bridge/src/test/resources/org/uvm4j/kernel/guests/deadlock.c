/* deadlock: reads a pipe whose only writer is itself: no process can ever run again. */
#include "kt.h"
int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  char b;
  printf("waiting forever\n");
  read(p[0], &b, 1);
  return 0;
}
