package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Vmspace;

/** UVMHIST-style lines: one per record, on the subsystem's logger, only when it is enabled. */
class LogSinkTest {
  private static final String[] LOGGERS = {
    "uvm.fault", "uvm.amap", "uvm.fork", "uvm.map", "kern.proc"
  };

  /** Collects formatted messages by logger name. */
  private static final class Capture extends AbstractAppender {
    final List<String> lines = new ArrayList<>();

    Capture() {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
    }

    /** Keeps the trace lines ("#seq …"), not the subsystems' own debug lines. */
    @Override
    public void append(LogEvent e) {
      String msg = e.getMessage().getFormattedMessage();
      if (msg.startsWith("#")) {
        lines.add(e.getLoggerName() + ": " + msg);
      }
    }
  }

  private final Capture capture = new Capture();

  @BeforeEach
  void attach() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    capture.start();
    for (String name : LOGGERS) {
      LoggerConfig lc = new LoggerConfig(name, Level.DEBUG, false);
      lc.addAppender(capture, Level.DEBUG, null);
      cfg.addLogger(name, lc);
    }
    ctx.updateLoggers();
  }

  @AfterEach
  void detach() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    for (String name : LOGGERS) {
      ctx.getConfiguration().removeLogger(name);
    }
    ctx.updateLoggers();
    capture.stop();
  }

  @Test
  void linesNameThePathOnEachSubsystemsLogger() throws Exception {
    assertThat(LogSink.anyEnabled()).isTrue();
    TraceFixture fx = new TraceFixture(new LogSink(), TraceFilter.ALL);
    fx.tracer.procExec(1, "/bin/prog");
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 2);
    fx.touch(vm, va, Prot.WRITE);
    Vmspace child = vm.fork();
    fx.touch(vm, va, Prot.WRITE);
    assertThat(vm.munmap(va, 2 * TraceFixture.PAGE)).isZero();
    fx.tracer.close();
    child.free();

    assertThat(capture.lines).hasSize(7);
    assertThat(capture.lines.get(0)).isEqualTo("kern.proc: #1 v=0 pid 1 exec /bin/prog");
    assertThat(capture.lines.get(1))
        .startsWith("uvm.fault: #2 v=100 pid 1 uvm_fault(va=" + Hex.of(va) + ", at=w, pc=0x401004)")
        .contains("amap_copy new", "case zero zero fill", "resolved");
    assertThat(capture.lines.get(2)).startsWith("uvm.amap: #2 v=100 pid 1 amap_copy(new)");
    assertThat(capture.lines.get(3))
        .startsWith("uvm.fork: #3 v=100 pid 1 uvmspace_fork: 1 entries");
    assertThat(capture.lines.get(4)).contains("case 1B anon cow", "anon 1 ref 2->1");
    assertThat(capture.lines.get(5)).startsWith("uvm.amap: #4").contains("amap_copy(copy)");
    assertThat(capture.lines.get(6))
        .startsWith("uvm.map: #5 v=200 pid 1 munmap(" + Hex.of(va))
        .contains("1 entries, 1 resident pages unmapped, 1 frames freed");
  }

  @Test
  void disabledLoggersFormatNothing() throws Exception {
    Configurator.setLevel("uvm.fault", Level.INFO);
    TraceFixture fx = new TraceFixture(new LogSink(), TraceFilter.ALL);
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 1);
    fx.touch(vm, va, Prot.WRITE);
    assertThat(capture.lines)
        .extracting(l -> l.substring(0, l.indexOf(':')))
        .containsOnly("uvm.amap");
  }
}
