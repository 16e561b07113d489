package org.uvm4j.kernel.fs;

import java.util.List;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * What the guest's {@code /proc} shows, supplied by the kernel (which knows its processes): every
 * answer is about a guest process of this kernel, never about the JVM. Methods taking a pid answer
 * null when there is no such process (or, for a zombie, nothing more to show).
 */
public interface ProcSource {
  /** The pids of the processes that exist (zombies included), ascending. */
  List<Integer> pids();

  /** True when process {@code pid} exists. */
  boolean exists(int pid);

  /** {@code /proc/PID/maps}: one line per map entry, Linux's format. */
  String maps(int pid);

  /**
   * /proc/PID/smaps: each mapping's maps line followed by its sizes (Size, Rss, Anonymous, Locked,
   * ...) and VmFlags; null if there is no such process.
   */
  String smaps(int pid);

  /** The pages {@code /proc/PID/pagemap} covers: the 47-bit user address space. */
  long PAGEMAP_PAGES = 1L << 35;

  /** pagemap entry bit: the page is present (mapped). */
  long PM_PRESENT = 1L << 63;

  /** pagemap entry bit: the page is swapped out. */
  long PM_SWAP = 1L << 62;

  /** pagemap entry bit: a file page or shared anonymous memory. */
  long PM_FILE = 1L << 61;

  /**
   * /proc/PID/pagemap: fills {@code out[i]} with the entry of the page at {@code va + i * 4096}
   * (PM_PRESENT, PM_SWAP, PM_FILE; the frame number is 0, as Linux shows an unprivileged reader);
   * false if there is no such process.
   */
  boolean pagemap(int pid, long va, long[] out);

  /**
   * {@code /proc/PID/mem} opened by process {@code callerPid} (fs/proc/base.c: proc_mem_open, i.e.
   * mm_access with PTRACE_MODE_ATTACH): the address space of {@code pid}.
   *
   * @throws UvmException ESRCH (no such process, or one without an address space: a zombie), EACCES
   *     (the caller may not access it)
   */
  Vmspace memSpace(int callerPid, int pid) throws UvmException;

  /** The guest path of the program ({@code exe}), or null. */
  String exe(int pid);

  /** The argument strings, each NUL-terminated ({@code cmdline}). */
  byte[] cmdline(int pid);

  /** The environment strings, each NUL-terminated ({@code environ}). */
  byte[] environ(int pid);

  /** {@code /proc/PID/status}. */
  String status(int pid);

  /** {@code /proc/PID/stat} (one line). */
  String stat(int pid);

  /** {@code /proc/PID/statm} (one line). */
  String statm(int pid);

  /** The command name ({@code comm}, without the newline). */
  String comm(int pid);

  /** The open descriptors, ascending (empty for a zombie). */
  /** The live thread ids of the process {@code pid} belongs to, oldest first ({@code task/}). */
  List<Integer> tids(int pid);

  List<Integer> fds(int pid);

  /** What {@code /proc/PID/fd/N} reads as: a guest path, {@code pipe:[ino]}, ... or null. */
  String fdTarget(int pid, int fd);

  /** The working directory's guest path, or null. */
  String cwd(int pid);

  /** {@code /proc/meminfo}. */
  String meminfo();

  /** {@code /proc/cpuinfo}. */
  String cpuinfo();

  /** {@code /proc/uptime}. */
  String uptime();
}
