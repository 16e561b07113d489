package org.uvm4j.machine.host;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The charset the JDK encodes file names in for the host ({@code sun.jnu.encoding}). */
final class FileNames {
  private FileNames() {}

  /** {@code sun.jnu.encoding}, or UTF-8 when it is unset or unknown. */
  static final Charset CHARSET = charset();

  private static Charset charset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
