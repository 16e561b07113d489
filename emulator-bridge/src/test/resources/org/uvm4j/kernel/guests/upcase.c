/* upcase: copies stdin to stdout in upper case through a pipe to a child; reports the count on
 * stderr. */
#include <ctype.h>
#include <sys/wait.h>
#include "kt.h"
int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t c = fork();
  if (c == 0) {
    close(p[1]);
    char b[512];
    ssize_t n;
    while ((n = read(p[0], b, sizeof b)) > 0) {
      for (ssize_t i = 0; i < n; i++) b[i] = (char)toupper((unsigned char)b[i]);
      CHECK(write(1, b, (size_t)n) == n);
    }
    CHECK(n == 0);
    _exit(0);
  }
  close(p[0]);
  char b[3000];
  ssize_t n;
  long total = 0;
  while ((n = read(0, b, sizeof b)) > 0) {
    CHECK(write(p[1], b, (size_t)n) == n);
    total += n;
  }
  CHECK(n == 0);
  close(p[1]);
  int st;
  CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  fprintf(stderr, "upcase: %ld bytes\n", total);
  return 0;
}
