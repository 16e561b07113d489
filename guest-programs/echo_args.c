/* echo_args: prints its whole argument vector (argv[0] included), the environment variables whose
 * names start with GUEST, then copies its standard input to standard output (the Java API's
 * tests check what reaches the guest). */
#include "guest.h"

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) {
    printf("argv[%d]=%s\n", i, argv[i]);
  }
  for (char **e = environ; *e != NULL; e++) {
    if (strncmp(*e, "GUEST", 5) == 0) {
      printf("env %s\n", *e);
    }
  }
  char buf[256];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    CHECK(write(1, buf, (size_t)n) == n);
  }
  CHECK(n == 0);
  return 0;
}
