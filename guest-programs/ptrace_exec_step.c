/*
 * ptrace_exec_step - execve under ptrace, single-stepping, and the tracer's exit:
 *   - a PTRACE_TRACEME'd child that execs gets SIGTRAP (signal-delivery-stop, SI_USER);
 *   - a PTRACE_SEIZE'd child with PTRACE_O_TRACEEXEC stops at PTRACE_EVENT_EXEC instead, with
 *     the former thread id as event message; SEIZE with an unknown option is EIO;
 *   - PTRACE_SINGLESTEP through a fixed instruction sequence between two int3: one SIGTRAP
 *     (TRAP_TRACE) per instruction, RIP and RAX after each;
 *   - a software breakpoint: POKETEXT of int3 into read-only text (FOLL_FORCE), hit and removed;
 *   - a tracee sent to an unmapped or non-canonical RIP dies of SIGSEGV;
 *   - a tracer that exits with PTRACE_O_EXITKILL takes its tracee with it (SIGKILL); the orphan is
 *     collected by this program (pid 1 here and in the native run under unshare -pf).
 * Run with argument "exec-child N" it only exits with status N (the exec'd image).
 */
#include "guest.h"

#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>

static const char *self;

static int wait_stop(pid_t pid, int *status) {
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  if (!WIFSTOPPED(st)) {
    printf("not stopped: status 0x%x\n", st);
    exit(1);
  }
  if (status) {
    *status = st;
  }
  return WSTOPSIG(st);
}

static void exec_traceme(void) {
  pid_t pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    execl(self, self, "exec-child", "11", (char *) 0);
    _exit(1);
  }
  int sig = wait_stop(pid, 0);
  siginfo_t si;
  CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
  printf("after execve: stop for %s, code %s\n", sig == SIGTRAP ? "SIGTRAP" : "other",
         si.si_code == SI_USER ? "SI_USER" : "other");
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  int st = xwait(pid);
  printf("exec'd child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void exec_seized(void) {
  int go[2];
  CHECK(pipe(go) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(go[1]);
    char c;
    CHECK(read(go[0], &c, 1) == 1);
    execl(self, self, "exec-child", "12", (char *) 0);
    _exit(1);
  }
  close(go[0]);
  errno = 0;
  CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *) 0x40000000L) == -1);
  printf("SEIZE with an unknown option: %s\n", errno == EIO ? "EIO" : "?");
  CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *) PTRACE_O_TRACEEXEC) == 0);
  CHECK(write(go[1], "g", 1) == 1);
  int st;
  int sig = wait_stop(pid, &st);
  unsigned long msg = 0;
  CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
  printf("seized child: stop %s, event exec %d, message is its pid %d\n",
         sig == SIGTRAP ? "SIGTRAP" : "other", (st >> 16) == PTRACE_EVENT_EXEC, msg == (unsigned long) pid);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  st = xwait(pid);
  printf("seized child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(go[1]);
}

extern char step_start[], step_end[];

static void stepped_target(void) {
  __asm__ volatile(
      "int3\n"
      ".globl step_start\n"
      "step_start:\n"
      "mov $5, %%eax\n"
      "add $7, %%eax\n"
      "nop\n"
      "lea 3(%%rax), %%rax\n"
      "jmp 1f\n"
      "ud2\n"
      "1: imul $2, %%rax, %%rax\n"
      ".globl step_end\n"
      "step_end:\n"
      "int3\n"
      :
      :
      : "rax", "cc");
}

