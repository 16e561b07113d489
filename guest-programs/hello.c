/* hello: the smallest guest. Prints a greeting and its arguments; exits with argc - 1. */
#include "guest.h"

int main(int argc, char **argv) {
  printf("hello, world\n");
  for (int i = 1; i < argc; i++) {
    printf("arg %d: %s\n", i, argv[i]);
  }
  return argc - 1;
}
