/*
 * tty_console - the console when it is a terminal: the tests run it under script(1), which gives
 * it a pseudo-terminal as stdin, stdout, stderr and controlling terminal, natively and under
 * uvm4j (whose console then is a terminal). TCGETS/TCSETS keep the settings, TIOCGWINSZ answers,
 * /dev/tty opens and writes to the terminal, a non-blocking read of it is EAGAIN while nothing was
 * typed, or end of file once script(1) passed on the end of its own stdin (/dev/null in the tests:
 * when that happens is script's business). Without a terminal it says so and exits 2.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "guest.h"

int main(void) {
  if (!isatty(0) || !isatty(1)) {
    printf("no terminal\n");
    return 2;
  }
  printf("stdin, stdout, stderr are terminals: %d %d %d\n", isatty(0), isatty(1), isatty(2));
  struct termios t, u;
  CHECK(ioctl(1, TCGETS, &t) == 0);
  printf("TCGETS: ICANON %s, ECHO %s\n", (t.c_lflag & ICANON) ? "on" : "off",
         (t.c_lflag & ECHO) ? "on" : "off");
  u = t;
  u.c_lflag &= ~ECHO;
  CHECK(ioctl(1, TCSETS, &u) == 0);
  CHECK(ioctl(1, TCGETS, &u) == 0);
  printf("TCSETS without ECHO, TCGETS: ECHO %s\n", (u.c_lflag & ECHO) ? "on" : "off");
  CHECK(ioctl(1, TCSETS, &t) == 0);
  struct winsize ws;
  CHECK(ioctl(1, TIOCGWINSZ, &ws) == 0);
  printf("TIOCGWINSZ answers\n");
  int fd = open("/dev/tty", O_RDWR | O_NONBLOCK);
  CHECK(fd >= 0);
  CHECK(isatty(fd));
  CHECK(write(fd, "written to /dev/tty\n", 20) == 20);
  char c;
  errno = 0;
  ssize_t n = read(fd, &c, 1);
  CHECK((n < 0 && errno == EAGAIN) || n == 0);
  printf("a non-blocking read of /dev/tty: nothing typed, or end of file\n");
  CHECK(close(fd) == 0);
  return 0;
}
