/*
 * dev_tty - /dev/tty without a controlling terminal: every open is ENXIO (Linux's
 * tty_open_current_tty), whatever the access mode or O_NONBLOCK, while the node itself is a
 * character device that stat sees. The tests run it natively under setsid (no controlling
 * terminal) and under uvm4j with pipes for stdin and stdout.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "guest.h"

static void try_open(const char *what, int flags) {
  errno = 0;
  int fd = open("/dev/tty", flags);
  printf("open(/dev/tty, %s) = %d%s\n", what, fd < 0 ? -1 : 0,
         fd < 0 && errno == ENXIO ? " ENXIO" : fd < 0 ? " (another errno)" : "");
  if (fd >= 0) close(fd);
}

int main(void) {
  struct stat st;
  CHECK(stat("/dev/tty", &st) == 0);
  printf("/dev/tty is a character device %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
  CHECK(S_ISCHR(st.st_mode));
  try_open("O_RDONLY", O_RDONLY);
  try_open("O_WRONLY", O_WRONLY);
  try_open("O_RDWR", O_RDWR);
  try_open("O_RDWR|O_NONBLOCK|O_NOCTTY", O_RDWR | O_NONBLOCK | O_NOCTTY);
  printf("isatty(0) %d isatty(1) %d\n", isatty(0), isatty(1));
  return 0;
}
