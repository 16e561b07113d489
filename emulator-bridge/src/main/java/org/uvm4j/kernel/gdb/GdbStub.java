package org.uvm4j.kernel.gdb;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.DebugHook;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.machine.StopReason;

/**
 * {@code --gdb PORT}: the GDB remote serial protocol for the followed process (pid 1, or with
 * {@code --gdb-follow child} each new child of the followed process). The program stops before its
 * first instruction until gdb connects; while gdb has it stopped the machine waits (all-stop).
 *
 * <p>Breakpoints ({@code Z0}) live in the stub, never in guest memory: while any is set, a continue
 * runs the followed process one instruction at a time and stops before an instruction at a
 * breakpoint. Without breakpoints a continue runs counted quanta and looks for Ctrl-C between them.
 * Memory goes through the process's address space: a read of a page never touched faults it in (as
 * ptrace's {@code access_process_vm}), a write follows the guest's own permissions (a read-only
 * page, such as text, answers an error).
 *
 * <p>Invariant: the stub is entered only on the kernel's CPU thread, with the followed process
 * loaded in the machine.
 */
public final class GdbStub implements DebugHook {
  private static final Logger log = LogManager.getLogger("kern.gdb");
  private static final int SIGINT = 2;
  private static final int SIGTRAP = 5;

  /** Single steps between two looks for Ctrl-C while breakpoints are set. */
  private static final int INTERRUPT_POLL = 4096;

  private enum Mode {
    STOPPED,
    STEP,
    CONTINUE,
    DETACHED
  }

  /**
   * The one thread gdb sees: the followed process, whichever pid it has (with --gdb-follow child it
   * changes at each fork; gdb keeps debugging "the inferior").
   */
  private static final String THREAD = "1";

  private final ServerSocket server;
  private final boolean followChild;
  private final PrintStream console;
  private final Set<Long> breakpoints = new HashSet<>();
  private RspConnection conn;
  private int followed = 1;
  private Mode mode = Mode.STOPPED;

  /** The signal of the stop to report before the followed process runs again (0: none). */
  private int stopSignal = SIGTRAP;

  /** A continue from a breakpoint executes the instruction there first. */
  private long resumeFrom = -1;

  private boolean kill;

  /**
   * Listens on {@code port} (loopback only) now; gdb is accepted when the program is about to run.
   *
   * @param followChild follow the followed process into each child it forks
   * @param console where the stub says it waits for gdb
   */
  public GdbStub(int port, boolean followChild, PrintStream console) throws IOException {
    this.server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
    this.followChild = followChild;
    this.console = console;
  }

  /** The port the stub listens on. */
  public int port() {
    return server.getLocalPort();
  }

  @Override
  public boolean follows(Proc p) {
    return mode != Mode.DETACHED && p.pid() == followed;
  }

  @Override
  public boolean killRequested() {
    return kill;
  }

  @Override
  public void forked(int parentPid, int childPid) {
    if (followChild && parentPid == followed && mode != Mode.DETACHED) {
      followed = childPid;
    }
  }

  @Override
  public void exited(int pid, int status) {
    if (pid != followed || mode == Mode.DETACHED || conn == null || kill) {
      return;
    }
    try {
      conn.send(
          WaitStatus.isExited(status)
              ? String.format("W%02x", WaitStatus.exitCode(status))
              : String.format("X%02x", WaitStatus.termSig(status)));
    } catch (IOException e) {
      log.warn("gdb connection lost: {}", e.getMessage());
    }
    detach();
  }

  @Override
  public StopReason run(Proc p, Machine m, long budget) {
    try {
      if (conn == null) {
        console.println("uvm4j: waiting for gdb on localhost:" + port());
        console.flush();
        conn = new RspConnection(server.accept());
        stopSignal = SIGTRAP;
        if (!commands(p, m, false)) {
          return runPlain(m, budget);
        }
      } else if (stopSignal != 0) {
        if (!commands(p, m, true)) {
          return runPlain(m, budget);
        }
      }
      if (kill) {
        return StopReason.QUANTUM;
      }
      return mode == Mode.STEP ? step(m) : resume(m, budget);
    } catch (IOException e) {
      log.warn("gdb connection lost: {}", e.getMessage());
      detach();
      return runPlain(m, budget);
    }
  }

  private static StopReason runPlain(Machine m, long budget) {
    return m.run(budget);
  }

  private StopReason step(Machine m) {
    StopReason why = m.run(1);
    stopSignal = SIGTRAP;
    return why;
  }

