/* fork_tree: many forks. A chain of sequential children, then a binary tree of processes four
 * levels deep in which every process sums its children's exit codes: the root checks the total,
 * and every process checks the private data it inherited. */
#include "guest.h"

#define SEQUENTIAL 40
#define DEPTH 4

static unsigned char *data;

/* returns the number of processes in the subtree rooted here (itself included) */
static int tree(int level) {
  if (level == DEPTH) {
    return 1;
  }
  int total = 1;
  pid_t kids[2];
  for (int k = 0; k < 2; k++) {
    kids[k] = xfork();
    if (kids[k] == 0) {
      data[level] = (unsigned char)(level * 2 + k + 1); /* private to this subtree */
      int n = tree(level + 1);
      CHECK(data[level] == (unsigned char)(level * 2 + k + 1));
      _exit(n);
    }
  }
  for (int k = 0; k < 2; k++) {
    int status = xwait(kids[k]);
    CHECK(WIFEXITED(status));
    total += WEXITSTATUS(status);
  }
  return total;
}

int main(void) {
  data = xmap(PAGE, MAP_PRIVATE);
  int sum = 0;
  for (int i = 0; i < SEQUENTIAL; i++) {
    pid_t p = xfork();
    if (p == 0) {
      data[100] = (unsigned char)i;
      _exit(i % 50);
    }
    int status = xwait(p);
    CHECK(WIFEXITED(status));
    sum += WEXITSTATUS(status);
  }
  CHECK(data[100] == 0);
  printf("%d sequential children, exit codes sum to %d\n", SEQUENTIAL, sum);
  CHECK(sum == SEQUENTIAL * (SEQUENTIAL - 1) / 2);

  int n = tree(0);
  printf("a binary tree of depth %d has %d processes\n", DEPTH, n);
  CHECK(n == (1 << (DEPTH + 1)) - 1);
  CHECK(all_zero(data, PAGE)); /* every write above happened in a child */
  CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
  printf("no children left: ECHILD\n");
  printf("fork_tree: ok\n");
  return 0;
}
