/* abort: dies by SIGABRT (status 134). */
#include "kt.h"
int main(void) {
  printf("aborting\n");
  abort();
}
