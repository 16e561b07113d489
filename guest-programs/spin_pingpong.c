/* spin_pingpong: two CPU-bound processes that make no system calls while they wait for each other.
 * A parent and its child take turns through a flag in shared anonymous memory, each spinning until
 * the other has moved; between turns each computes a checksum (pure CPU work) and at the end the
 * child reports its checksums through a pipe. On one CPU this only finishes if the kernel preempts
 * a process that runs without making system calls (natively: on any number of CPUs). */
#include "guest.h"

#define ROUNDS 6
#define WORK 400000u

/* A few hundred thousand multiply-adds: enough CPU work that a turn is not instant. */
static unsigned long work(unsigned long seed) {
  unsigned long x = seed * 2654435761u + 1;
  for (unsigned i = 0; i < WORK; i++) {
    x = x * 6364136223846793005ul + 1442695040888963407ul;
    x ^= x >> 29;
  }
  return x;
}

/* Spins (no system call) until *turn == want. */
static void await(volatile int *turn, int want) {
  while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != want) {
  }
}

int main(void) {
  int up[2];
  CHECK(pipe(up) == 0);
  volatile int *turn = (volatile int *)(void *)xmap(PAGE, MAP_SHARED);
  *turn = 0;
  pid_t c = xfork();
  if (c == 0) {
    close(up[0]);
    unsigned long mine[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      await(turn, 2 * r + 1);
      mine[r] = work(1000 + (unsigned long)r);
      __atomic_store_n(turn, 2 * r + 2, __ATOMIC_RELEASE);
    }
    CHECK(write(up[1], mine, sizeof mine) == sizeof mine);
    _exit(0);
  }
  close(up[1]);
  unsigned long mine[ROUNDS];
  for (int r = 0; r < ROUNDS; r++) {
    await(turn, 2 * r);
    mine[r] = work((unsigned long)r);
    __atomic_store_n(turn, 2 * r + 1, __ATOMIC_RELEASE);
  }
  await(turn, 2 * ROUNDS);
  unsigned long theirs[ROUNDS];
  CHECK(read(up[0], theirs, sizeof theirs) == sizeof theirs);
  for (int r = 0; r < ROUNDS; r++) {
    printf("round %d: parent %016lx child %016lx\n", r, mine[r], theirs[r]);
    CHECK(theirs[r] == work(1000 + (unsigned long)r));
  }
  CHECK(WEXITSTATUS(xwait(c)) == 0);
  printf("spin_pingpong: %d rounds of turns without system calls: ok\n", ROUNDS);
  return 0;
}
