package org.uvm4j.kernel.fs;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import org.uvm4j.uvm.Errno;

/** The errno Linux gives for a failed host file operation reported as a Java exception. */
final class HostErrors {
  private HostErrors() {}

  /** True when an ancestor of {@code p} exists and is not a directory (Linux: ENOTDIR). */
  private static boolean underANonDirectory(Path p) {
    for (Path a = p.getParent(); a != null; a = a.getParent()) {
      if (Files.exists(a)) {
        return !Files.isDirectory(a);
      }
    }
    return false;
  }

  /** The errno for {@code e}. */
  static int errnoOf(Exception e) {
    if (e instanceof NoSuchFileException nsf) {
      // Java 24+ reports ENOTDIR from stat as NoSuchFileException: tell them apart as Linux does
      return nsf.getFile() != null && underANonDirectory(Path.of(nsf.getFile()))
          ? Errno.ENOTDIR
          : Errno.ENOENT;
    }
    if (e instanceof FileAlreadyExistsException) {
      return Errno.EEXIST;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return Errno.ENOTEMPTY;
    }
    if (e instanceof AccessDeniedException || e instanceof SecurityException) {
      return Errno.EACCES;
    }
    if (e instanceof NotDirectoryException) {
      return Errno.ENOTDIR;
    }
    if (e instanceof NotLinkException) {
      return Errno.EINVAL;
    }
    if (e instanceof FileSystemLoopException) {
      return Errno.ELOOP;
    }
    String r = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (r != null) {
      if (r.contains("Not a directory")) {
        return Errno.ENOTDIR;
      }
      if (r.contains("symbolic links")) {
        return Errno.ELOOP;
      }
      if (r.contains("name too long")) {
        return Errno.ENAMETOOLONG;
      }
      if (r.contains("Is a directory")) {
        return Errno.EISDIR;
      }
      if (r.contains("Read-only file system")) {
        return Errno.EROFS;
      }
      if (r.contains("No space left")) {
        return Errno.ENOSPC;
      }
      if (r.contains("cross-device")) {
        return Errno.EXDEV;
      }
      if (r.contains("Operation not permitted")) {
        return Errno.EPERM;
      }
      if (r.contains("Directory not empty")) {
        return Errno.ENOTEMPTY;
      }
      if (r.contains("File exists")) {
        return Errno.EEXIST;
      }
      if (r.contains("Invalid argument")) {
        return Errno.EINVAL;
      }
      if (r.contains("Too many links")) {
        return Errno.EMLINK;
      }
      if (r.contains("File too large")) {
        return Errno.EFBIG;
      }
    }
    return Errno.EIO;
  }
}
