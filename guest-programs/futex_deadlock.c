/* futex_deadlock: two threads take two mutexes in opposite orders and block each other for good.
 * Natively this hangs; uvm4j ends the run with status 125 and one line naming the deadlock (every
 * thread waits on a futex that nobody can wake). Not run natively by the tests. */
#include <pthread.h>

#include "guest.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static volatile int has_b;

static void *other(void *arg) {
  (void)arg;
  pthread_mutex_lock(&b);
  has_b = 1;
  pthread_mutex_lock(&a); /* held by main: waits forever */
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_mutex_lock(&a);
  CHECK(pthread_create(&t, NULL, other, NULL) == 0);
  while (!has_b) {
    sched_yield();
  }
  printf("both mutexes taken; now each thread waits for the other\n");
  pthread_mutex_lock(&b); /* held by the other thread: waits forever */
  printf("not reached\n");
  return 0;
}
