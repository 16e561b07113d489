package org.uvm4j.kernel.syscall;

/**
 * Linux x86-64 system call numbers ({@code arch/x86/entry/syscalls/syscall_64.tbl}) and the two
 * pseudo results a handler may return besides a value or {@code -errno}.
 */
public final class Syscall {
  /** The handler set the registers itself (execve, rt_sigreturn, exit): leave RAX alone. */
  public static final long EJUSTRETURN = Long.MIN_VALUE + 1;

  /**
   * The handler put the process to sleep: when it wakes, the syscall instruction runs again with
   * the same arguments (NetBSD's ERESTART).
   */
  public static final long ERESTART = Long.MIN_VALUE + 2;

  public static final int READ = 0;
  public static final int WRITE = 1;
  public static final int OPEN = 2;
  public static final int CLOSE = 3;
  public static final int STAT = 4;
  public static final int FSTAT = 5;
  public static final int LSTAT = 6;
  public static final int LSEEK = 8;
  public static final int MMAP = 9;
  public static final int MPROTECT = 10;
  public static final int MUNMAP = 11;
  public static final int BRK = 12;
  public static final int RT_SIGACTION = 13;
  public static final int RT_SIGPROCMASK = 14;
  public static final int RT_SIGRETURN = 15;
  public static final int IOCTL = 16;
  public static final int PREAD64 = 17;
  public static final int PWRITE64 = 18;
  public static final int READV = 19;
  public static final int WRITEV = 20;
  public static final int ACCESS = 21;
  public static final int PIPE = 22;
  public static final int SCHED_YIELD = 24;
  public static final int MREMAP = 25;
  public static final int MADVISE = 28;
  public static final int DUP = 32;
  public static final int DUP2 = 33;
  public static final int PAUSE = 34;
  public static final int NANOSLEEP = 35;
  public static final int GETITIMER = 36;
  public static final int ALARM = 37;
  public static final int SETITIMER = 38;
  public static final int GETPID = 39;
  public static final int CLONE = 56;
  public static final int FORK = 57;
  public static final int VFORK = 58;
  public static final int EXECVE = 59;
  public static final int EXIT = 60;
  public static final int WAIT4 = 61;
  public static final int KILL = 62;
  public static final int UNAME = 63;
  public static final int FCNTL = 72;
  public static final int GETCWD = 79;
  public static final int GETTIMEOFDAY = 96;
  public static final int GETRLIMIT = 97;
  public static final int GETRUSAGE = 98;
  public static final int GETUID = 102;
  public static final int GETGID = 104;
  public static final int GETEUID = 107;
  public static final int GETEGID = 108;
  public static final int SETPGID = 109;
  public static final int GETPPID = 110;
  public static final int GETPGRP = 111;
  public static final int SETSID = 112;
  public static final int GETPGID = 121;
  public static final int GETSID = 124;
  public static final int MLOCK = 149;
  public static final int MUNLOCK = 150;
  public static final int MLOCKALL = 151;
  public static final int MUNLOCKALL = 152;
  public static final int ARCH_PRCTL = 158;
  public static final int GETTID = 186;
  public static final int TKILL = 200;
  public static final int RT_SIGPENDING = 127;
  public static final int RT_SIGSUSPEND = 130;
  public static final int TIME = 201;
  public static final int SET_TID_ADDRESS = 218;
  public static final int CLOCK_GETTIME = 228;
  public static final int CLOCK_GETRES = 229;
  public static final int CLOCK_NANOSLEEP = 230;
  public static final int EXIT_GROUP = 231;
  public static final int TGKILL = 234;
  public static final int WAITID = 247;
  public static final int OPENAT = 257;
  public static final int NEWFSTATAT = 262;
  public static final int FACCESSAT = 269;
  public static final int DUP3 = 292;
  public static final int PIPE2 = 293;
  public static final int PRLIMIT64 = 302;
  public static final int GETRANDOM = 318;
  public static final int FACCESSAT2 = 439;

  /** One past the highest number the table knows. */
  public static final int MAX = 512;

  private Syscall() {}
}
