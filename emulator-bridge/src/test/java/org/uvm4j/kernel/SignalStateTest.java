package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignalStateTest {
  private final SignalState s = new SignalState();

  private static SigAction handler(long flags) {
    return new SigAction(0x401000, flags | Signals.SA_RESTORER, 0x401100, 0);
  }

  @Test
  void defaultIgnoredSignalsAreDroppedAndOthersPend() {
    assertThat(s.post(Signals.SIGCHLD, SigInfo.kernel(Signals.SIGCHLD))).isFalse();
    assertThat(s.post(Signals.SIGWINCH, SigInfo.kernel(Signals.SIGWINCH))).isFalse();
    assertThat(s.post(Signals.SIGTERM, SigInfo.user(Signals.SIGTERM, 0, 4))).isTrue();
    assertThat(s.deliverable()).isEqualTo(Signals.bit(Signals.SIGTERM));
    SigInfo i = s.take(Signals.SIGTERM);
    assertThat(i.pid()).isEqualTo(4);
    assertThat(s.pending()).isZero();
  }

  @Test
  void blockedSignalsPendButAreNotDeliverable() {
    s.setBlocked(Signals.bit(Signals.SIGUSR1));
    assertThat(s.post(Signals.SIGUSR1, SigInfo.kernel(Signals.SIGUSR1))).isTrue();
    assertThat(s.deliverable()).isZero();
    s.setBlocked(0);
    assertThat(s.deliverable()).isEqualTo(Signals.bit(Signals.SIGUSR1));
  }

  @Test
  void ignoredButBlockedSignalsStayPendingAsOnLinux() {
    s.setAction(Signals.SIGUSR2, new SigAction(Signals.SIG_IGN, 0, 0, 0));
    assertThat(s.post(Signals.SIGUSR2, SigInfo.kernel(Signals.SIGUSR2))).isFalse();
    s.setBlocked(Signals.bit(Signals.SIGUSR2));
    assertThat(s.post(Signals.SIGUSR2, SigInfo.kernel(Signals.SIGUSR2))).isTrue();
    // ignoring it again discards it
    s.setAction(Signals.SIGUSR2, new SigAction(Signals.SIG_IGN, 0, 0, 0));
    assertThat(s.pending()).isZero();
  }

  @Test
  void killAndStopCannotBeBlocked() {
    s.setBlocked(-1L);
    assertThat(s.blocked() & Signals.UNCATCHABLE).isZero();
    assertThat(s.blocked() & Signals.bit(Signals.SIGINT)).isNotZero();
  }

  @Test
  void firstInfoIsKeptForAStandardSignal() {
    s.post(Signals.SIGHUP, SigInfo.user(Signals.SIGHUP, 0, 7));
    s.post(Signals.SIGHUP, SigInfo.user(Signals.SIGHUP, 0, 8));
    assertThat(s.take(Signals.SIGHUP).pid()).isEqualTo(7);
  }

  @Test
  void forceUnblocksAndResetsAnIgnoredOrBlockedFaultSignal() {
    s.setAction(Signals.SIGSEGV, new SigAction(Signals.SIG_IGN, 0, 0, 0));
    s.setBlocked(Signals.bit(Signals.SIGSEGV));
    s.force(Signals.SIGSEGV, SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_MAPERR, 0x10));
    assertThat(s.action(Signals.SIGSEGV).isDefault()).isTrue();
    assertThat(s.deliverable()).isEqualTo(Signals.bit(Signals.SIGSEGV));
    assertThat(s.take(Signals.SIGSEGV).addr()).isEqualTo(0x10);
  }

  @Test
  void forceKeepsAnInstalledHandler() {
    s.setAction(Signals.SIGSEGV, handler(0));
    s.force(Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
    assertThat(s.action(Signals.SIGSEGV).handler()).isEqualTo(0x401000);
  }

  @Test
  void forkCopiesActionsAndMaskButNotPending() {
    s.setAction(Signals.SIGUSR1, handler(Signals.SA_SIGINFO));
    s.setBlocked(Signals.bit(Signals.SIGINT));
    s.post(Signals.SIGTERM, SigInfo.kernel(Signals.SIGTERM));
    SignalState c = s.forkCopy();
    assertThat(c.action(Signals.SIGUSR1)).isEqualTo(s.action(Signals.SIGUSR1));
    assertThat(c.blocked()).isEqualTo(s.blocked());
    assertThat(c.pending()).isZero();
  }

  @Test
  void execResetsHandlersButKeepsIgnores() {
    s.setAction(Signals.SIGUSR1, handler(0));
    s.setAction(Signals.SIGPIPE, new SigAction(Signals.SIG_IGN, Signals.SA_RESTART, 0, 0));
    s.execReset();
    assertThat(s.action(Signals.SIGUSR1)).isEqualTo(SigAction.DEFAULT);
    assertThat(s.action(Signals.SIGPIPE).isIgnore()).isTrue();
  }

  @Test
  void defaultActions() {
    assertThat(Signals.defaultAction(Signals.SIGSEGV)).isEqualTo(Signals.DefaultAction.CORE);
    assertThat(Signals.defaultAction(Signals.SIGBUS)).isEqualTo(Signals.DefaultAction.CORE);
    assertThat(Signals.defaultAction(Signals.SIGKILL)).isEqualTo(Signals.DefaultAction.TERMINATE);
    assertThat(Signals.defaultAction(Signals.SIGTERM)).isEqualTo(Signals.DefaultAction.TERMINATE);
    assertThat(Signals.defaultAction(Signals.SIGINT)).isEqualTo(Signals.DefaultAction.TERMINATE);
    assertThat(Signals.defaultAction(Signals.SIGPIPE)).isEqualTo(Signals.DefaultAction.TERMINATE);
    assertThat(Signals.defaultAction(Signals.SIGCHLD)).isEqualTo(Signals.DefaultAction.IGNORE);
    assertThat(Signals.defaultAction(40)).isEqualTo(Signals.DefaultAction.TERMINATE);
    assertThat(Signals.name(Signals.SIGSEGV)).isEqualTo("SIGSEGV");
    assertThat(Signals.first(Signals.bit(5) | Signals.bit(9))).isEqualTo(5);
    assertThat(Signals.first(0)).isZero();
  }

  @Test
  void sigactionLayoutRoundTrips() {
    SigAction a = new SigAction(1, 2, 3, 4);
    assertThat(SigAction.fromBytes(a.toBytes())).isEqualTo(a);
    assertThat(a.toBytes()).hasSize(32);
  }

  @Test
  void waitStatusEncoding() {
    assertThat(WaitStatus.exited(3)).isEqualTo(0x300);
    assertThat(WaitStatus.isExited(WaitStatus.exited(3))).isTrue();
    assertThat(WaitStatus.exitCode(WaitStatus.exited(259))).isEqualTo(3);
    assertThat(WaitStatus.signaled(11)).isEqualTo(11);
    assertThat(WaitStatus.isExited(11)).isFalse();
    assertThat(WaitStatus.shellCode(WaitStatus.signaled(9))).isEqualTo(137);
    assertThat(WaitStatus.shellCode(WaitStatus.exited(2))).isEqualTo(2);
  }
}
