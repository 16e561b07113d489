/*
 * wall_clock - the realtime clock is the wall clock and advances with the monotonic clock:
 * clock_gettime(CLOCK_REALTIME), gettimeofday and time agree; after a 20 ms sleep REALTIME and
 * MONOTONIC have both advanced by at least 20 ms and by the same amount (within 5 ms); a file
 * created in /tmp has an mtime between the readings before and after. With "-p" it also prints
 * the realtime second it started at (for a test that compares it with the host's clock).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "guest.h"

static long long ns(clockid_t clk) {
  struct timespec ts;
  CHECK(clock_gettime(clk, &ts) == 0);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  long long rt0 = ns(CLOCK_REALTIME), mono0 = ns(CLOCK_MONOTONIC);
  struct timeval tv;
  CHECK(gettimeofday(&tv, NULL) == 0);
  time_t t = time(NULL);
  long long s0 = rt0 / 1000000000LL;
  CHECK(tv.tv_sec >= s0 && tv.tv_sec <= s0 + 1);
  CHECK(t >= s0 - 1 && t <= s0 + 1); /* time() is the coarse clock: up to a tick behind */
  printf("realtime, gettimeofday and time agree\n");
  CHECK(s0 > 1500000000LL); /* after 2017: not a clock counting from boot */
  printf("realtime is a date, not time since boot\n");

  struct timespec req = {0, 20000000};
  CHECK(nanosleep(&req, NULL) == 0);
  long long drt = ns(CLOCK_REALTIME) - rt0, dmono = ns(CLOCK_MONOTONIC) - mono0;
  CHECK(drt >= 20000000 && dmono >= 20000000);
  CHECK(llabs(drt - dmono) < 5000000);
  printf("realtime and monotonic advance together\n");

  char path[64];
  snprintf(path, sizeof path, "/tmp/wall_clock.%d", (int)getpid());
  long long before = ns(CLOCK_REALTIME);
  int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
  CHECK(fd >= 0);
  CHECK(write(fd, "x", 1) == 1);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  long long after = ns(CLOCK_REALTIME);
  long long m = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  /* Linux stamps files with the coarse clock: up to a tick behind the precise reading */
  CHECK(m >= before - 1000000000LL && m <= after);
  CHECK(close(fd) == 0 && unlink(path) == 0);
  printf("a new file's mtime is the realtime clock's\n");

  if (argc > 1 && strcmp(argv[1], "-p") == 0) {
    printf("started at %lld\n", s0);
  }
  return 0;
}
