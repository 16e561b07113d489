package org.uvm4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The {@code --log-file FILE} option: every log line of uvm4j goes to FILE instead of stderr, so
 * that the guest's stderr holds only what the guest wrote. The system call layer's INFO lines (each
 * unsupported call the guest made, answered ENOSYS as Linux does without it) are included unless
 * {@code --log} chose a level for {@code kern.syscall} or for every logger.
 *
 * <p>Needs Log4j core ({@link LogStartup} selects it when {@code --log-file} is among the
 * arguments); the appenders of the running configuration are replaced by one file appender.
 */
final class LogFile {
  static final String PATTERN = "%-5level %logger: %msg%n";
  static final String SYSCALL_LOGGER = "kern.syscall";

  private LogFile() {}

  /**
   * Sends all logging to {@code file} (truncated), with {@code kern.syscall} at INFO or more when
   * {@code levels} (the parsed {@code --log}, may be null) did not decide its level.
   *
   * @throws IllegalStateException when Log4j core is not the logging implementation
   */
  static void redirect(Path file, LogLevels levels) {
    if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      throw new IllegalStateException("--log-file needs Log4j core (log4j.provider is set)");
    }
    Configuration config = ctx.getConfiguration();
    PatternLayout layout =
        PatternLayout.newBuilder().withConfiguration(config).withPattern(PATTERN).build();
    Appender app =
        FileAppender.newBuilder()
            .setName("logFile")
            .withFileName(file.toString())
            .withAppend(false)
            .withImmediateFlush(true)
            .setLayout(layout)
            .setConfiguration(config)
            .build();
    if (app == null) {
      throw new IllegalArgumentException("--log-file " + file + ": cannot be written");
    }
    app.start();
    config.addAppender(app);
    for (LoggerConfig lc : config.getLoggers().values()) {
      for (String name : List.copyOf(lc.getAppenders().keySet())) {
        lc.removeAppender(name);
      }
    }
    LoggerConfig root = config.getRootLogger();
    root.addAppender(app, null, null);
    boolean decided =
        levels != null
            && (levels.levels().containsKey("") || levels.levels().containsKey(SYSCALL_LOGGER));
    if (!decided) {
      LoggerConfig sys = config.getLoggerConfig(SYSCALL_LOGGER);
      if (!sys.getName().equals(SYSCALL_LOGGER)) {
        sys = new LoggerConfig(SYSCALL_LOGGER, Level.INFO, true);
        config.addLogger(SYSCALL_LOGGER, sys);
      } else if (!sys.getLevel().isMoreSpecificThan(Level.INFO)) {
        // already INFO or more verbose
      } else {
        sys.setLevel(Level.INFO);
      }
    }
    ctx.updateLoggers();
  }
}
