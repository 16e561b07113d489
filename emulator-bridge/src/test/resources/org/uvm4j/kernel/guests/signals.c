#define _GNU_SOURCE
/* signals: handlers with siginfo, masks, SA_RESETHAND, SA_RESTART vs EINTR, fault handlers that
 * longjmp out, kill/SIGTERM of a child, SIGCHLD, pause. */
#include <setjmp.h>
#include <sys/time.h>
#include <signal.h>
#include <sys/wait.h>
#include "kt.h"

static volatile int got, code, from, sig_seen;
static volatile void *addr;
static sigjmp_buf jb;

static void on_info(int s, siginfo_t *si, void *uc) {
  (void)uc;
  got++;
  sig_seen = s;
  code = si->si_code;
  from = si->si_pid;
}

static void on_segv(int s, siginfo_t *si, void *uc) {
  (void)s;
  (void)uc;
  addr = si->si_addr;
  siglongjmp(jb, 1);
}

static void on_plain(int s) { sig_seen = s; got++; }

/* clobbers every SSE register */
static void on_sse(int s) {
  (void)s;
  __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tmovdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm7\n\t"
                   "movdqa %%xmm0, %%xmm15" ::: "xmm0", "xmm1", "xmm7", "xmm15");
  got++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_info;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, 0) == 0);

  /* a handler runs with siginfo and the interrupted computation resumes intact */
  volatile long acc = 0;
  for (int i = 0; i < 100; i++) acc += i;
  CHECK(raise(SIGUSR1) == 0);
  CHECK(got == 1 && sig_seen == SIGUSR1 && code == SI_TKILL && from == getpid());
  for (int i = 0; i < 100; i++) acc += i;
  CHECK(acc == 9900);
  printf("signals: handler ran with siginfo\n");

  /* the interrupted code's SSE registers survive a handler that uses them */
  sa.sa_handler = on_sse;
  sa.sa_flags = 0;
  CHECK(sigaction(SIGUSR2, &sa, 0) == 0);
  double x = 1.5;
  unsigned long xmm_before, xmm_after;
  __asm__ volatile("movsd %1, %%xmm7\n\tmovq %%xmm7, %0" : "=r"(xmm_before) : "m"(x) : "xmm7");
  CHECK(raise(SIGUSR2) == 0 && got == 2);
  __asm__ volatile("movq %%xmm7, %0" : "=r"(xmm_after));
  CHECK(xmm_before == xmm_after);
  got = 1;
  printf("signals: SSE state preserved across a handler\n");

  /* blocked: pending, delivered on unblock */
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(got == 1);
  sigset_t pend;
  CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1));
  CHECK(sigprocmask(SIG_SETMASK, &old, 0) == 0);
  CHECK(got == 2 && code == SI_USER);
  printf("signals: blocked signal delivered when unblocked\n");

  /* SA_RESETHAND: the second one takes the default action; ignore it instead */
  sa.sa_handler = on_plain;
  sa.sa_flags = SA_RESETHAND;
  CHECK(sigaction(SIGUSR2, &sa, 0) == 0);
  CHECK(raise(SIGUSR2) == 0 && sig_seen == SIGUSR2 && got == 3);
  struct sigaction cur;
  CHECK(sigaction(SIGUSR2, 0, &cur) == 0 && cur.sa_handler == SIG_DFL);
  printf("signals: SA_RESETHAND\n");

  /* a SIGSEGV handler sees the address and jumps out */
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGSEGV, &sa, 0) == 0);
  if (sigsetjmp(jb, 1) == 0) {
    *(volatile int *)0x1234 = 1;
    CHECK(0);
  }
  /* the emulator reports the faulting page, so si_addr is exact to the page */
  CHECK(((unsigned long)addr & ~0xfffUL) == 0x1000);
  printf("signals: SIGSEGV handler got si_addr and longjmp'd out\n");

  /* SIGKILL and SIGSTOP cannot be caught */
  CHECK(sigaction(SIGKILL, &sa, 0) == -1 && errno == EINVAL);
  CHECK(sigaction(SIGSTOP, &sa, 0) == -1 && errno == EINVAL);
  CHECK(sigaction(65, &sa, 0) == -1 && errno == EINVAL);
  CHECK(kill(getpid(), 99) == -1 && errno == EINVAL);
  CHECK(kill(99999, 0) == -1 && errno == ESRCH);
  CHECK(kill(getpid(), 0) == 0);

  /* a child killed by SIGTERM is reported as such */
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t c = fork();
  CHECK(c >= 0);
  if (c == 0) {
    char b;
    read(p[0], &b, 1); /* blocks forever: nobody writes */
    _exit(0);
  }
  CHECK(kill(c, SIGTERM) == 0);
  int st;
  CHECK(waitpid(c, &st, 0) == c);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
  printf("signals: blocked child killed by SIGTERM\n");

  /* read interrupted by a handler: EINTR without SA_RESTART, restarted with it */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_plain;
  CHECK(sigaction(SIGALRM, &sa, 0) == 0);
  c = fork();
  if (c == 0) {
    kill(getppid(), SIGALRM);
    _exit(0);
  }
  char b;
  got = 0;
  ssize_t n = read(p[0], &b, 1);
  CHECK(n == -1 && errno == EINTR && got == 1);
  CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st));
  sa.sa_flags = SA_RESTART;
  CHECK(sigaction(SIGALRM, &sa, 0) == 0);
  c = fork();
  if (c == 0) {
    kill(getppid(), SIGALRM);
    write(p[1], "z", 1);
    _exit(0);
  }
  got = 0;
  n = read(p[0], &b, 1);
  CHECK(n == 1 && b == 'z');
  CHECK(waitpid(c, &st, 0) == c);
  printf("signals: EINTR without SA_RESTART, restart with it\n");

  /* pause returns after a handler ran */
  c = fork();
  if (c == 0) {
    kill(getppid(), SIGALRM);
    _exit(0);
  }
  got = 0;
  CHECK(pause() == -1 && errno == EINTR && got == 1);
  CHECK(waitpid(c, &st, 0) == c);

  /* sigsuspend: wait with SIGALRM unblocked; afterwards it is blocked again */
  sigset_t blk, none, now;
  sigemptyset(&blk);
  sigaddset(&blk, SIGALRM);
  sigemptyset(&none);
  CHECK(sigprocmask(SIG_BLOCK, &blk, 0) == 0);
  c = fork();
  if (c == 0) {
    kill(getppid(), SIGALRM);
    _exit(0);
  }
  got = 0;
  CHECK(sigsuspend(&none) == -1 && errno == EINTR && got == 1);
  CHECK(sigprocmask(SIG_SETMASK, 0, &now) == 0 && sigismember(&now, SIGALRM));
  CHECK(sigprocmask(SIG_UNBLOCK, &blk, 0) == 0);
  CHECK(waitpid(c, &st, 0) == c);
  printf("signals: sigsuspend\n");

  /* alarm and interval timers in virtual time: pause until SIGALRM; a spinning loop is
   * interrupted by a periodic timer */
  got = 0;
  CHECK(alarm(2) == 0);
  CHECK(alarm(1) == 2);
  CHECK(pause() == -1 && errno == EINTR && got == 1 && sig_seen == SIGALRM);
  struct itimerval itv = {{0, 10000}, {0, 10000}}; /* every 10 ms */
  CHECK(setitimer(ITIMER_REAL, &itv, 0) == 0);
  got = 0;
  while (got < 3) {
  }
  struct itimerval cur_itv;
  CHECK(getitimer(ITIMER_REAL, &cur_itv) == 0 && cur_itv.it_interval.tv_usec == 10000);
  memset(&itv, 0, sizeof itv);
  CHECK(setitimer(ITIMER_REAL, &itv, 0) == 0);
  CHECK(getitimer(ITIMER_REAL, &cur_itv) == 0 && cur_itv.it_value.tv_usec == 0);
  CHECK(setitimer(ITIMER_VIRTUAL, &itv, 0) == -1 && errno == EINVAL);
  printf("signals: alarm, setitimer\n");

  /* SIGCHLD handler */
  sa.sa_handler = on_plain;
  sa.sa_flags = 0;
  CHECK(sigaction(SIGCHLD, &sa, 0) == 0);
  got = 0;
  c = fork();
  if (c == 0) _exit(7);
  CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 7);
  CHECK(got == 1 && sig_seen == SIGCHLD);
  printf("signals: pause and SIGCHLD\n");

  /* SIGCHLD ignored: children are reaped by the kernel, wait finds none */
  signal(SIGCHLD, SIG_IGN);
  c = fork();
  if (c == 0) _exit(3);
  CHECK(waitpid(-1, &st, 0) == -1 && errno == ECHILD);
  printf("signals: ok\n");
  return 0;
}
