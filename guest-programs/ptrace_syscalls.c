/*
 * ptrace_syscalls - a tracer stopping its child at every system call (PTRACE_SYSCALL with
 * PTRACE_O_TRACESYSGOOD), as a mini strace, and changing what the child gets:
 *   - prints the number at each syscall-enter-stop and the result at each syscall-exit-stop
 *     between two marker calls of the child (getppid), orig_rax and rax included;
 *   - skips a call: orig_rax = -1 at its entry, rax set by the tracer (the child gets it, the
 *     call does not happen: the write never reaches the pipe);
 *   - changes a result at syscall-exit-stop (getpid returns 4242 to the child);
 *   - changes an argument at entry (the length of a write);
 *   - reads and writes the child's memory (PEEKDATA/POKEDATA) and registers (PEEKUSER/POKEUSER);
 *   - GETSIGINFO at a syscall stop, GETEVENTMSG (entry 1, exit 2);
 *   - the errors: ESRCH while the child runs, EPERM for a second TRACEME, EIO for a bad signal,
 *     EINVAL for an unknown option, ESRCH for a process it does not trace.
 * The child reports what it saw through a pipe read after it exited; only the tracer prints.
 */
#include "guest.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>

#define MARK_BEGIN 0x11
#define MARK_END 0x22

static long raw_syscall3(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

static volatile long poked_word = 0x1111111111111111L;

static void child(int report) {
  CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
  errno = 0;
  CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == -1 && errno == EPERM);
  raise(SIGSTOP);
  int devnull = open("/dev/null", 1);
  char buf[160];
  raw_syscall3(SYS_getppid, MARK_BEGIN, 0, 0);
  long w = raw_syscall3(SYS_write, devnull, (long) "hello", 5);      /* length changed to 3 */
  long s = raw_syscall3(SYS_write, report, (long) "SKIPPED!", 8);    /* skipped: -7777 */
  long pid = raw_syscall3(SYS_getpid, 0, 0, 0);                       /* result: 4242 */
  long bad = raw_syscall3(100000, 1, 2, 3);                           /* -ENOSYS */
  raw_syscall3(SYS_getppid, MARK_END, 0, 0);
  int n = snprintf(buf, sizeof buf, "child saw write=%ld skip=%ld getpid=%ld bad=%ld word=%lx\n",
                   w, s, pid, bad, (unsigned long) poked_word);
  CHECK(n > 0 && n < (int) sizeof buf && write(report, buf, n) == n);
  _exit(7);
}

/* Prints the lines of /proc/PID/status that start with one of the given keys. */
static void status_lines(pid_t pid) {
  char path[64], text[4096];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  ssize_t n = read(fd, text, sizeof text - 1);
  CHECK(n > 0);
  text[n] = 0;
  close(fd);
  for (char *line = strtok(text, "\n"); line; line = strtok(0, "\n")) {
    if (strncmp(line, "State:", 6) == 0) {
      printf("tracee %s\n", line);
    } else if (strncmp(line, "TracerPid:", 10) == 0) {
      printf("tracee TracerPid is the tracer: %d\n", atoi(line + 10) == getpid());
    }
  }
}

/* PTRACE_GET_SYSCALL_INFO at a syscall stop (offsets of struct ptrace_syscall_info). */
static void syscall_info(pid_t pid, int size) {
  unsigned char info[96];
  memset(info, 0xee, sizeof info);
  long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *) (long) size, info);
  unsigned arch;
  long long a, b;
  memcpy(&arch, info + 4, 4);
  memcpy(&a, info + 24, 8);
  memcpy(&b, info + 32, 8);
  if (size < 24) {
    printf("  syscall info (%d bytes asked): size %ld, op %d, byte %d untouched %d\n", size, n,
           info[0], size, info[size] == 0xee);
  } else if (info[0] == 1) {
    printf("  syscall info: size %ld, op entry, arch %x, nr %lld, arg0 %lld\n", n, arch, a, b);
  } else if (info[0] == 2) {
    printf("  syscall info: size %ld, op exit, rval %lld, is_error %d\n", n, a, info[32]);
  } else {
    printf("  syscall info: size %ld, op %d\n", n, info[0]);
  }
}

static const char *name(long nr) {
  switch (nr) {
    case SYS_write: return "write";
    case SYS_getpid: return "getpid";
    case SYS_getppid: return "getppid";
    default: return "?";
  }
}

