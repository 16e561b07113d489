/* threads: POSIX threads on one address space. A mutex-protected counter incremented by four
 * threads; a condition variable hand-off (producer/consumer); thread-local storage (each thread
 * sees its own copy of a __thread variable); pthread_join return values; a thread exiting while
 * the others still run; gettid differs per thread while getpid is shared; a detached thread;
 * pthread_exit from main's last helper. Built with musl (build/threads) and glibc
 * (build/threads.glibc, gcc -static -pthread). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>

#include "guest.h"

#define NTHREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value = 7;
static pid_t main_pid;

static void *add_many(void *arg) {
  long id = (long)arg;
  tls_value = id * 100; /* this thread's copy only */
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    if (i % 1000 == 0) {
      sched_yield();
    }
  }
  CHECK(tls_value == id * 100);
  CHECK(getpid() == main_pid);
  CHECK((pid_t)syscall(SYS_gettid) != main_pid);
  return (void *)(id * 11);
}

/* a bounded queue of one slot, with two condition variables */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int slot, full;

static void *producer(void *arg) {
  (void)arg;
  for (int i = 1; i <= 100; i++) {
    pthread_mutex_lock(&qlock);
    while (full) {
      pthread_cond_wait(&not_full, &qlock);
    }
    slot = i;
    full = 1;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&qlock);
  }
  return NULL;
}

static void *consumer(void *arg) {
  long sum = 0;
  (void)arg;
  for (int i = 1; i <= 100; i++) {
    pthread_mutex_lock(&qlock);
    while (!full) {
      pthread_cond_wait(&not_empty, &qlock);
    }
    sum += slot;
    full = 0;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&qlock);
  }
  return (void *)sum;
}

static volatile int early_done;
static void *early_exit(void *arg) {
  (void)arg;
  early_done = 1;
  pthread_exit((void *)42);
}

static pthread_mutex_t dlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dcond = PTHREAD_COND_INITIALIZER;
static int detached_ran;
static void *detached(void *arg) {
  (void)arg;
  pthread_mutex_lock(&dlock);
  detached_ran = 1;
  pthread_cond_signal(&dcond);
  pthread_mutex_unlock(&dlock);
  return NULL;
}

int main(void) {
  main_pid = getpid();
  CHECK((pid_t)syscall(SYS_gettid) == main_pid);

  pthread_t t[NTHREADS];
  for (long i = 0; i < NTHREADS; i++) {
    CHECK(pthread_create(&t[i], NULL, add_many, (void *)(i + 1)) == 0);
  }
  long joined = 0;
  for (int i = 0; i < NTHREADS; i++) {
    void *r;
    CHECK(pthread_join(t[i], &r) == 0);
    joined += (long)r;
  }
  CHECK(tls_value == 7);
  printf("mutex counter: %ld (expected %d); join values sum %ld; main's TLS still %ld\n", counter,
         NTHREADS * ROUNDS, joined, tls_value);

  pthread_t p, c;
  CHECK(pthread_create(&c, NULL, consumer, NULL) == 0);
  CHECK(pthread_create(&p, NULL, producer, NULL) == 0);
  void *sum;
  CHECK(pthread_join(p, NULL) == 0);
  CHECK(pthread_join(c, &sum) == 0);
  printf("condvar hand-off: consumer summed %ld\n", (long)sum);

  /* a thread that exits while another runs */
  pthread_t e, w;
  CHECK(pthread_create(&w, NULL, add_many, (void *)9) == 0);
  CHECK(pthread_create(&e, NULL, early_exit, NULL) == 0);
  void *er;
  CHECK(pthread_join(e, &er) == 0);
  CHECK(pthread_join(w, NULL) == 0);
  printf("pthread_exit value %ld while another thread ran; counter now %ld\n", (long)er, counter);

  /* a detached thread */
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  pthread_mutex_lock(&dlock);
  CHECK(pthread_create(&d, &attr, detached, NULL) == 0);
  while (!detached_ran) {
    pthread_cond_wait(&dcond, &dlock);
  }
  pthread_mutex_unlock(&dlock);
  printf("detached thread ran\n");
  printf("threads: ok\n");
  return 0;
}
