/*
 * poll_select - poll, ppoll, select and pselect6 over pipes, a file and the console: readiness
 * of empty, full and closed pipes, timeouts (virtual time under uvm4j), POLLNVAL and EBADF, a
 * child that writes later while the parent waits, and a signal handler ending a wait with EINTR
 * even under SA_RESTART. The output is the same natively and under uvm4j.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>

static volatile int alarms;
static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

static int poll1(int fd, short events, int timeout, short *revents) {
  struct pollfd p = {.fd = fd, .events = events};
  int r = poll(&p, 1, timeout);
  *revents = p.revents;
  return r;
}

int main(void) {
  int fds[2];
  short rev;
  CHECK(pipe(fds) == 0);

  {
    int pr = poll1(fds[0], POLLIN, 30, &rev);
    printf("empty pipe, timeout 30ms: %d revents %#x\n", pr, rev);
  }
  {
    int pr = poll1(fds[1], POLLOUT, 0, &rev);
    printf("write end: %d revents %#x\n", pr, rev);
  }
  CHECK(write(fds[1], "x", 1) == 1);
  {
    int pr = poll1(fds[0], POLLIN | POLLOUT, -1, &rev);
    printf("pipe with data: %d revents %#x\n", pr, rev);
  }
  {
    int pr = poll1(77, POLLIN, 0, &rev);
    printf("closed fd: %d revents %#x\n", pr, rev);
  }
  {
    int pr = poll1(-1, POLLIN, 0, &rev);
    printf("negative fd: %d revents %#x\n", pr, rev);
  }
  {
    int pr = poll1(1, POLLOUT, 0, &rev);
    printf("stdout: %d revents %#x\n", pr, rev);
  }

  int file = open("/", O_RDONLY | O_DIRECTORY);
  CHECK(file >= 0);
  {
    int pr = poll1(file, POLLIN | POLLOUT, 0, &rev);
    printf("directory: %d revents %#x\n", pr, rev);
  }

  /* a full pipe is not writable */
  int f2[2];
  CHECK(pipe2(f2, O_NONBLOCK) == 0);
  static char big[4096];
  long total = 0;
  ssize_t w;
  while ((w = write(f2[1], big, sizeof big)) > 0) total += w;
  printf("filled %ld bytes; writable: %d\n", total, poll1(f2[1], POLLOUT, 0, &rev));
  close(f2[0]);
  {
    int pr = poll1(f2[1], POLLOUT, 0, &rev);
    printf("no reader: %d revents %#x\n", pr, rev);
  }
  close(f2[1]);

  /* the writer goes away: POLLHUP after the data */
  char c;
  CHECK(read(fds[0], &c, 1) == 1);
  close(fds[1]);
  {
    int pr = poll1(fds[0], POLLIN, 0, &rev);
    printf("writer closed: %d revents %#x\n", pr, rev);
  }
  close(fds[0]);

  /* select */
  CHECK(pipe(fds) == 0);
  fd_set r, wr;
  FD_ZERO(&r);
  FD_ZERO(&wr);
  FD_SET(fds[0], &r);
  FD_SET(fds[1], &wr);
  struct timeval tv = {0, 20000};
  int n = select(fds[1] + 1, &r, &wr, NULL, &tv);
  printf("select: %d read %d write %d\n", n, FD_ISSET(fds[0], &r) != 0, FD_ISSET(fds[1], &wr) != 0);
  FD_ZERO(&r);
  FD_SET(fds[0], &r);
  tv.tv_sec = 0;
  tv.tv_usec = 25000;
  n = select(fds[0] + 1, &r, NULL, NULL, &tv);
  printf("select timeout: %d left %ld.%06ld\n", n, (long)tv.tv_sec, (long)tv.tv_usec);
  FD_ZERO(&r);
  FD_SET(60, &r);
  tv.tv_sec = 0;
  tv.tv_usec = 0;
  n = select(61, &r, NULL, NULL, &tv);
  printf("select closed fd: %d errno %d\n", n, n < 0 ? errno : 0);

  /* a child writes later; the parent waits in poll, then in pselect */
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    CHECK(write(fds[1], "hi", 2) == 2);
    nanosleep(&d, NULL);
    CHECK(write(fds[1], "!", 1) == 1);
    _exit(0);
  }
  {
    int pr = poll1(fds[0], POLLIN, 5000, &rev);
    printf("poll for the child: %d revents %#x\n", pr, rev);
  }
  char buf[8];
  CHECK(read(fds[0], buf, 2) == 2);
  FD_ZERO(&r);
  FD_SET(fds[0], &r);
  struct timespec ts = {5, 0};
  n = pselect(fds[0] + 1, &r, NULL, NULL, &ts, NULL);
  printf("pselect for the child: %d read %d\n", n, FD_ISSET(fds[0], &r) != 0);
  CHECK(read(fds[0], buf, 1) == 1);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));

  /* a handler ends the wait with EINTR, even with SA_RESTART */
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval it = {{0, 0}, {0, 30000}};
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  n = poll1(fds[0], POLLIN, -1, &rev);
  printf("poll interrupted: %d errno %d alarms %d\n", n, n < 0 ? errno : 0, alarms);
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  FD_ZERO(&r);
  FD_SET(fds[0], &r);
  n = select(fds[0] + 1, &r, NULL, NULL, NULL);
  printf("select interrupted: %d errno %d alarms %d\n", n, n < 0 ? errno : 0, alarms);

  /* ppoll with SIGALRM blocked outside and unblocked for the call */
  sigset_t block, none;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  sigemptyset(&none);
  CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  n = ppoll(&p, 1, NULL, &none);
  printf("ppoll with the call's mask: %d errno %d alarms %d\n", n, n < 0 ? errno : 0, alarms);
  sigset_t now;
  CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
  printf("mask restored after the handler: %d\n", sigismember(&now, SIGALRM));
  struct timespec zero = {0, 10000000};
  n = ppoll(&p, 1, &zero, &none);
  printf("ppoll timeout: %d left %ld\n", n, (long)zero.tv_nsec);
  CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
  printf("mask restored after a timeout: %d\n", sigismember(&now, SIGALRM));
  return 0;
}