  private StopReason resume(Machine m, long budget) throws IOException {
    if (breakpoints.isEmpty()) {
      StopReason why = m.run(budget);
      if (conn.takeInterrupt()) {
        stopSignal = SIGINT;
      }
      return why;
    }
    for (long n = 0; n < budget; n++) {
      long rip = m.reg(Reg.RIP);
      if (rip != resumeFrom && breakpoints.contains(rip)) {
        stopSignal = SIGTRAP;
        return StopReason.QUANTUM;
      }
      resumeFrom = -1;
      StopReason why = m.run(1);
      if (why != StopReason.QUANTUM) {
        return why;
      }
      if (n % INTERRUPT_POLL == INTERRUPT_POLL - 1 && conn.takeInterrupt()) {
        stopSignal = SIGINT;
        return StopReason.QUANTUM;
      }
    }
    return StopReason.QUANTUM;
  }

  /**
   * Serves gdb while the followed process is stopped.
   *
   * @param reply send the stop reply first (gdb waits for it after a step or continue)
   * @return false when the stub detached (the process runs on without it)
   */
  private boolean commands(Proc p, Machine m, boolean reply) throws IOException {
    if (reply) {
      conn.send(stopReply(stopSignal));
    }
    mode = Mode.STOPPED;
    for (; ; ) {
      String pkt = conn.read();
      if (pkt == null) {
        detach();
        return false;
      }
      String answer = answer(pkt, p, m);
      if (mode == Mode.STEP || mode == Mode.CONTINUE) {
        stopSignal = 0;
        resumeFrom = m.reg(Reg.RIP);
        return true;
      }
      if (kill) {
        if (!answer.isEmpty()) {
          conn.send(answer);
        }
        mode = Mode.DETACHED;
        closeQuietly();
        return true;
      }
      conn.send(answer);
      if (noAckAfterReply) {
        conn.setNoAck();
        noAckAfterReply = false;
      }
      if (mode == Mode.DETACHED) {
        closeQuietly();
        return false;
      }
    }
  }

  /** The answer to one packet; sets {@link #mode} for step/continue/detach. */
  private String answer(String pkt, Proc p, Machine m) {
    char c = pkt.charAt(0);
    switch (c) {
      case '?':
        return stopReply(stopSignal == 0 ? SIGTRAP : stopSignal);
      case 'g':
        return allRegisters(m);
      case 'G':
        return writeAllRegisters(m, pkt.substring(1));
      case 'p':
        return register(m, Integer.parseInt(pkt.substring(1), 16));
      case 'P':
        return writeRegister(m, pkt.substring(1));
      case 'm':
        return readMemory(p, pkt.substring(1));
      case 'M':
        return writeMemory(p, pkt.substring(1));
      case 'c':
        setResume(m, pkt.substring(1), Mode.CONTINUE);
        return "";
      case 's':
        setResume(m, pkt.substring(1), Mode.STEP);
        return "";
      case 'Z':
      case 'z':
        return breakpoint(c == 'Z', pkt.substring(1));
      case 'H':
      case 'T':
        return "OK";
      case 'D':
        mode = Mode.DETACHED;
        return "OK";
      case 'k':
        kill = true;
        return "";
      case 'v':
        return vPacket(pkt, m);
      case 'q':
      case 'Q':
        return query(pkt);
      default:
        return "";
    }
  }

  private void setResume(Machine m, String addr, Mode next) {
    if (!addr.isEmpty()) {
      m.setReg(Reg.RIP, Long.parseUnsignedLong(addr, 16));
    }
    mode = next;
  }

  private static String stopReply(int sig) {
    return String.format("T%02xthread:%s;", sig, THREAD);
  }

  private String vPacket(String pkt, Machine m) {
    if (pkt.equals("vCont?")) {
      return "vCont;c;C;s;S";
    }
    if (pkt.startsWith("vCont;")) {
      // the first action decides (one thread): s/S step, c/C continue
      char a = pkt.charAt(6);
      mode = (a == 's' || a == 'S') ? Mode.STEP : Mode.CONTINUE;
      return "";
    }
    if (pkt.startsWith("vKill")) {
      kill = true;
      return "OK";
    }
    return "";
  }

  private String query(String pkt) {
    if (pkt.startsWith("qSupported")) {
      return "PacketSize=4000;qXfer:features:read+;vContSupported+;QStartNoAckMode+";
    }
    if (pkt.equals("QStartNoAckMode")) {
      noAckAfterReply = true;
      return "OK";
    }
    if (pkt.startsWith("qXfer:features:read:target.xml:")) {
      String[] range = pkt.substring("qXfer:features:read:target.xml:".length()).split(",");
      int off = Integer.parseInt(range[0], 16);
      int len = Integer.parseInt(range[1], 16);
      String xml = TargetDescription.XML;
      if (off >= xml.length()) {
        return "l";
      }
      int end = Math.min(xml.length(), off + len);
      return (end == xml.length() ? "l" : "m") + xml.substring(off, end);
    }
    if (pkt.startsWith("qXfer:")) {
      return "E00";
    }
    if (pkt.equals("qAttached")) {
      return "1";
    }
    if (pkt.equals("qC")) {
      return "QC" + THREAD;
    }
    if (pkt.equals("qfThreadInfo")) {
      return "m" + THREAD;
    }
    if (pkt.equals("qsThreadInfo")) {
      return "l";
    }
    return "";
  }

