package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether one of the launcher's own standard streams is a terminal on the host, so that the console
 * answers {@code TCGETS}/{@code TIOCGWINSZ} as the guest would see natively: a terminal when the
 * host's descriptor is one, ENOTTY when it is a pipe or a file (as in tests). Read from the host's
 * {@code /proc/self/fd/N} link (a {@code /dev/pts/*} or {@code /dev/tty*} target), without native
 * code; a stream that is not {@code System.in/out/err} is never a terminal.
 */
public final class HostTerminal {
  private HostTerminal() {}

  /** The host descriptor behind {@code stream} (0, 1, 2 for System.in/out/err), or -1. */
  public static int hostFd(Object stream) {
    if (stream == System.in) {
      return 0;
    }
    if (stream == System.out) {
      return 1;
    }
    if (stream == System.err) {
      return 2;
    }
    return -1;
  }

  /** True when host descriptor {@code fd} (0..2) is a terminal device. */
  public static boolean isTerminal(int fd) {
    if (fd < 0) {
      return false;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return isTerminalPath(target);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** True when host descriptor {@code fd} (0..2) is a pipe or FIFO. */
  public static boolean isPipe(int fd) {
    if (fd < 0) {
      return false;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("pipe:")
          || Files.isRegularFile(Path.of(target)) == false
              && target.startsWith("/")
              && isFifo(target);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static boolean isFifo(String path) {
    try {
      return Files.readAttributes(Path.of(path), java.nio.file.attribute.BasicFileAttributes.class)
          .isOther();
    } catch (IOException e) {
      return false;
    }
  }

  /** True for the path of a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN}, ...). */
  static boolean isTerminalPath(String target) {
    return target.startsWith("/dev/pts/")
        || target.startsWith("/dev/tty")
        || target.equals("/dev/console");
  }
}
