package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LogStartupTest {
  private static final UnaryOperator<String> NONE = k -> null;

  private static UnaryOperator<String> only(String key, String value) {
    return k -> k.equals(key) ? value : null;
  }

  @Test
  void aPlainRunNeedsNoLog4jConfiguration() {
    assertThat(LogStartup.loggingAsked(List.of("run", "--ram", "4G", "hello"), NONE, NONE))
        .isFalse();
    assertThat(LogStartup.loggingAsked(List.of("--version"), NONE, NONE)).isFalse();
    assertThat(LogStartup.loggingAsked(List.of("run", "--logfile", "x"), NONE, NONE)).isFalse();
  }

  @Test
  void theLogOptionOrAConfigurationFileAsksForLog4jCore() {
    assertThat(LogStartup.loggingAsked(List.of("run", "--log", "debug", "hello"), NONE, NONE))
        .isTrue();
    assertThat(LogStartup.loggingAsked(List.of("run", "--log=uvm.fault=trace", "h"), NONE, NONE))
        .isTrue();
    assertThat(
            LogStartup.loggingAsked(
                List.of("run", "hello"), only("log4j2.configurationFile", "/tmp/l.xml"), NONE))
        .isTrue();
    assertThat(
            LogStartup.loggingAsked(
                List.of("run", "hello"), only("log4j.configurationFile", "l.xml"), NONE))
        .isTrue();
    assertThat(
            LogStartup.loggingAsked(
                List.of("run", "hello"), NONE, only("LOG4J_CONFIGURATION_FILE", "l.xml")))
        .isTrue();
    assertThat(
            LogStartup.loggingAsked(
                List.of("run", "hello"), only("log4j.provider", "some.Provider"), NONE))
        .isTrue();
  }

  @Test
  void theSimpleLoggerPrintsWarningsWithFullNamesToStderr() throws Exception {
    Map<String, String> p = LogStartup.simpleLoggerProperties();
    assertThat(p)
        .containsEntry("log4j.provider", LogStartup.SIMPLE_PROVIDER)
        .containsEntry("org.apache.logging.log4j.simplelog.level", "WARN")
        .containsEntry("org.apache.logging.log4j.simplelog.logFile", "system.err")
        .containsEntry("org.apache.logging.log4j.simplelog.showlogname", "true")
        .containsEntry("org.apache.logging.log4j.simplelog.showShortLogname", "false");
    // the provider class exists in the Log4j API on the class path
    assertThat(Class.forName(LogStartup.SIMPLE_PROVIDER)).isNotNull();
  }
}
