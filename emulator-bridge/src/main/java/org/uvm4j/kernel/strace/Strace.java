package org.uvm4j.kernel.strace;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.StraceHook;
import org.uvm4j.kernel.SyscallLayer;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.kernel.syscall.Linux64Args;
import org.uvm4j.kernel.syscall.Linux64Args.Arg;
import org.uvm4j.kernel.syscall.Linux64Args.Signature;
import org.uvm4j.kernel.syscall.SyscallEntry;

/**
 * {@code --strace}: writes every guest syscall, signal and exit in the format of {@code strace -f
 * -o FILE}: {@code PID name(args) = result}, the result column at 40, errors as {@code -1 ENOENT
 * (No such file or directory)}, {@code --- SIGSEGV {si_signo=…} ---}, {@code +++ exited with 0
 * +++}.
 *
 * <p>As strace does, the arguments the caller passes are formatted when the call enters and the
 * ones the kernel fills in when it returns; when another process's line comes in between, the first
 * is ended with {@code <unfinished ...>} and finished later by {@code <... name resumed>}. A call
 * that sleeps and runs again (ERESTART) is one line. Signals a process ignores are shown when it
 * next returns to user mode, as a ptraced process receives them.
 *
 * <p>Invariant: at most one line is open (unfinished) at a time, and it belongs to {@link
 * #openPid}.
 */
public final class Strace implements StraceHook {
  /** The column strace aligns {@code = result} at. */
  private static final int RESULT_COLUMN = 40;

  private final PrintStream out;
  private final String[] names = new String[512];
  private final Signature[] signatures = new Signature[512];
  private final Map<Integer, Call> inCall = new HashMap<>();
  private final Map<Integer, List<String>> queuedSignals = new HashMap<>();
  private final StringBuilder open = new StringBuilder();
  private int openPid = -1;

  /** One process's syscall between entry and exit. */
  private static final class Call {
    final long nr;
    final long[] args;
    final Signature sig;

    /** Index of the first argument not yet printed. */
    int next;

    Call(long nr, long[] args, Signature sig) {
      this.nr = nr;
      this.args = args;
      this.sig = sig;
    }
  }

  /** A tracer writing to {@code out} (flushed after every line). */
  public Strace(PrintStream out) {
    this.out = out;
    for (SyscallEntry e : Linux64.declaration()) {
      names[e.nr()] = e.name();
    }
    for (Signature s : Linux64Args.declaration()) {
      signatures[s.nr()] = s;
    }
  }

  private String name(long nr) {
    return nr >= 0 && nr < names.length && names[(int) nr] != null
        ? names[(int) nr]
        : "syscall_0x" + Long.toHexString(nr);
  }

  private Signature signature(long nr) {
    return nr >= 0 && nr < signatures.length ? signatures[(int) nr] : null;
  }

  @Override
  public void booted(Proc p, String path, List<String> argv, int envc, long envp) {
    closeOpen();
    StringBuilder sb = line(p.pid()).append("execve(");
    byte[] pb = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StraceText.quote(
        sb, pb, Math.min(pb.length, ArgDecoder.PATH_MAX), pb.length > ArgDecoder.PATH_MAX);
    sb.append(", [");
    for (int i = 0; i < argv.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      byte[] b = argv.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      StraceText.quote(
          sb, b, Math.min(b.length, ArgDecoder.MAX_STRLEN), b.length > ArgDecoder.MAX_STRLEN);
    }
    sb.append("], ");
    ArgDecoder.pointer(sb, envp);
    sb.append(" /* ").append(envc).append(envc == 1 ? " var */)" : " vars */)");
    result(sb, "0");
    emit(sb);
  }

  @Override
  public void syscallEntry(Proc p, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    int pid = p.pid();
    if (inCall.containsKey(pid)) {
      return; // the same call running again after a sleep (ERESTART)
    }
    closeOpen();
    flushSignals(pid);
    Call c = new Call(nr, new long[] {a0, a1, a2, a3, a4, a5}, signature(nr));
    inCall.put(pid, c);
    StringBuilder sb = line(pid).append(name(nr)).append('(');
    if (c.sig == null) {
      for (int i = 0; i < 6; i++) {
        sb.append(i > 0 ? ", " : "").append("0x").append(Long.toHexString(c.args[i]));
      }
      c.next = 6;
    } else if (nr == 56) {
      ArgDecoder.clone(sb, c.args);
      c.next = c.sig.args().size();
    } else {
      printArgs(sb, p, c, false, 0, true);
    }
    open.append(sb);
    openPid = pid;
  }