  private boolean noAckAfterReply;

  private String allRegisters(Machine m) {
    StringBuilder sb = new StringBuilder();
    for (TargetDescription.RegDef d : TargetDescription.REGS) {
      appendReg(sb, m, d);
    }
    return sb.toString();
  }

  private static void appendReg(StringBuilder sb, Machine m, TargetDescription.RegDef d) {
    if (d.reg() == null) {
      sb.append("xx".repeat(d.bytes()));
      return;
    }
    long v = m.reg(d.reg());
    for (int i = 0; i < d.bytes(); i++) {
      sb.append(String.format("%02x", (v >>> (8 * i)) & 0xff));
    }
  }

  private String register(Machine m, int n) {
    if (n < 0 || n >= TargetDescription.REGS.length) {
      return "E01";
    }
    StringBuilder sb = new StringBuilder();
    appendReg(sb, m, TargetDescription.REGS[n]);
    return sb.toString();
  }

  private static long littleEndian(String hex, int bytes) {
    long v = 0;
    for (int i = 0; i < bytes && i < 8; i++) {
      v |= Long.parseLong(hex.substring(2 * i, 2 * i + 2), 16) << (8 * i);
    }
    return v;
  }

  private String writeRegister(Machine m, String arg) {
    int eq = arg.indexOf('=');
    int n = Integer.parseInt(arg.substring(0, eq), 16);
    if (n < 0 || n >= TargetDescription.REGS.length) {
      return "E01";
    }
    TargetDescription.RegDef d = TargetDescription.REGS[n];
    String hex = arg.substring(eq + 1);
    if (d.reg() == null) {
      return hex.startsWith("x") ? "OK" : "E01";
    }
    m.setReg(d.reg(), littleEndian(hex, d.bytes()));
    return "OK";
  }

  private String writeAllRegisters(Machine m, String hex) {
    int pos = 0;
    for (TargetDescription.RegDef d : TargetDescription.REGS) {
      int len = 2 * d.bytes();
      if (pos + len > hex.length()) {
        break;
      }
      String part = hex.substring(pos, pos + len);
      if (d.reg() != null && !part.contains("x")) {
        m.setReg(d.reg(), littleEndian(part, d.bytes()));
      }
      pos += len;
    }
    return "OK";
  }

  private static String readMemory(Proc p, String arg) {
    int comma = arg.indexOf(',');
    long addr = Long.parseUnsignedLong(arg.substring(0, comma), 16);
    int len = Integer.parseInt(arg.substring(comma + 1), 16);
    len = Math.min(len, 0x800);
    byte[] b = new byte[len];
    // page by page: gdb reads across the end of a mapping and takes the readable prefix
    int done = 0;
    while (done < len) {
      int chunk = (int) Math.min(len - done, 4096 - ((addr + done) & 4095));
      if (p.vm() == null || p.vm().copyin(addr + done, b, done, chunk) != 0) {
        break;
      }
      done += chunk;
    }
    if (done == 0 && len > 0) {
      return "E0e"; // EFAULT
    }
    StringBuilder sb = new StringBuilder(2 * done);
    for (int i = 0; i < done; i++) {
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return sb.toString();
  }

  private static String writeMemory(Proc p, String arg) {
    int comma = arg.indexOf(',');
    int colon = arg.indexOf(':');
    long addr = Long.parseUnsignedLong(arg.substring(0, comma), 16);
    int len = Integer.parseInt(arg.substring(comma + 1, colon), 16);
    String hex = arg.substring(colon + 1);
    if (hex.length() != 2 * len) {
      return "E16"; // EINVAL
    }
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    if (p.vm() == null || p.vm().copyout(addr, b, 0, len) != 0) {
      return "E0e";
    }
    return "OK";
  }

  private String breakpoint(boolean insert, String arg) {
    String[] f = arg.split(",");
    if (!f[0].equals("0")) {
      return ""; // hardware breakpoints and watchpoints: gdb falls back to its own
    }
    long addr = Long.parseUnsignedLong(f[1], 16);
    if (insert) {
      breakpoints.add(addr);
    } else {
      breakpoints.remove(addr);
    }
    return "OK";
  }

  private void detach() {
    mode = Mode.DETACHED;
    breakpoints.clear();
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (conn != null) {
        conn.close();
      }
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
