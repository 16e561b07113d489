/*
 * ptrace_restart - a traced call that a signal interrupts while it sleeps, as the tracer sees it
 * under PTRACE_SYSCALL: the call's syscall-exit-stop with -ERESTARTSYS (-512), then the
 * signal-delivery-stop, then
 *   - a handler with SA_RESTART: the handler's rt_sigreturn, and the call entered again;
 *   - a handler without SA_RESTART: rt_sigreturn returning -EINTR, and read() gives EINTR;
 *   - the signal suppressed by the tracer: the call entered again at once.
 * The tracer feeds the pipe the child reads at the restarted call's entry; only the tracer prints.
 */
#include "guest.h"

#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>

#define MARK_BEGIN 0x11
#define MARK_END 0x22

static volatile int handled;

static void handler(int sig) {
  handled = handled * 100 + sig;
}

static void child(int in, int report) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  CHECK(sigaction(SIGUSR1, &sa, 0) == 0);
  sa.sa_flags = 0;
  CHECK(sigaction(SIGUSR2, &sa, 0) == 0);
  CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
  raise(SIGSTOP);
  syscall(SYS_getppid, MARK_BEGIN);
  char c1 = 0, c2 = 0, c3 = 0;
  long r1 = read(in, &c1, 1); /* SIGUSR1, handler with SA_RESTART: restarted, then 'a' */
  long r2 = read(in, &c2, 1); /* SIGUSR2, handler without SA_RESTART: EINTR */
  int e2 = errno;
  long r3 = read(in, &c3, 1); /* SIGUSR1 suppressed by the tracer: restarted, then 'b' */
  syscall(SYS_getppid, MARK_END);
  char buf[128];
  int n = snprintf(buf, sizeof buf, "child: read %ld '%c', read %ld errno %s, read %ld '%c', handlers %d\n",
                   r1, c1, r2, e2 == EINTR ? "EINTR" : "other", r3, c3, handled);
  CHECK(n > 0 && n < (int) sizeof buf && write(report, buf, n) == n);
  _exit(0);
}

static const char *name(long nr) {
  switch (nr) {
    case SYS_read: return "read";
    case SYS_rt_sigreturn: return "rt_sigreturn";
    case SYS_getppid: return "getppid";
    case SYS_rt_sigprocmask: return "rt_sigprocmask";
    default: return "other";
  }
}

static const char *signame(int s) {
  return s == SIGUSR1 ? "SIGUSR1" : s == SIGUSR2 ? "SIGUSR2" : s == SIGSTOP ? "SIGSTOP" : "other";
}

int main(void) {
  int data[2], rep[2];
  CHECK(pipe(data) == 0 && pipe(rep) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(data[1]);
    close(rep[0]);
    child(data[0], rep[1]);
  }
  close(data[0]);
  close(rep[1]);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) PTRACE_O_TRACESYSGOOD) == 0);
  CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
  int tracing = 0, in_call = 0, reads = 0, entries_of_read = 0;
  long entry_nr = -1;
  for (;;) {
    CHECK(waitpid(pid, &st, 0) == pid);
    if (WIFEXITED(st)) {
      printf("child exited %d\n", WEXITSTATUS(st));
      break;
    }
    CHECK(WIFSTOPPED(st));
    int sig = WSTOPSIG(st);
    long inject = 0;
    if (sig == (SIGTRAP | 0x80)) {
      struct user_regs_struct regs;
      CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
      long nr = in_call ? entry_nr : (long) regs.orig_rax;
      if (!in_call && nr == SYS_getppid && regs.rdi == MARK_BEGIN) {
        tracing = 1;
      }
      if (tracing) {
        if (!in_call) {
          entry_nr = nr;
          printf("enter %s\n", name(nr));
          if (nr == SYS_read) {
            entries_of_read++;
            /* the first entry of each read: a signal interrupts it; a restarted entry: data */
            if (entries_of_read == 1) {
              reads++;
            } else {
              CHECK(write(data[1], reads == 1 ? "a" : "b", 1) == 1);
            }
          }
        } else {
          printf("exit  %s = %ld, orig_rax %ld\n", name(nr), (long) regs.rax, (long) regs.orig_rax);
          if (nr == SYS_read && (long) regs.rax != -512) {
            entries_of_read = 0;
          }
          if (nr == SYS_rt_sigreturn && (long) regs.rax == -EINTR) {
            entries_of_read = 0; /* read #2 ended with EINTR */
          }
          if (nr == SYS_getppid && regs.rdi == MARK_END) {
            tracing = 0;
          }
        }
      }
      in_call = !in_call;
      CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
      if (tracing && in_call && nr == SYS_read && entries_of_read == 1) {
        CHECK(kill(pid, reads == 2 ? SIGUSR2 : SIGUSR1) == 0);
      }
      continue;
    }
    printf("signal %s%s\n", signame(sig), reads == 3 ? ": suppressed" : ": delivered");
    inject = reads == 3 ? 0 : sig;
    CHECK(ptrace(PTRACE_SYSCALL, pid, 0, (void *) inject) == 0);
  }
  char buf[160];
  ssize_t n = read(rep[0], buf, sizeof buf - 1);
  CHECK(n > 0);
  buf[n] = 0;
  printf("%s", buf);
  return 0;
}
