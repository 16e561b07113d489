/*
 * int_args - Linux reads only the low 32 bits of a system call's int arguments (fd, flags, pid,
 * signal, whence, advice, clock id...): the upper half of the register is ignored. Each call is
 * made twice through raw syscall instructions, once with clean registers and once with garbage in
 * the upper 32 bits of every int argument, and prints both results: the lines are the same natively
 * and under uvm4j. Also checks the quiet calls real programs make at start-up (set_robust_list,
 * rseq, prctl, sysinfo, times, fadvise64, sigaltstack, getrusage, uname, terminal ioctls).
 */
#include "guest.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define HI 0xdeadbeef00000000UL
#define GRND_NONBLOCK_FLAG 1
#define PR_GET_DUMPABLE_NR 3

static char alt[16384];
static volatile int on_alt, alt_flags, alt_change;

static void on_usr1(int sig) {
  char here;
  (void)sig;
  on_alt = &here >= alt && &here < alt + sizeof alt;
  stack_t cur;
  sigaltstack(0, &cur);
  alt_flags = cur.ss_flags;
  stack_t again = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  alt_change = sigaltstack(&again, 0) == 0 ? 0 : errno;
}

static long sys6(long nr, unsigned long a, unsigned long b, unsigned long c, unsigned long d,
                 unsigned long e, unsigned long f) {
  long r;
  register unsigned long r10 __asm__("r10") = d;
  register unsigned long r8 __asm__("r8") = e;
  register unsigned long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return r;
}

static void show(const char *what, long clean, long dirty) {
  printf("%-28s clean %ld garbage %ld\n", what, clean, dirty);
}

