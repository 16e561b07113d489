/*
 * ptrace_signals - signal-delivery-stops and the tracer's say over them:
 *   - the SIGSTOP of raise() after PTRACE_TRACEME (siginfo SI_TKILL), suppressed by CONT 0;
 *   - requests while the tracee runs or sleeps: ESRCH;
 *   - a signal suppressed (CONT 0: the handler never runs, the sleeping read goes on);
 *   - a signal replaced by another (CONT SIGUSR1 after a SIGUSR2: the handler sees SIGUSR1 with
 *     SI_USER from the tracer);
 *   - an ignored signal still stops the tracee;
 *   - waitid reports a stop as CLD_TRAPPED;
 *   - PTRACE_DETACH with a signal: delivered to the no longer traced child;
 *   - PTRACE_ATTACH to a sleeping child (its SIGSTOP stop), DETACH, and the child goes on;
 *   - PTRACE_KILL of a stopped tracee.
 * Children report through shared memory, printed by the parent after they exited.
 */
#include "guest.h"

#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>

struct report {
  int got[8];
  int codes[8];
  int from_tracer[8];
  int n;
  int read_result;
  char read_byte;
};

static struct report *rep;
static pid_t tracer_pid;
static int ack_fd = -1; /* the handler says it ran: the tracer waits for it before going on */

static void handler(int sig, siginfo_t *si, void *uc) {
  (void) uc;
  if (rep->n < 8) {
    rep->got[rep->n] = sig;
    rep->codes[rep->n] = si->si_code;
    rep->from_tracer[rep->n] = si->si_pid == tracer_pid;
    rep->n++;
  }
  if (ack_fd >= 0) {
    (void) !write(ack_fd, "a", 1);
  }
}

static void install(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  CHECK(sigaction(sig, &sa, 0) == 0);
}

static int wait_stop(pid_t pid) {
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  if (!WIFSTOPPED(st)) {
    printf("not stopped: status 0x%x\n", st);
    exit(1);
  }
  return WSTOPSIG(st);
}

static const char *signame(int s) {
  switch (s) {
    case SIGSTOP: return "SIGSTOP";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGWINCH: return "SIGWINCH";
    case SIGTRAP: return "SIGTRAP";
    case SIGKILL: return "SIGKILL";
    default: return "other";
  }
}

static void traced_child(int go) {
  install(SIGUSR1);
  install(SIGUSR2);
  signal(SIGWINCH, SIG_IGN);
  CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
  raise(SIGSTOP);
  char c = 0;
  rep->read_result = read(go, &c, 1); /* signals come while it sleeps here */
  rep->read_byte = c;
  CHECK(read(go, &c, 1) == 1);         /* and here, after the detach */
  _exit(5);
}

static void first_child(void) {
  int go[2], ack[2];
  char a;
  CHECK(pipe(go) == 0);
  CHECK(pipe(ack) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(go[1]);
    close(ack[0]);
    ack_fd = ack[1];
    traced_child(go[0]);
  }
  close(go[0]);
  close(ack[1]);
  printf("first stop: %s\n", signame(wait_stop(pid)));
  siginfo_t si;
  CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
  printf("its siginfo: %s code %s\n", signame(si.si_signo), si.si_code == SI_TKILL ? "SI_TKILL" : "?");
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  errno = 0;
  struct user_regs_struct regs;
  CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == -1);
  printf("GETREGS while it runs or sleeps: %s\n", errno == ESRCH ? "ESRCH" : "?");

  CHECK(kill(pid, SIGUSR1) == 0);
  int s = wait_stop(pid);
  CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
  printf("stop for %s, code %s, from the tracer %d; suppressed\n", signame(s),
         si.si_code == SI_USER ? "SI_USER" : "?", si.si_pid == getpid());
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);

  CHECK(kill(pid, SIGUSR2) == 0);
  printf("stop for %s: replaced by SIGUSR1\n", signame(wait_stop(pid)));
  CHECK(ptrace(PTRACE_CONT, pid, 0, (void *) SIGUSR1) == 0);
  CHECK(read(ack[0], &a, 1) == 1); /* the SIGUSR1 handler ran */

  CHECK(kill(pid, SIGWINCH) == 0);
  /* waitid sees the stop as CLD_TRAPPED */
  siginfo_t wi;
  memset(&wi, 0, sizeof wi);
  CHECK(waitid(P_PID, pid, &wi, WEXITED | WSTOPPED) == 0);
  printf("waitid: code %s status %s (an ignored signal stops too)\n",
         wi.si_code == CLD_TRAPPED ? "CLD_TRAPPED" : "?", signame(wi.si_status));
  CHECK(ptrace(PTRACE_CONT, pid, 0, (void *) SIGWINCH) == 0);

  CHECK(write(go[1], "x", 1) == 1);
  CHECK(kill(pid, SIGUSR2) == 0);
  printf("stop for %s: detach with it\n", signame(wait_stop(pid)));
  CHECK(ptrace(PTRACE_DETACH, pid, 0, (void *) SIGUSR2) == 0);
  CHECK(read(ack[0], &a, 1) == 1); /* the SIGUSR2 handler ran */
  errno = 0;
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == -1);
  printf("CONT after the detach: %s\n", errno == ESRCH ? "ESRCH" : "?");
  CHECK(write(go[1], "y", 1) == 1);
  int st = xwait(pid);
  printf("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  printf("its read: %d '%c'; handlers ran %d times:", rep->read_result, rep->read_byte, rep->n);
  for (int i = 0; i < rep->n; i++) {
    printf(" %s(%s,%s)", signame(rep->got[i]), rep->codes[i] == SI_USER ? "SI_USER" : "other",
           rep->from_tracer[i] ? "tracer" : "other");
  }
  printf("\n");
  close(go[1]);
  close(ack[0]);
}

static void attach_child(void) {
  int go[2];
  CHECK(pipe(go) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(go[1]);
    char c;
    CHECK(read(go[0], &c, 1) == 1);
    _exit(c == 'z' ? 6 : 1);
  }
  close(go[0]);
  CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0);
  errno = 0;
  CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == -1);
  printf("ATTACH twice: %s\n", errno == EPERM ? "EPERM" : "?");
  printf("attached: stop for %s\n", signame(wait_stop(pid)));
  CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0);
  CHECK(write(go[1], "z", 1) == 1);
  int st = xwait(pid);
  printf("attached child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(go[1]);
}

static void killed_child(void) {
  pid_t pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    raise(SIGSTOP);
    _exit(1);
  }
  printf("third child: stop for %s, PTRACE_KILL\n", signame(wait_stop(pid)));
  CHECK(ptrace(PTRACE_KILL, pid, 0, 0) == 0);
  int st = xwait(pid);
  printf("killed by %s\n", WIFSIGNALED(st) ? signame(WTERMSIG(st)) : "nothing");
}

int main(void) {
  rep = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(rep != MAP_FAILED);
  tracer_pid = getpid();
  first_child();
  attach_child();
  killed_child();
  errno = 0;
  CHECK(waitpid(-1, 0, WNOHANG) == -1);
  printf("no child left: %s\n", errno == ECHILD ? "ECHILD" : "?");
  return 0;
}