  /**
   * Prints the arguments from {@code c.next} on: at entry up to the first one the kernel fills in
   * (then {@code ", "} if something was printed), at exit the rest.
   */
  private static void printArgs(
      StringBuilder sb, Proc p, Call c, boolean exit, long ret, boolean ok) {
    List<Arg> args = c.sig.args();
    boolean printed = false;
    while (c.next < args.size()) {
      Arg a = args.get(c.next);
      if (a.out() && !exit) {
        if (printed) {
          sb.append(", ");
        }
        return;
      }
      int mark = sb.length();
      if (printed) {
        sb.append(", ");
      }
      if (ArgDecoder.arg(sb, p, a, c.args, c.next, ret, ok)) {
        printed = true;
      } else {
        sb.setLength(mark);
      }
      c.next++;
    }
  }

  @Override
  public void syscallExit(Proc p, long ret) {
    int pid = p.pid();
    Call c = inCall.get(pid);
    if (c == null || ret == SyscallLayer.ERESTART) {
      return;
    }
    inCall.remove(pid);
    StringBuilder sb = resume(pid, c);
    boolean ok = ret >= 0 || ret < -4095;
    if (c.sig != null && c.next < c.sig.args().size()) {
      printArgs(sb, p, c, true, ret, ok);
    }
    sb.append(')');
    if (ret == SyscallLayer.EJUSTRETURN) {
      result(sb, "?");
    } else if (!ok) {
      StringBuilder r = new StringBuilder();
      ErrnoNames.append(r, (int) -ret);
      result(sb, r.toString());
    } else if (c.sig != null && c.sig.ret() == Linux64Args.Ret.HEX) {
      result(sb, "0x" + Long.toHexString(ret));
    } else {
      result(sb, Long.toString(ret));
    }
    emit(sb);
    flushSignals(pid);
  }

  @Override
  public void signalDelivered(Proc p, int sig, SigInfo info) {
    closeOpen();
    flushSignals(p.pid());
    StringBuilder sb = line(p.pid()).append("--- ").append(SignalNames.name(sig)).append(' ');
    SignalNames.info(sb, sig, info);
    emit(sb.append(" ---"));
  }

  @Override
  public void signalDiscarded(Proc p, int sig, SigInfo info) {
    StringBuilder sb = line(p.pid()).append("--- ").append(SignalNames.name(sig)).append(' ');
    SignalNames.info(sb, sig, info);
    queuedSignals
        .computeIfAbsent(p.pid(), k -> new ArrayList<>())
        .add(sb.append(" ---").toString());
    if (!inCall.containsKey(p.pid())) {
      closeOpen();
      flushSignals(p.pid());
    }
  }

  @Override
  public void exited(int pid, int status) {
    Call c = inCall.remove(pid);
    if (c != null) {
      StringBuilder sb = resume(pid, c);
      emit(result(sb.append(')'), "?"));
    } else {
      closeOpen();
    }
    queuedSignals.remove(pid);
    StringBuilder sb = line(pid);
    if (WaitStatus.isExited(status)) {
      sb.append("+++ exited with ").append(WaitStatus.exitCode(status)).append(" +++");
    } else {
      sb.append("+++ killed by ").append(SignalNames.name(WaitStatus.termSig(status)));
      sb.append((status & 0x80) != 0 ? " (core dumped) +++" : " +++");
    }
    emit(sb);
  }

  /** The open line of {@code pid} to continue, or a fresh {@code <... name resumed>} line. */
  private StringBuilder resume(int pid, Call c) {
    if (openPid == pid) {
      StringBuilder sb = new StringBuilder(open);
      open.setLength(0);
      openPid = -1;
      return sb;
    }
    closeOpen();
    return line(pid).append("<... ").append(name(c.nr)).append(" resumed>");
  }

  private void flushSignals(int pid) {
    List<String> q = queuedSignals.remove(pid);
    if (q != null) {
      closeOpen();
      for (String s : q) {
        out.println(s);
      }
      out.flush();
    }
  }

  /** Ends another process's open line with {@code <unfinished ...>}. */
  private void closeOpen() {
    if (openPid >= 0) {
      out.println(open.append(" <unfinished ...>"));
      out.flush();
      open.setLength(0);
      openPid = -1;
    }
  }

  /** A line of {@code pid}: strace -f -o writes it left-aligned in 5 columns and a space. */
  private static StringBuilder line(int pid) {
    StringBuilder sb = new StringBuilder(80).append(pid);
    while (sb.length() < 5) {
      sb.append(' ');
    }
    return sb.append(' ');
  }

  private static StringBuilder result(StringBuilder sb, String r) {
    if (sb.length() < RESULT_COLUMN) {
      sb.append(" ".repeat(RESULT_COLUMN - sb.length()));
    } else {
      sb.append(' ');
    }
    return sb.append("= ").append(r);
  }

  private void emit(StringBuilder sb) {
    out.println(sb);
    out.flush();
  }
}