int main(void) {
  static char buf[4096];
  static char path[] = "/";
  int fds[2];
  CHECK(pipe(fds) == 0);
  CHECK(write(fds[1], "abcdef", 6) == 6);

  long a, b;
  a = sys6(SYS_read, fds[0], (long)buf, 2, 0, 0, 0);
  b = sys6(SYS_read, HI | fds[0], (long)buf, 2, 0, 0, 0);
  show("read(fd)", a, b);
  a = sys6(SYS_write, 1, (long)"", 0, 0, 0, 0);
  b = sys6(SYS_write, HI | 1, (long)"", 0, 0, 0, 0);
  show("write(fd, 0 bytes)", a, b);
  a = sys6(SYS_openat, (unsigned int)AT_FDCWD, (long)path, O_RDONLY | O_DIRECTORY, 0, 0, 0);
  b = sys6(SYS_openat, HI | (unsigned int)AT_FDCWD, (long)path, HI | O_RDONLY | O_DIRECTORY,
           HI, 0, 0);
  show("openat(AT_FDCWD, flags)", a >= 0, b >= 0);
  if (a >= 0) close(a);
  if (b >= 0) close(b);
  a = sys6(SYS_fcntl, fds[0], F_DUPFD, 20, 0, 0, 0);
  b = sys6(SYS_fcntl, HI | fds[0], HI | F_DUPFD, HI | 30, 0, 0, 0);
  show("fcntl(F_DUPFD)", a, b);
  a = sys6(SYS_fcntl, 20, F_SETFD, FD_CLOEXEC, 0, 0, 0);
  b = sys6(SYS_fcntl, HI | 30, HI | F_SETFD, HI | FD_CLOEXEC, 0, 0, 0);
  show("fcntl(F_SETFD)", a, b);
  a = sys6(SYS_fcntl, 20, F_GETFD, 0, 0, 0, 0);
  b = sys6(SYS_fcntl, HI | 30, HI | F_GETFD, 0, 0, 0, 0);
  show("fcntl(F_GETFD)", a, b);
  a = sys6(SYS_fcntl, 20, F_GETFL, 0, 0, 0, 0);
  b = sys6(SYS_fcntl, HI | 30, HI | F_GETFL, 0, 0, 0, 0);
  show("fcntl(F_GETFL)", a, b);
  a = sys6(SYS_dup2, 20, 21, 0, 0, 0, 0);
  b = sys6(SYS_dup2, HI | 30, HI | 31, 0, 0, 0, 0);
  show("dup2", a, b);
  a = sys6(SYS_dup3, 20, 22, O_CLOEXEC, 0, 0, 0);
  b = sys6(SYS_dup3, HI | 30, HI | 32, HI | O_CLOEXEC, 0, 0, 0);
  show("dup3", a, b);
  a = sys6(SYS_close, 22, 0, 0, 0, 0, 0);
  b = sys6(SYS_close, HI | 32, 0, 0, 0, 0, 0);
  show("close", a, b);
  a = sys6(SYS_lseek, fds[0], 0, SEEK_CUR, 0, 0, 0);
  b = sys6(SYS_lseek, HI | fds[0], 0, HI | SEEK_CUR, 0, 0, 0);
  show("lseek(pipe)", a, b);
  a = sys6(SYS_ioctl, 1, 0x5413 /* TIOCGWINSZ */, (long)buf, 0, 0, 0);
  b = sys6(SYS_ioctl, HI | 1, HI | 0x5413, (long)buf, 0, 0, 0);
  show("ioctl(TIOCGWINSZ, pipe)", a, b);
  a = sys6(SYS_ioctl, fds[0], 0x541B /* FIONREAD */, (long)buf, 0, 0, 0);
  b = sys6(SYS_ioctl, HI | fds[0], HI | 0x541B, (long)buf, 0, 0, 0);
  show("ioctl(FIONREAD)", a, b);
  a = sys6(SYS_faccessat, (unsigned int)AT_FDCWD, (long)path, R_OK, 0, 0, 0);
  b = sys6(SYS_faccessat, HI | (unsigned int)AT_FDCWD, (long)path, HI | R_OK, 0, 0, 0);
  show("faccessat", a, b);
  a = sys6(SYS_kill, getpid(), 0, 0, 0, 0, 0);
  b = sys6(SYS_kill, HI | getpid(), HI, 0, 0, 0, 0);
  show("kill(self, 0)", a, b);
  a = sys6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)buf, 8, 0, 0);
  b = sys6(SYS_rt_sigprocmask, HI | SIG_BLOCK, 0, (long)buf, 8, 0, 0);
  show("rt_sigprocmask(how)", a, b);
  a = sys6(SYS_rt_sigaction, SIGUSR1, 0, (long)buf, 8, 0, 0);
  b = sys6(SYS_rt_sigaction, HI | SIGUSR1, 0, (long)buf, 8, 0, 0);
  show("rt_sigaction(sig)", a, b);
  a = sys6(SYS_getrusage, RUSAGE_SELF, (long)buf, 0, 0, 0, 0);
  b = sys6(SYS_getrusage, HI | RUSAGE_SELF, (long)buf, 0, 0, 0, 0);
  show("getrusage(who)", a, b);
  a = sys6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)buf, 0, 0, 0, 0);
  b = sys6(SYS_clock_gettime, HI | CLOCK_MONOTONIC, (long)buf, 0, 0, 0, 0);
  show("clock_gettime(clockid)", a, b);
  a = sys6(SYS_clock_getres, CLOCK_REALTIME, (long)buf, 0, 0, 0, 0);
  b = sys6(SYS_clock_getres, HI | CLOCK_REALTIME, (long)buf, 0, 0, 0, 0);
  show("clock_getres(clockid)", a, b);
  a = sys6(SYS_getrandom, (long)buf, 16, GRND_NONBLOCK_FLAG, 0, 0, 0);
  b = sys6(SYS_getrandom, (long)buf, 16, HI | GRND_NONBLOCK_FLAG, 0, 0, 0);
  show("getrandom(flags)", a, b);
  void *m = (void *)sys6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         (unsigned int)-1, 0);
  void *m2 = (void *)sys6(SYS_mmap, 0, 4096, HI | PROT_READ | PROT_WRITE,
                          HI | MAP_PRIVATE | MAP_ANONYMOUS, HI | (unsigned int)-1, 0);
  show("mmap(prot, flags, fd)", m != MAP_FAILED, m2 != MAP_FAILED);
  a = sys6(SYS_mprotect, (long)m, 4096, PROT_READ, 0, 0, 0);
  b = sys6(SYS_mprotect, (long)m2, 4096, HI | PROT_READ, 0, 0, 0);
  show("mprotect(prot)", a, b);
  a = sys6(SYS_madvise, (long)m, 4096, MADV_DONTNEED, 0, 0, 0);
  b = sys6(SYS_madvise, (long)m2, 4096, HI | MADV_DONTNEED, 0, 0, 0);
  show("madvise(advice)", a, b);
  a = sys6(SYS_fadvise64, fds[0], 0, 0, POSIX_FADV_NORMAL, 0, 0);
  b = sys6(SYS_fadvise64, HI | fds[0], 0, 0, HI | POSIX_FADV_NORMAL, 0, 0);
  show("fadvise64(pipe)", a, b);
  a = sys6(SYS_fadvise64, 0 + 77, 0, 0, 0, 0, 0);
  b = sys6(SYS_fadvise64, HI | 77, 0, 0, 0, 0, 0);
  show("fadvise64(bad fd)", a, b);
  a = sys6(SYS_prctl, PR_GET_DUMPABLE_NR, 0, 0, 0, 0, 0);
  b = sys6(SYS_prctl, HI | PR_GET_DUMPABLE_NR, 0, 0, 0, 0, 0);
  show("prctl(PR_GET_DUMPABLE)", a, b);
  a = sys6(SYS_wait4, (unsigned int)-1, 0, WNOHANG, 0, 0, 0);
  b = sys6(SYS_wait4, HI | (unsigned int)-1, 0, HI | WNOHANG, 0, 0, 0);
  show("wait4(no children)", a, b);

  /* the quiet start-up calls */
  static long robust[3];
  printf("set_robust_list %ld\n", sys6(SYS_set_robust_list, (long)robust, 24, 0, 0, 0, 0));
  printf("set_robust_list(len 8) %ld\n", sys6(SYS_set_robust_list, (long)robust, 8, 0, 0, 0, 0));
  long head = 0, len = 0;
  long got = sys6(SYS_get_robust_list, 0, (long)&head, (long)&len, 0, 0, 0);
  printf("get_robust_list %ld same %d len %ld\n", got, head == (long)robust, len);
  long rseq = sys6(SYS_rseq, 0, 0, 0, 0, 0, 0);
  printf("rseq(NULL) fails %d\n", rseq < 0); /* EINVAL with rseq, ENOSYS without */
  char name[16] = {0};
  CHECK(sys6(SYS_prctl, 15 /* PR_SET_NAME */, (long)"worker-thread-name", 0, 0, 0, 0) == 0);
  CHECK(sys6(SYS_prctl, 16 /* PR_GET_NAME */, (long)name, 0, 0, 0, 0) == 0);
  printf("prctl name '%s'\n", name);
  printf("prctl(bogus) %ld\n", sys6(SYS_prctl, 0x7fff1234, 0, 0, 0, 0, 0));
  long si[14];
  CHECK(sys6(SYS_sysinfo, (long)si, 0, 0, 0, 0, 0) == 0);
  printf("sysinfo totalram>=freeram %d mem_unit %d procs>0 %d\n", si[4] >= si[5],
         *(int *)((char *)si + 104), *(unsigned short *)((char *)si + 80) > 0);
  long tms[4];
  long t = sys6(SYS_times, (long)tms, 0, 0, 0, 0, 0);
  printf("times >= 0 %d\n", t >= 0);
  unsigned short ws[4];
  printf("ioctl(TCGETS, stdout pipe) %ld\n", sys6(SYS_ioctl, 1, 0x5401, (long)buf, 0, 0, 0));
  printf("ioctl(TIOCGWINSZ, pipe) %ld\n", sys6(SYS_ioctl, fds[0], 0x5413, (long)ws, 0, 0, 0));

  /* sigaltstack: a handler with SA_ONSTACK runs on the alternate stack */
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  stack_t old;
  CHECK(sigaltstack(&ss, &old) == 0);
  printf("old altstack disabled %d\n", old.ss_flags == SS_DISABLE);
  stack_t small = {.ss_sp = alt, .ss_size = 100, .ss_flags = 0};
  int r = sigaltstack(&small, 0);
  printf("sigaltstack(small) %d errno %d\n", r, errno);
  stack_t bad = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 77};
  r = sigaltstack(&bad, 0);
  printf("sigaltstack(bad flags) %d errno %d\n", r, errno);
  CHECK(sigaltstack(0, &old) == 0);
  printf("altstack set %d flags %d\n", old.ss_sp == alt && old.ss_size == sizeof alt, old.ss_flags);
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_ONSTACK;
  CHECK(sigaction(SIGUSR1, &sa, 0) == 0);
  raise(SIGUSR1);
  printf("handler on altstack %d flags %d change errno %d\n", on_alt, alt_flags, alt_change);
  sa.sa_flags = 0;
  CHECK(sigaction(SIGUSR1, &sa, 0) == 0);
  raise(SIGUSR1);
  printf("handler without SA_ONSTACK on altstack %d\n", on_alt);
  return 0;
}