int main(void) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
  }
  close(fds[1]);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  printf("first stop: stopped %d sig %s\n", WIFSTOPPED(st), WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "?");
  status_lines(pid);

  /* not a syscall stop: no syscall info */
  syscall_info(pid, 96);

  /* errors while stopped */
  errno = 0;
  CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) 0x40000000L) == -1);
  printf("unknown option: %s\n", errno == EINVAL ? "EINVAL" : "?");
  errno = 0;
  CHECK(ptrace(PTRACE_CONT, pid, 0, (void *) 65L) == -1);
  printf("CONT with signal 65: %s\n", errno == EIO ? "EIO" : "?");
  errno = 0;
  CHECK(ptrace(PTRACE_GETREGS, 1, 0, 0) == -1);
  printf("GETREGS of a process it does not trace: %s\n", errno == ESRCH ? "ESRCH" : "?");
  errno = 0;
  CHECK(ptrace(0x4299, pid, 0, 0) == -1);
  printf("unknown request: %s\n", errno == EIO ? "EIO" : "?");
  CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) PTRACE_O_TRACESYSGOOD) == 0);

  /* the child's memory: read and change a word */
  errno = 0;
  long word = ptrace(PTRACE_PEEKDATA, pid, (void *) &poked_word, 0);
  printf("PEEKDATA: %lx errno %d\n", word, errno);
  CHECK(ptrace(PTRACE_POKEDATA, pid, (void *) &poked_word, (void *) 0x2222222222222222L) == 0);
  errno = 0;
  ptrace(PTRACE_PEEKDATA, pid, (void *) 8, 0);
  printf("PEEKDATA of an unmapped address: %s\n", errno == EIO ? "EIO" : "?");
  errno = 0;
  long cs = ptrace(PTRACE_PEEKUSER, pid, (void *) offsetof(struct user_regs_struct, cs), 0);
  printf("PEEKUSER cs: %lx errno %d\n", cs, errno);
  errno = 0;
  ptrace(PTRACE_PEEKUSER, pid, (void *) 3, 0);
  printf("PEEKUSER misaligned: %s\n", errno == EIO ? "EIO" : "?");

  CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
  int tracing = 0, entering = 1, stops = 0;
  for (;;) {
    CHECK(waitpid(pid, &st, 0) == pid);
    if (WIFEXITED(st)) {
      printf("child exited %d after %d syscall stops in the marked part\n", WEXITSTATUS(st), stops);
      break;
    }
    CHECK(WIFSTOPPED(st));
    int sig = WSTOPSIG(st);
    if (sig != (SIGTRAP | 0x80)) {
      printf("unexpected stop %d\n", sig);
      CHECK(ptrace(PTRACE_SYSCALL, pid, 0, (void *) (long) sig) == 0);
      continue;
    }
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    long nr = (long) regs.orig_rax;
    if (entering && nr == SYS_getppid && regs.rdi == MARK_BEGIN) {
      tracing = 1;
      siginfo_t si;
      CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
      unsigned long msg = 99;
      CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
      printf("siginfo at entry: signo %d code 0x%x; eventmsg %lu\n", si.si_signo, si.si_code, msg);
    }
    if (tracing) {
      stops++;
      if (entering) {
        printf("enter %s(%ld) orig_rax %ld rax %ld\n", name(nr), (long) regs.rdi, nr, (long) regs.rax);
        syscall_info(pid, 96);
        if (nr == SYS_write && regs.rdx == 5) {
          regs.rdx = 3;
          CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
        } else if (nr == SYS_write && regs.rdx == 8) {
          regs.orig_rax = -1;
          regs.rax = -7777;
          CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
        } else if (nr == SYS_getpid) {
          /* POKEUSER of rbx, read back */
          CHECK(ptrace(PTRACE_POKEUSER, pid, (void *) offsetof(struct user_regs_struct, rbx),
                       (void *) 0x5a5a) == 0);
          long rbx = ptrace(PTRACE_PEEKUSER, pid, (void *) offsetof(struct user_regs_struct, rbx), 0);
          printf("POKEUSER/PEEKUSER rbx: %lx\n", rbx);
        }
      } else {
        unsigned long msg = 99;
        CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
        printf("exit  %s = %ld (eventmsg %lu)\n", name(nr), (long) regs.rax, msg);
        syscall_info(pid, nr == SYS_getpid ? 8 : 96);
        if (nr == SYS_getpid) {
          regs.rax = 4242;
          CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
        }
        if (nr == SYS_getppid && regs.rdi == MARK_END) {
          tracing = 0;
        }
      }
    }
    entering = !entering;
    CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
  }
  char buf[256];
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  CHECK(n > 0);
  buf[n] = 0;
  printf("%s", buf);
  errno = 0;
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == -1);
  printf("CONT after the exit: %s\n", errno == ESRCH ? "ESRCH" : "?");
  return 0;
}
