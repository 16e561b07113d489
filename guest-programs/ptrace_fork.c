/*
 * ptrace_fork - following new processes and threads, and stopping a running tracee:
 *   - with PTRACE_O_TRACEFORK and PTRACE_O_TRACECLONE, a tracee's fork() and pthread_create()
 *     stop it at PTRACE_EVENT_FORK / PTRACE_EVENT_CLONE (event message: the new task's id) and the
 *     new process and thread are traced from their start: a SIGSTOP stop (ATTACH/TRACEME) or a
 *     PTRACE_EVENT_STOP trap (SEIZE);
 *   - PTRACE_INTERRUPT stops a seized tracee sleeping in read() with PTRACE_EVENT_STOP, and the
 *     read goes on after it; INTERRUPT of a tracee that was not seized is EIO.
 * The stops of several tracees come in an order that depends on scheduling, so the tracer counts
 * them and prints the counts once everything has exited.
 */
#include "guest.h"

#include <pthread.h>
#include <sys/ptrace.h>

#ifndef __WALL
#define __WALL 0x40000000
#endif

static void *thread_main(void *arg) {
  (void) arg;
  return (void *) 21;
}

static void family(void) {
  pid_t g = fork();
  if (g == 0) {
    _exit(31);
  }
  CHECK(g > 0);
  int st;
  CHECK(waitpid(g, &st, 0) == g && WIFEXITED(st) && WEXITSTATUS(st) == 31);
  pthread_t t;
  void *ret = 0;
  CHECK(pthread_create(&t, 0, thread_main, 0) == 0);
  CHECK(pthread_join(t, &ret) == 0 && ret == (void *) 21);
}

struct counts {
  int fork_events, clone_events, sigstop_starts, trap_starts, other_stops, exits, new_ids_match;
};

/* Runs the tracer loop until every tracee has exited; `first` is the traced child. */
static void follow(pid_t first, struct counts *c) {
  int live = 1;
  pid_t announced[8];
  int nannounced = 0;
  pid_t started[8];
  int nstarted = 0;
  while (live > 0) {
    int st;
    pid_t w = waitpid(-1, &st, __WALL);
    CHECK(w > 0);
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      c->exits++;
      live--;
      continue;
    }
    CHECK(WIFSTOPPED(st));
    int event = st >> 16;
    int sig = WSTOPSIG(st);
    if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_CLONE) {
      unsigned long msg = 0;
      CHECK(ptrace(PTRACE_GETEVENTMSG, w, 0, &msg) == 0);
      if (event == PTRACE_EVENT_FORK) {
        c->fork_events++;
      } else {
        c->clone_events++;
      }
      announced[nannounced++] = (pid_t) msg;
      live++;
    } else if (w != first && event == 0 && sig == SIGSTOP) {
      c->sigstop_starts++;
      started[nstarted++] = w;
      sig = 0;
    } else if (w != first && event == PTRACE_EVENT_STOP && sig == SIGTRAP) {
      c->trap_starts++;
      started[nstarted++] = w;
    } else {
      c->other_stops++;
    }
    CHECK(ptrace(PTRACE_CONT, w, 0, (void *) (long) (event ? 0 : sig)) == 0);
  }
  int match = nannounced == nstarted;
  for (int i = 0; i < nannounced && match; i++) {
    int found = 0;
    for (int j = 0; j < nstarted; j++) {
      found |= announced[i] == started[j];
    }
    match = found;
  }
  c->new_ids_match = match;
}

static void print_counts(const char *how, struct counts *c) {
  printf("%s: fork events %d, clone events %d, new tasks starting with SIGSTOP %d, with a trap %d,"
         " other stops %d, exits %d, event messages name the new tasks %d\n",
         how, c->fork_events, c->clone_events, c->sigstop_starts, c->trap_starts, c->other_stops,
         c->exits, c->new_ids_match);
}

static void traceme_family(void) {
  pid_t pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    raise(SIGSTOP);
    family();
    _exit(0);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *) (PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE)) == 0);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  struct counts c = {0};
  follow(pid, &c);
  print_counts("TRACEME", &c);
}

static void seized_family(void) {
  int go[2];
  CHECK(pipe(go) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(go[1]);
    char b;
    CHECK(read(go[0], &b, 1) == 1);
    family();
    _exit(0);
  }
  close(go[0]);
  CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *) (PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE)) == 0);
  CHECK(write(go[1], "g", 1) == 1);
  struct counts c = {0};
  follow(pid, &c);
  print_counts("SEIZE", &c);
  close(go[1]);
}

static void interrupt(void) {
  int go[2];
  CHECK(pipe(go) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    close(go[1]);
    char b = 0;
    ssize_t n = read(go[0], &b, 1);
    _exit(n == 1 ? b : 99);
  }
  close(go[0]);
  CHECK(ptrace(PTRACE_SEIZE, pid, 0, 0) == 0);
  CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  printf("INTERRUPT: stopped %d, %s, event stop %d\n", WIFSTOPPED(st),
         WSTOPSIG(st) == SIGTRAP ? "SIGTRAP" : "other", (st >> 16) == PTRACE_EVENT_STOP);
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  CHECK(write(go[1], "\x2a", 1) == 1);
  st = xwait(pid);
  printf("the interrupted read went on: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(go[1]);

  pid = xfork();
  if (pid == 0) {
    CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
    raise(SIGSTOP);
    _exit(0);
  }
  CHECK(waitpid(pid, &st, 0) == pid && WIFSTOPPED(st));
  errno = 0;
  CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == -1);
  printf("INTERRUPT without SEIZE: %s\n", errno == EIO ? "EIO" : "?");
  CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
  st = xwait(pid);
  printf("exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void) {
  traceme_family();
  seized_family();
  interrupt();
  return 0;
}
