/*
 * cpu_affinity - the machine's CPUs as a program sees them: sysconf's processor counts, the
 * affinity mask, /proc/cpuinfo and /sys/devices/system/cpu agree; pinned to each CPU in turn,
 * getcpu (the system call, the vDSO's through sched_getcpu, the vsyscall page's), /proc/self/stat's
 * processor field and /proc/self/status's Cpus_allowed_list all name that CPU; a mask without an
 * online CPU is EINVAL and changes nothing; a forked child and a new thread inherit the mask; a
 * thread pinned by another while it sleeps wakes on its new CPU. Prints counts and CPU numbers that
 * depend only on how many CPUs the machine has (run under uvm4j with --cpus equal to the host's).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include "guest.h"

typedef long (*vgetcpu_t)(unsigned *, unsigned *, void *);

static int ncpus;

static void pin(int cpu) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(cpu, &s);
  CHECK(sched_setaffinity(0, sizeof s, &s) == 0);
}

static int sys_getcpu(void) {
  unsigned cpu = 12345, node = 12345;
  CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0);
  CHECK(node == 0);
  return (int)cpu;
}

static int vsyscall_getcpu(void) {
  unsigned cpu = 12345, node = 12345;
  vgetcpu_t f = (vgetcpu_t)0xffffffffff600800UL;
  CHECK(f(&cpu, &node, NULL) == 0);
  return (int)cpu;
}

/* Field 39 of /proc/self/stat (the comm field holds no spaces here). */
static int stat_cpu(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "r");
  CHECK(f != NULL);
  CHECK(fgets(buf, sizeof buf, f) != NULL);
  fclose(f);
  char *p = buf;
  for (int field = 1; field < 39; field++) {
    p = strchr(p, ' ');
    CHECK(p != NULL);
    p++;
  }
  return atoi(p);
}

/* The value of a "Name:\tvalue" line of /proc/self/status. */
static void status_line(const char *name, char *out, size_t len) {
  char buf[512];
  FILE *f = fopen("/proc/self/status", "r");
  CHECK(f != NULL);
  out[0] = 0;
  while (fgets(buf, sizeof buf, f)) {
    size_t n = strlen(name);
    if (strncmp(buf, name, n) == 0 && buf[n] == ':') {
      char *v = buf + n + 1;
      while (*v == '\t' || *v == ' ') v++;
      v[strcspn(v, "\n")] = 0;
      snprintf(out, len, "%s", v);
    }
  }
  fclose(f);
}

static void read_file(const char *path, char *out, size_t len) {
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  size_t n = fread(out, 1, len - 1, f);
  out[n] = 0;
  out[strcspn(out, "\n")] = 0;
  fclose(f);
}

static int count_processors(void) {
  char buf[512];
  int n = 0;
  FILE *f = fopen("/proc/cpuinfo", "r");
  CHECK(f != NULL);
  while (fgets(buf, sizeof buf, f)) {
    if (strncmp(buf, "processor", 9) == 0) n++;
  }
  fclose(f);
  return n;
}

static int sleeper_pipe[2];
static int sleeper_tid;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *sleeper(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  sleeper_tid = (int)syscall(SYS_gettid);
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  char c;
  CHECK(read(sleeper_pipe[0], &c, 1) == 1); /* sleeps until the main thread has pinned it */
  return (void *)(long)(sys_getcpu() * 1000 + sched_getcpu());
}

static void *inheritor(void *arg) {
  (void)arg;
  cpu_set_t s;
  CHECK(sched_getaffinity(0, sizeof s, &s) == 0);
  return (void *)(long)(CPU_COUNT(&s) * 1000 + sys_getcpu());
}

