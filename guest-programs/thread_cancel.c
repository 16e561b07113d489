/* thread_cancel: pthread_cancel, which both C libraries implement with a signal (SIGCANCEL) sent
 * by tgkill whose handler inspects the interrupted context.
 * 1. A thread blocked in read() on an empty pipe (a cancellation point) is cancelled: its cleanup
 *    handler runs and pthread_join returns PTHREAD_CANCELED.
 * 2. A thread blocked in nanosleep() is cancelled the same way.
 * 3. A thread computing with cancellation disabled finishes its work; the pending cancel takes
 *    effect at its next pthread_testcancel once it enables cancellation again.
 * 4. Asynchronous cancellation of a thread spinning in user code.
 * Built with musl (build/thread_cancel) and glibc (build/thread_cancel.glibc). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "guest.h"

static int fds[2];
static int started;
static volatile long work_done;

static void cleanup(void *what) { printf("cleanup handler: %s\n", (const char *)what); }

static void wait_started(void) {
  while (!__atomic_load_n(&started, __ATOMIC_SEQ_CST)) {
    sched_yield();
  }
  __atomic_store_n(&started, 0, __ATOMIC_SEQ_CST);
}

static void *reader(void *arg) {
  (void)arg;
  char c;
  pthread_cleanup_push(cleanup, "reader");
  __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
  (void)!read(fds[0], &c, 1); /* blocks: nobody writes */
  pthread_cleanup_pop(0);
  return (void *)1;
}

static void *sleeper(void *arg) {
  (void)arg;
  pthread_cleanup_push(cleanup, "sleeper");
  __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
  struct timespec ts = {1000, 0};
  nanosleep(&ts, NULL);
  pthread_cleanup_pop(0);
  return (void *)2;
}

static void *worker(void *arg) {
  (void)arg;
  int old;
  CHECK(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old) == 0);
  __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
  struct timespec ts = {0, 10 * 1000 * 1000};
  nanosleep(&ts, NULL); /* not a cancellation point while disabled */
  for (long i = 0; i < 100000; i++) {
    work_done += 1;
  }
  CHECK(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old) == 0);
  pthread_testcancel();
  return (void *)3;
}

static void *spinner(void *arg) {
  (void)arg;
  int old;
  CHECK(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old) == 0);
  __atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
  for (;;) {
    work_done += 1;
  }
  return NULL;
}

static void cancel_and_join(void *(*fn)(void *), const char *name) {
  pthread_t t;
  void *r;
  CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
  wait_started();
  CHECK(pthread_cancel(t) == 0);
  CHECK(pthread_join(t, &r) == 0);
  printf("%s: joined, %s\n", name, r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "returned normally");
  CHECK(r == PTHREAD_CANCELED);
}

int main(void) {
  CHECK(pipe(fds) == 0);
  cancel_and_join(reader, "1 blocked in read");
  cancel_and_join(sleeper, "2 blocked in nanosleep");
  cancel_and_join(worker, "3 cancel deferred while disabled");
  printf("3 the work finished first: %ld\n", work_done);
  CHECK(work_done == 100000);
  cancel_and_join(spinner, "4 asynchronous");
  return 0;
}
