/* bigmap.c: host memory stays bounded: a 64 GiB sparse host file and /dev/zero mapped privately
 * cost only the pages touched. argv[1]: the big file. */
#include "kt.h"
#include <fcntl.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
  CHECK(argc == 2);
  int fd = open(argv[1], O_RDONLY);
  CHECK(fd >= 0);
  unsigned long big = 64ul << 30;
  unsigned char *f = mmap(0, big, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(f != MAP_FAILED);
  CHECK(f[0] == 'A' && f[40ul << 30] == 'B' && f[(40ul << 30) + 1] == 0);
  CHECK(munmap(f, big) == 0);
  close(fd);
  printf("bigmap: 64 GiB file mapped, two pages read\n");

  int z = open("/dev/zero", O_RDONLY);
  CHECK(z >= 0);
  unsigned char *zp = mmap(0, 1ul << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
  CHECK(zp != MAP_FAILED);
  CHECK(zp[12345] == 0 && zp[(1ul << 30) - 1] == 0);
  zp[5] = 7;
  CHECK(zp[5] == 7);
  CHECK(munmap(zp, 1ul << 30) == 0);
  printf("bigmap: /dev/zero mapped privately\n");

  return 0;
}
