/* vfork_exec: vfork + execve of another guest (argv[1], e.g. build/hello) with arguments; the
 * parent waits and checks its exit status; execve of a missing file fails with ENOENT in the
 * child, which then _exits. */
#include "guest.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: vfork_exec PATH-OF-HELLO\n");
    return 2;
  }
  char *child_argv[] = {"hello", "from", "vfork", NULL};
  char *child_env[] = {"GUEST=uvm4j", NULL};
  printf("vfork, then execve the hello guest with 2 arguments\n");
  pid_t c = vfork();
  CHECK(c >= 0);
  if (c == 0) {
    execve(argv[1], child_argv, child_env);
    _exit(127);
  }
  expect_exit(c, 2);
  printf("hello exited with status 2 (its argument count)\n");

  c = vfork();
  CHECK(c >= 0);
  if (c == 0) {
    execve("/nonexistent/uvm4j-guest", child_argv, child_env);
    _exit(errno == ENOENT ? 42 : 43);
  }
  expect_exit(c, 42);
  printf("execve of a missing file: ENOENT in the child\n");

  c = xfork();
  if (c == 0) {
    char *again[] = {"hello", NULL};
    execve(argv[1], again, child_env);
    _exit(127);
  }
  expect_exit(c, 0);
  printf("fork + execve works as well\n");
  printf("vfork_exec: ok\n");
  return 0;
}
