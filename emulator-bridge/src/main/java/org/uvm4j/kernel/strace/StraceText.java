package org.uvm4j.kernel.strace;

/**
 * strace's quoting of guest bytes: printable ASCII as is, {@code \" \\ \t \n \v \f \r}, other bytes
 * in octal (three digits when an octal digit follows), at most {@code max} bytes and {@code ...}
 * after the closing quote when there were more.
 */
final class StraceText {
  private StraceText() {}

  /** {@code b[0..len)} quoted; {@code more}: there were bytes after {@code len} not shown. */
  static void quote(StringBuilder sb, byte[] b, int len, boolean more) {
    sb.append('"');
    for (int i = 0; i < len; i++) {
      int c = b[i] & 0xff;
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case 0x0b -> sb.append("\\v");
        case '\f' -> sb.append("\\f");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
          } else {
            boolean digitNext = i + 1 < len && b[i + 1] >= '0' && b[i + 1] <= '7';
            sb.append('\\');
            if (digitNext || c >= 0100) {
              sb.append((char) ('0' + (c >> 6)));
              sb.append((char) ('0' + ((c >> 3) & 7)));
            } else if (c >= 010) {
              sb.append((char) ('0' + ((c >> 3) & 7)));
            }
            sb.append((char) ('0' + (c & 7)));
          }
        }
      }
    }
    sb.append('"');
    if (more) {
      sb.append("...");
    }
  }
}
