package org.uvm4j.kernel.syscall;

import java.util.Map;
import org.uvm4j.kernel.fs.Console;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The terminal ioctls on the console ({@code drivers/tty/tty_ioctl.c}): TCGETS, TCSETS/TCSETSW/
 * TCSETSF and TIOCGWINSZ when the console is a terminal on the host ({@link Console#isTerminal()}),
 * ENOTTY on every other descriptor and on a console that is a pipe or a file, as Linux answers.
 */
final class Tty {
  static final int TCGETS = 0x5401;
  static final int TIOCGWINSZ = 0x5413;

  /** struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (unsigned short each). */
  static final int WINSIZE_SIZE = 8;

  private Tty() {}

  static long ioctl(SyscallContext c, OpenFile f, int cmd, long arg) throws UvmException {
    if (!(f instanceof Console con) || !con.isTerminal()) {
      return -Errno.ENOTTY;
    }
    if (cmd == TCGETS) {
      return c.mem().write(arg, con.termios()) != 0 ? -Errno.EFAULT : 0;
    }
    if (cmd == TIOCGWINSZ) {
      Map<String, String> env = System.getenv();
      var b = c.mem().buffer(WINSIZE_SIZE);
      b.putShort(0, (short) dimension(env.get("LINES"), 24));
      b.putShort(2, (short) dimension(env.get("COLUMNS"), 80));
      b.putShort(4, (short) 0);
      b.putShort(6, (short) 0);
      return c.mem().out(arg, WINSIZE_SIZE) != 0 ? -Errno.EFAULT : 0;
    }
    byte[] t = new byte[Console.TERMIOS_SIZE];
    c.mem().read(arg, t, 0, t.length);
    con.setTermios(t);
    return 0;
  }

  /** A positive number from the environment, else {@code dflt}. */
  static int dimension(String v, int dflt) {
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      return n > 0 && n <= 0xffff ? n : dflt;
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
