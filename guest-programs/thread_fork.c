/* thread_fork: threads meet fork, signals, shared futexes and exec.
 * 1. A thread calls fork while another thread holds a mutex: the child has only the forking
 *    thread, the mutex stays locked in the child (trylock: EBUSY), and the child's writes are
 *    copy-on-write against the parent's threads.
 * 2. pthread_kill (tgkill) runs the handler on the target thread; a process-directed kill goes to
 *    the one thread that does not block the signal.
 * 3. A futex word in MAP_SHARED memory: the parent waits (shared futex, no PRIVATE flag); the
 *    forked child wakes it until a wake finds it asleep, then changes the word and wakes it.
 * 4. A thread of a child process calls execve while another thread runs: the new program is the
 *    process's only thread and keeps the pid.
 * 5. A thread changes a page's protection while another reads it: the reader faults at once.
 * Built with musl (build/thread_fork) and glibc (build/thread_fork.glibc). */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <sys/syscall.h>

#include "guest.h"

#define FUTEX_WAIT 0 /* <linux/futex.h> is not in musl's headers */
#define FUTEX_WAKE 1

extern char **environ;

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int holder_ready, release_holder;
static int shared_value = 1;

static void *holder(void *arg) {
  (void)arg;
  pthread_mutex_lock(&held);
  pthread_mutex_lock(&gate);
  holder_ready = 1;
  pthread_cond_broadcast(&gate_cv);
  while (!release_holder) {
    pthread_cond_wait(&gate_cv, &gate);
  }
  pthread_mutex_unlock(&gate);
  pthread_mutex_unlock(&held);
  return NULL;
}

static void *forker(void *arg) {
  (void)arg;
  pid_t c = fork();
  CHECK(c >= 0);
  if (c == 0) {
    /* only this thread exists here; the holder's lock is still taken */
    int busy = pthread_mutex_trylock(&held) == EBUSY;
    shared_value = 99; /* copy-on-write: the parent keeps 1 */
    _exit(busy ? 0 : 1);
  }
  expect_exit(c, 0);
  return NULL;
}

static volatile pid_t handled_by;
static volatile int handled_sig;
static void on_usr(int sig) {
  handled_by = (pid_t)syscall(SYS_gettid); /* before handled_sig, which main waits for */
  __atomic_store_n(&handled_sig, sig, __ATOMIC_SEQ_CST);
}

static volatile pid_t target_tid;
static volatile int stop_spin;
static void *spinner(void *arg) {
  (void)arg;
  target_tid = (pid_t)syscall(SYS_gettid);
  while (!stop_spin) {
    sched_yield();
  }
  return NULL;
}

static long futex(int *uaddr, int op, int val) {
  return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static char *self_path;
static void *execer(void *arg) {
  (void)arg;
  char *args[] = {self_path, "execd", NULL};
  execve(self_path, args, environ);
  _exit(127);
}

static volatile unsigned char *watched;
static sigjmp_buf segv_jump;
static void on_segv(int sig) {
  (void)sig;
  siglongjmp(segv_jump, 1);
}
static volatile int reader_started;
static void *reader(void *arg) {
  (void)arg;
  if (sigsetjmp(segv_jump, 1) == 0) {
    reader_started = 1;
    for (;;) {
      (void)watched[0];
      sched_yield();
    }
  }
  return (void *)1;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "execd") == 0) {
    /* the exec'd image: one thread, same pid as the process that exec'd */
    printf("exec from a thread: new image runs alone, pid kept: %s\n",
           getpid() == (pid_t)syscall(SYS_gettid) ? "yes" : "no");
    return 5;
  }
  self_path = argv[0];

  /* 1 */
  pthread_t h, f;
  CHECK(pthread_create(&h, NULL, holder, NULL) == 0);
  pthread_mutex_lock(&gate);
  while (!holder_ready) {
    pthread_cond_wait(&gate_cv, &gate);
  }
  pthread_mutex_unlock(&gate);
  CHECK(pthread_create(&f, NULL, forker, NULL) == 0);
  CHECK(pthread_join(f, NULL) == 0);
  pthread_mutex_lock(&gate);
  release_holder = 1;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate);
  CHECK(pthread_join(h, NULL) == 0);
  CHECK(shared_value == 1);
  printf("fork from a thread: child saw the other thread's mutex locked; parent's data intact\n");

  /* 2 */
  struct sigaction sa = {0};
  sa.sa_handler = on_usr;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  pthread_t s;
  CHECK(pthread_create(&s, NULL, spinner, NULL) == 0);
  while (target_tid == 0) {
    sched_yield();
  }
  CHECK(pthread_kill(s, SIGUSR1) == 0);
  while (handled_sig == 0) {
    sched_yield();
  }
  CHECK(handled_by == target_tid);
  printf("pthread_kill: the handler ran on the target thread\n");
  /* main blocks SIGUSR1: a process-directed kill must go to the spinner */
  handled_sig = 0;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
  CHECK(kill(getpid(), SIGUSR1) == 0);
  while (handled_sig == 0) {
    sched_yield();
  }
  CHECK(handled_by == target_tid);
  stop_spin = 1;
  CHECK(pthread_join(s, NULL) == 0);
  CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
  printf("kill to the process: taken by the thread that does not block it\n");

  /* 3 */
  int *word = (int *)xmap(PAGE, MAP_SHARED);
  *word = 0;
  pid_t c = xfork();
  if (c == 0) {
    /*
     * The word stays 0 until a wake has found the parent asleep in FUTEX_WAIT (it must get there:
     * nothing else changes the word). Publishing first could let the parent see 1 and never sleep,
     * and a loop waking until someone is woken would then spin for ever.
     */
    while (futex(word, FUTEX_WAKE, 1) == 0) {
      sched_yield();
    }
    __atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
    futex(word, FUTEX_WAKE, 1);
    _exit(0);
  }
  int woken = 0;
  while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) {
    long r = futex(word, FUTEX_WAIT, 0);
    CHECK(r == 0 || errno == EAGAIN || errno == EINTR);
    woken |= r == 0;
  }
  expect_exit(c, 0);
  CHECK(woken);
  printf("shared futex across fork on MAP_SHARED memory: woken by the child\n");

  /* 4 */
  c = xfork();
  if (c == 0) {
    pthread_t e, sp;
    stop_spin = 0;
    CHECK(pthread_create(&sp, NULL, spinner, NULL) == 0);
    CHECK(pthread_create(&e, NULL, execer, NULL) == 0);
    for (;;) {
      sched_yield();
    }
  }
  expect_exit(c, 5);
  printf("the exec'd program's status reached the parent\n");

  /* 5 */
  watched = xmap(PAGE, MAP_PRIVATE);
  watched[0] = 1;
  struct sigaction sv = {0};
  sv.sa_handler = on_segv;
  sigemptyset(&sv.sa_mask);
  CHECK(sigaction(SIGSEGV, &sv, NULL) == 0);
  pthread_t r;
  CHECK(pthread_create(&r, NULL, reader, NULL) == 0);
  while (!reader_started) {
    sched_yield();
  }
  CHECK(mprotect((void *)watched, PAGE, PROT_NONE) == 0);
  void *rv;
  CHECK(pthread_join(r, &rv) == 0);
  CHECK(rv == (void *)1);
  printf("mprotect by one thread: the other thread's next read faulted\n");
  printf("thread_fork: ok\n");
  return 0;
}
