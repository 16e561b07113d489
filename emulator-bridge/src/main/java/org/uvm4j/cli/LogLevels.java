package org.uvm4j.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The {@code --log} option: {@code LEVEL} for every logger, or {@code logger=LEVEL} for one
 * subsystem ({@code uvm.fault}, {@code uvm.pdaemon}, {@code kern.syscall} …), several separated by
 * commas, e.g. {@code --log warn,uvm.fault=debug}. Applied on top of the Log4j 2 configuration (the
 * built-in one, or the file given with {@code -Dlog4j2.configurationFile}).
 */
public final class LogLevels {
  private static final String ROOT = "";

  private final Map<String, Level> levels;

  private LogLevels(Map<String, Level> levels) {
    this.levels = levels;
  }

  /**
   * Parses a {@code --log} value.
   *
   * @throws IllegalArgumentException naming the part that is not {@code LEVEL} or {@code
   *     logger=LEVEL}, or the unknown level
   */
  public static LogLevels parse(String spec) {
    Map<String, Level> out = new LinkedHashMap<>();
    for (String raw : spec.split(",")) {
      String item = raw.strip();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      String logger = eq < 0 ? ROOT : item.substring(0, eq).strip();
      String level = eq < 0 ? item : item.substring(eq + 1).strip();
      if (eq >= 0 && logger.isEmpty()) {
        throw new IllegalArgumentException("--log '" + item + "': no logger name before '='");
      }
      out.put(logger, level(item, level));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--log needs LEVEL or logger=LEVEL[,logger=LEVEL…]");
    }
    return new LogLevels(out);
  }

  private static Level level(String item, String name) {
    Level l = Level.getLevel(name.toUpperCase(Locale.ROOT));
    if (l == null) {
      throw new IllegalArgumentException(
          "--log '"
              + item
              + "': unknown level '"
              + name
              + "' (off fatal error warn info debug trace all)");
    }
    return l;
  }

  /** The levels asked for, by logger name ({@code ""} is every logger). */
  public Map<String, Level> levels() {
    return Map.copyOf(levels);
  }

  /** Sets the levels in the running Log4j 2 configuration (the root first, then named loggers). */
  public void apply() {
    Level root = levels.get(ROOT);
    if (root != null) {
      Configurator.setAllLevels(org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, root);
    }
    levels.forEach(
        (name, level) -> {
          if (!name.equals(ROOT)) {
            Configurator.setLevel(name, level);
          }
        });
  }
}
