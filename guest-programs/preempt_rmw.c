/* preempt_rmw: read-modify-write instructions stay atomic under preemption. Two threads of the
 * parent and a forked child (three CPU-bound runnable contexts, so the scheduler preempts them
 * while they compute) run the same loop of single-instruction updates: `lock xadd` and
 * `lock cmpxchg` on counters in a MAP_SHARED page all three share, an `xchg` spin lock guarding a
 * plain increment there, and a non-locked `add [m], 1` on a counter private to each thread. Each
 * of these writes memory and then still has work to finish (the old value into a register, the
 * flags); a preempted run that ended between the two and executed the instruction again would
 * count twice (or, for cmpxchg, see its own store as a failed comparison). Every total is exact.
 * The iteration count may be given as the first argument. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

#include "guest.h"

struct shared {
  long xadd;     /* lock xadd, by everyone */
  long cas;      /* lock cmpxchg loop, by everyone */
  int spin;      /* xchg spin lock word */
  long guarded;  /* plain increments under the spin lock */
};

static struct shared *sh;
static long rounds = 300000;

static void xadd_one(long *p) {
  long one = 1;
  __asm__ volatile("lock xaddq %0, %1" : "+r"(one), "+m"(*p) : : "memory");
}

static void cas_one(long *p) {
  long old = __atomic_load_n(p, __ATOMIC_RELAXED);
  for (;;) {
    long want = old + 1;
    unsigned char ok;
    __asm__ volatile("lock cmpxchgq %3, %1\n\tsete %2"
                     : "+a"(old), "+m"(*p), "=q"(ok)
                     : "r"(want)
                     : "memory", "cc");
    if (ok) {
      return;
    }
  }
}

static void spin_lock(int *w) {
  for (;;) {
    int v = 1;
    __asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(*w) : : "memory");
    if (v == 0) {
      return;
    }
    while (__atomic_load_n(w, __ATOMIC_RELAXED) != 0) {
      __asm__ volatile("pause");
    }
  }
}

static void spin_unlock(int *w) {
  __atomic_store_n(w, 0, __ATOMIC_RELEASE);
}

/* one worker: returns its private count, incremented with a plain `add [m], 1` */
static long work(void) {
  long mine = 0;
  for (long i = 0; i < rounds; i++) {
    xadd_one(&sh->xadd);
    cas_one(&sh->cas);
    spin_lock(&sh->spin);
    sh->guarded++;
    spin_unlock(&sh->spin);
    __asm__ volatile("addq $1, %0" : "+m"(mine));
  }
  return mine;
}

static void *thread_main(void *arg) {
  (void)arg;
  return (void *)work();
}

int main(int argc, char **argv) {
  if (argc > 1) {
    rounds = atol(argv[1]);
  }
  sh = (struct shared *)xmap(PAGE, MAP_SHARED);
  pid_t child = xfork();
  if (child == 0) {
    long mine = work();
    _exit(mine == rounds ? 0 : 1);
  }
  pthread_t t;
  CHECK(pthread_create(&t, NULL, thread_main, NULL) == 0);
  long mine = work();
  void *theirs;
  CHECK(pthread_join(t, &theirs) == 0);
  expect_exit(child, 0);
  printf("private: %ld %ld\n", mine, (long)theirs);
  printf("lock xadd: %ld\n", sh->xadd);
  printf("lock cmpxchg: %ld\n", sh->cas);
  printf("xchg lock: %ld\n", sh->guarded);
  CHECK(mine == rounds && (long)theirs == rounds);
  CHECK(sh->xadd == 3 * rounds && sh->cas == 3 * rounds && sh->guarded == 3 * rounds);
  printf("all exact\n");
  return 0;
}
