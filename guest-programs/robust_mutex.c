/* robust_mutex: a robust mutex whose owner ends while holding it.
 * 1. A thread locks a robust mutex and exits: the next lock returns EOWNERDEAD, the mutex is
 *    made consistent and works again (glibc leaves this to the kernel's robust-list walk at
 *    thread exit; musl walks its own list in pthread_exit).
 * 2. A thread blocks on a robust mutex whose owner thread then exits: the waiter wakes with
 *    EOWNERDEAD instead of sleeping for ever.
 * 3. A process-shared robust mutex in MAP_SHARED memory: a forked child locks it and _exits;
 *    the parent's lock returns EOWNERDEAD. Only the kernel sees a process die, so with both
 *    libcs this is the kernel's walk of the child's robust list.
 * 4. A child dies while blocked on a process-shared robust mutex the parent holds: nothing
 *    changes for the parent, which still owns and unlocks it normally.
 * Built with musl (build/robust_mutex) and glibc (build/robust_mutex.glibc). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "guest.h"

static pthread_mutex_t private_mutex;

static void init_robust(pthread_mutex_t *m, int pshared) {
  pthread_mutexattr_t a;
  CHECK(pthread_mutexattr_init(&a) == 0);
  CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
  if (pshared) {
    CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
  }
  CHECK(pthread_mutex_init(m, &a) == 0);
  pthread_mutexattr_destroy(&a);
}

static void *lock_and_exit(void *arg) {
  CHECK(pthread_mutex_lock((pthread_mutex_t *)arg) == 0);
  return NULL; /* ends holding the lock */
}

static int owner_locked;

static void *lock_wait_a_bit_and_exit(void *arg) {
  CHECK(pthread_mutex_lock((pthread_mutex_t *)arg) == 0);
  __atomic_store_n(&owner_locked, 1, __ATOMIC_SEQ_CST);
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL); /* the main thread is (very likely) blocked in lock by now */
  return NULL;
}

static void recover(pthread_mutex_t *m, const char *what) {
  int r = pthread_mutex_lock(m);
  printf("%s: lock after the owner ended: %s\n", what, r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  CHECK(r == EOWNERDEAD);
  CHECK(pthread_mutex_consistent(m) == 0);
  CHECK(pthread_mutex_unlock(m) == 0);
  CHECK(pthread_mutex_lock(m) == 0);
  CHECK(pthread_mutex_unlock(m) == 0);
  printf("%s: consistent again, lock and unlock work\n", what);
}

int main(void) {
  pthread_t t;

  init_robust(&private_mutex, 0);
  CHECK(pthread_create(&t, NULL, lock_and_exit, &private_mutex) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  recover(&private_mutex, "1 thread exit");

  CHECK(pthread_create(&t, NULL, lock_wait_a_bit_and_exit, &private_mutex) == 0);
  while (!__atomic_load_n(&owner_locked, __ATOMIC_SEQ_CST)) {
    sched_yield(); /* the thread takes the lock first */
  }
  recover(&private_mutex, "2 waiter woken");
  CHECK(pthread_join(t, NULL) == 0);

  pthread_mutex_t *shared =
      mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(shared != MAP_FAILED);
  init_robust(shared, 1);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    CHECK(pthread_mutex_lock(shared) == 0);
    _exit(0); /* the process ends holding the lock */
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
  recover(shared, "3 process exit");

  CHECK(pthread_mutex_lock(shared) == 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    pthread_mutex_lock(shared); /* blocks: the parent holds it */
    _exit(2);
  }
  struct timespec ts = {0, 5 * 1000 * 1000};
  nanosleep(&ts, NULL); /* the child (very likely) blocks in lock by now; either way it dies */
  CHECK(kill(pid, SIGKILL) == 0);
  CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
  CHECK(pthread_mutex_unlock(shared) == 0);
  CHECK(pthread_mutex_lock(shared) == 0);
  CHECK(pthread_mutex_unlock(shared) == 0);
  printf("4 a waiter killed: the owner keeps the mutex and unlocks it normally\n");
  return 0;
}