static void single_step(void) {
  pid_t pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    raise(SIGSTOP);
    stepped_target();
    _exit(13);
  }
  CHECK(wait_stop(pid, 0) == SIGSTOP);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  CHECK(wait_stop(pid, 0) == SIGTRAP); /* the first int3 */
  struct user_regs_struct regs;
  CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
  printf("int3: at step_start %d\n", regs.rip == (unsigned long) step_start);
  for (int i = 0; i < 10 && regs.rip != (unsigned long) step_end; i++) {
    CHECK(ptrace(PTRACE_SINGLESTEP, pid, 0, 0) == 0);
    int sig = wait_stop(pid, 0);
    siginfo_t si;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    printf("step %d: %s code %d rip step_start+%ld rax %lld\n", i, sig == SIGTRAP ? "SIGTRAP" : "other",
           si.si_code, (long) (regs.rip - (unsigned long) step_start), (long long) regs.rax);
  }
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  CHECK(wait_stop(pid, 0) == SIGTRAP); /* the second int3 */
  CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
  printf("int3 again: after step_end %d\n", regs.rip == (unsigned long) step_end + 1);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  int st = xwait(pid);
  printf("stepped child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A tracer that sends its tracee to a bad RIP (unmapped, non-canonical): the tracee gets SIGSEGV. */
static void bad_rip(unsigned long rip) {
  pid_t pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    raise(SIGSTOP);
    _exit(0);
  }
  CHECK(wait_stop(pid, 0) == SIGSTOP);
  struct user_regs_struct regs;
  CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
  regs.rip = rip;
  CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  int sig = wait_stop(pid, 0);
  CHECK(ptrace(PTRACE_CONT, pid, 0, (void *) (long) sig) == 0);
  int st = xwait(pid);
  printf("rip %#lx: stop for signal %d, then killed by %d\n", rip, sig,
         WIFSIGNALED(st) ? WTERMSIG(st) : -1);
}

/* A software breakpoint: POKETEXT of an int3 into the read-only text, hit, then taken out. */
static void breakpoint(void) {
  pid_t pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    raise(SIGSTOP);
    stepped_target();
    _exit(14);
  }
  CHECK(wait_stop(pid, 0) == SIGSTOP);
  unsigned long at = (unsigned long) step_start;
  errno = 0;
  long orig = ptrace(PTRACE_PEEKTEXT, pid, (void *) at, 0);
  CHECK(errno == 0);
  CHECK(ptrace(PTRACE_POKETEXT, pid, (void *) at, (void *) ((orig & ~0xffL) | 0xcc)) == 0);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  CHECK(wait_stop(pid, 0) == SIGTRAP); /* the int3 before step_start */
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  int sig = wait_stop(pid, 0); /* the breakpoint */
  struct user_regs_struct regs;
  CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
  printf("breakpoint: %s at step_start+%ld\n", sig == SIGTRAP ? "SIGTRAP" : "other",
         (long) (regs.rip - at));
  CHECK(ptrace(PTRACE_POKETEXT, pid, (void *) at, (void *) orig) == 0);
  regs.rip = at;
  CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  CHECK(wait_stop(pid, 0) == SIGTRAP); /* the int3 at step_end */
  CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
  printf("after the breakpoint: rax %lld at step_end+1 %d\n", (long long) regs.rax,
         regs.rip == (unsigned long) step_end + 1);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  int st = xwait(pid);
  printf("breakpointed child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void exitkill(void) {
  int ready[2];
  CHECK(pipe(ready) == 0);
  pid_t middle = xfork();
  if (middle == 0) {
    close(ready[0]);
    pid_t t = xfork();
    if (t == 0) {
      CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
      raise(SIGSTOP);
      for (;;) {
        pause();
      }
    }
    int st;
    CHECK(waitpid(t, &st, 0) == t && WIFSTOPPED(st));
    CHECK(ptrace(PTRACE_SETOPTIONS, t, 0, (void *) PTRACE_O_EXITKILL) == 0);
    CHECK(ptrace(PTRACE_CONT, t, 0, 0) == 0);
    CHECK(write(ready[1], &t, sizeof t) == sizeof t);
    _exit(0); /* the tracer exits: EXITKILL */
  }
  close(ready[1]);
  pid_t t = 0;
  CHECK(read(ready[0], &t, sizeof t) == sizeof t);
  int st = xwait(middle);
  printf("tracer exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  st = xwait(t); /* reparented to us */
  printf("its tracee: killed by SIGKILL %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  close(ready[0]);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "exec-child") == 0) {
    return atoi(argv[2]);
  }
  self = argv[0];
  if (getpid() != 1) {
    printf("run me as pid 1 (unshare -pf --mount-proc): the EXITKILL orphan comes back to pid 1\n");
    return 2;
  }
  exec_traceme();
  exec_seized();
  single_step();
  bad_rip(0x1000);
  bad_rip(0x8000000000000000UL);
  breakpoint();
  exitkill();
  return 0;
}
