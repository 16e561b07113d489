/* kt.h: checks for the kernel's own test guests (built by KernelSyscallTest with musl-gcc). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c)                                                                  \
  do {                                                                            \
    if (!(c)) {                                                                   \
      fprintf(stderr, "%s:%d: check failed: %s (errno %d)\n", __FILE__, __LINE__, #c, \
              errno);                                                             \
      _exit(1);                                                                   \
    }                                                                             \
  } while (0)

__attribute__((constructor)) static void kt_init(void) { setvbuf(stdout, NULL, _IONBF, 0); }
