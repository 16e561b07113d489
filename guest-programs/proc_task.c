/* /proc/PID/task while a process has three threads: one directory per live thread, named by its
 * tid, each with the per-thread files; /proc/self/status says how many threads there are; a thread
 * that has exited is gone from task/. Prints only what is the same natively and under uvm4j. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started, release;
static pid_t tids[2];

static void *worker(void *arg) {
  int i = (int)(long)arg;
  pthread_mutex_lock(&mu);
  tids[i] = (pid_t)syscall(SYS_gettid);
  started++;
  pthread_cond_broadcast(&cv);
  while (release <= i) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return NULL;
}

static int count_tasks(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) {
    perror("opendir /proc/self/task");
    exit(1);
  }
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] != '.') n++;
  }
  closedir(d);
  return n;
}

static int status_threads(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int n = -1;
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "Threads:", 8) == 0) n = atoi(line + 8);
  }
  if (f) fclose(f);
  return n;
}

static int task_has(pid_t tid, const char *file) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/%s", (int)tid, file);
  return access(path, R_OK) == 0;
}

int main(void) {
  printf("one thread: task entries %d, Threads %d\n", count_tasks(), status_threads());
  pthread_t th[2];
  for (long i = 0; i < 2; i++) pthread_create(&th[i], NULL, worker, (void *)i);
  pthread_mutex_lock(&mu);
  while (started < 2) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  printf("three threads: task entries %d, Threads %d\n", count_tasks(), status_threads());
  printf("task/<main tid>/stat %d, task/<worker tid>/status %d, task/<worker tid>/maps %d\n",
         task_has(getpid(), "stat"), task_has(tids[0], "status"), task_has(tids[1], "maps"));
  pthread_mutex_lock(&mu);
  release = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  pthread_join(th[0], NULL);
  /* natively the joined thread's task entry goes a moment after the join returns (the kernel
   * clears the tid word the join waits for before it releases the task): wait for that, bounded */
  for (int i = 0; i < 2000 && task_has(tids[0], "stat"); i++) usleep(1000);
  printf("after a join: task entries %d, Threads %d, the joined tid gone %d\n", count_tasks(),
         status_threads(), !task_has(tids[0], "stat"));
  pthread_mutex_lock(&mu);
  release = 2;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  pthread_join(th[1], NULL);
  return 0;
}
