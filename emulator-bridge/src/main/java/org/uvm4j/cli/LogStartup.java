package org.uvm4j.cli;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How Log4j 2 starts, decided before the first logger exists ({@link Main#main} asks first thing).
 *
 * <p>Configuring Log4j core (its plugins, the XML configuration and its parser, the appenders) is
 * about a third of the CPU time of a short run such as {@code hello}, and a run that asks for no
 * logging only ever prints warnings and errors. So unless the run asks for logging, it uses the
 * Log4j API's own simple logger ({@code SimpleProvider}): WARN and above to stderr as {@code LEVEL
 * logger message}, with no configuration work. Logging is asked for by {@code --log} or {@code
 * --log-file} among the arguments, by a configuration file ({@code log4j2.configurationFile} or
 * {@code log4j.configurationFile} as a system property, {@code LOG4J_CONFIGURATION_FILE} in the
 * environment), or by a provider chosen explicitly ({@code log4j.provider}, {@code
 * log4j2.provider}, {@code log4j2.loggerContextFactory}); then Log4j core starts with {@code
 * log4j2.xml} as before.
 *
 * <p>A guest argument that looks like {@code --log} also selects Log4j core: harmless (a slower
 * start), and it keeps the decision independent of the command line's grammar.
 */
final class LogStartup {
  /** The Log4j API's simple logger provider (documented value of {@code log4j.provider}). */
  static final String SIMPLE_PROVIDER = "org.apache.logging.log4j.simple.internal.SimpleProvider";

  private static final List<String> CONFIG_PROPERTIES =
      List.of(
          "log4j2.configurationFile",
          "log4j.configurationFile",
          "log4j.provider",
          "log4j2.provider",
          "log4j2.loggerContextFactory");

  private LogStartup() {}

  /**
   * True when the run asks for logging beyond warnings and errors: {@code --log} (or {@code
   * --log=…}) among {@code args}, or a Log4j configuration file or provider named by {@code
   * systemProperty} or {@code env}.
   */
  static boolean loggingAsked(
      List<String> args, UnaryOperator<String> systemProperty, UnaryOperator<String> env) {
    for (String a : args) {
      if (a.equals("--log")
          || a.startsWith("--log=")
          || a.equals("--log-file")
          || a.startsWith("--log-file=")) {
        return true;
      }
    }
    for (String p : CONFIG_PROPERTIES) {
      if (systemProperty.apply(p) != null) {
        return true;
      }
    }
    return env.apply("LOG4J_CONFIGURATION_FILE") != null;
  }

  /**
   * The system properties that make Log4j use its simple logger with the built-in configuration's
   * behaviour: level WARN, to stderr, full logger names, no timestamps.
   */
  static Map<String, String> simpleLoggerProperties() {
    return Map.of(
        "log4j.provider", SIMPLE_PROVIDER,
        "org.apache.logging.log4j.simplelog.level", "WARN",
        "org.apache.logging.log4j.simplelog.logFile", "system.err",
        "org.apache.logging.log4j.simplelog.showlogname", "true",
        "org.apache.logging.log4j.simplelog.showShortLogname", "false",
        "org.apache.logging.log4j.simplelog.showdatetime", "false");
  }

  /**
   * Chooses the simple logger unless logging is asked for; call before anything creates a logger.
   *
   * @return true if the simple logger was chosen
   */
  static boolean choose(String[] args) {
    if (loggingAsked(List.of(args), System::getProperty, System::getenv)) {
      return false;
    }
    simpleLoggerProperties().forEach(System::setProperty);
    return true;
  }
}