int main(void) {
  cpu_set_t all;
  CHECK(sched_getaffinity(0, sizeof all, &all) == 0);
  ncpus = CPU_COUNT(&all);
  for (int c = 0; c < ncpus; c++) CHECK(CPU_ISSET(c, &all)); /* CPUs 0..n-1, all allowed */
  printf("CPUs in the affinity mask: %d\n", ncpus);
  printf("sysconf ONLN %ld CONF %ld\n", sysconf(_SC_NPROCESSORS_ONLN),
         sysconf(_SC_NPROCESSORS_CONF));
  printf("processor entries in /proc/cpuinfo: %d\n", count_processors());
  char text[256];
  read_file("/sys/devices/system/cpu/online", text, sizeof text);
  printf("/sys/devices/system/cpu/online: %s\n", text);
  read_file("/sys/devices/system/cpu/possible", text, sizeof text);
  printf("/sys/devices/system/cpu/possible: %s\n", text);
  status_line("Cpus_allowed_list", text, sizeof text);
  printf("Cpus_allowed_list: %s\n", text);

  /* the raw call: at least nr_cpu_ids bits, whole longs (cpumask_size() is a kernel build choice) */
  unsigned long raw[16];
  long r = syscall(SYS_sched_getaffinity, 0, sizeof raw, raw);
  printf("raw sched_getaffinity: %s\n", r >= 8 && r % 8 == 0 && r * 8 >= ncpus ? "whole longs" : "?");
  errno = 0;
  r = syscall(SYS_sched_getaffinity, 0, 4, raw);
  printf("length 4: %ld errno %d (EINVAL %d)\n", r, errno, EINVAL);

  for (int c = 0; c < ncpus; c++) {
    pin(c);
    status_line("Cpus_allowed_list", text, sizeof text);
    printf("pinned to %d: getcpu %d, sched_getcpu %d, vsyscall getcpu %d, stat %d, allowed %s\n", c,
           sys_getcpu(), sched_getcpu(), vsyscall_getcpu(), stat_cpu(), text);
  }

  /* a mask holding no online CPU: EINVAL, the mask stays */
  cpu_set_t none;
  CPU_ZERO(&none);
  CPU_SET(ncpus, &none);
  errno = 0;
  int rc = sched_setaffinity(0, sizeof none, &none);
  printf("pin to CPU %d (not online): %d errno %d\n", ncpus, rc, errno);
  CPU_ZERO(&none);
  errno = 0;
  rc = sched_setaffinity(0, sizeof none, &none);
  printf("empty mask: %d errno %d\n", rc, errno);
  cpu_set_t now;
  CHECK(sched_getaffinity(0, sizeof now, &now) == 0);
  printf("still pinned to CPU %d only: %s, on it: %s\n", ncpus - 1,
         CPU_COUNT(&now) == 1 && CPU_ISSET(ncpus - 1, &now) ? "yes" : "no",
         sys_getcpu() == ncpus - 1 ? "yes" : "no");

  /* fork and pthread_create inherit the mask */
  pid_t child = xfork();
  if (child == 0) {
    cpu_set_t s;
    CHECK(sched_getaffinity(0, sizeof s, &s) == 0);
    printf("forked child: %d CPU(s) allowed, on CPU %d\n", CPU_COUNT(&s), sys_getcpu());
    _exit(0);
  }
  CHECK(xwait(child) == 0);
  pthread_t th;
  void *ret;
  CHECK(pthread_create(&th, NULL, inheritor, NULL) == 0);
  CHECK(pthread_join(th, &ret) == 0);
  printf("new thread: %ld CPU(s) allowed, on CPU %ld\n", (long)ret / 1000, (long)ret % 1000);

  /* another thread's mask, changed while it sleeps: it wakes on its new CPU */
  CHECK(sched_setaffinity(0, sizeof all, &all) == 0);
  CHECK(pipe(sleeper_pipe) == 0);
  CHECK(pthread_create(&th, NULL, sleeper, NULL) == 0);
  pthread_mutex_lock(&mu);
  while (sleeper_tid == 0) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(ncpus - 1, &one);
  CHECK(sched_setaffinity(sleeper_tid, sizeof one, &one) == 0);
  CHECK(sched_getaffinity(0, sizeof now, &now) == 0);
  printf("the main thread's mask is its own: %d CPU(s)\n", CPU_COUNT(&now));
  CHECK(write(sleeper_pipe[1], "x", 1) == 1);
  CHECK(pthread_join(th, &ret) == 0);
  printf("thread pinned while asleep woke on CPU %ld (sched_getcpu %ld)\n", (long)ret / 1000,
         (long)ret % 1000);
  printf("done\n");
  return 0;
}
