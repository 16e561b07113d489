package org.uvm4j.kernel.fs;

import java.util.List;

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
