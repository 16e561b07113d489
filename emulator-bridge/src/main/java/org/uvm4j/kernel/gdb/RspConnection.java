package org.uvm4j.kernel.gdb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One gdb connection's packets ({@code $data#checksum}), with the {@code +}/{@code -} acks until
 * gdb switches them off ({@code QStartNoAckMode}), and the out-of-band interrupt byte 0x03
 * (Ctrl-C).
 */
final class RspConnection implements AutoCloseable {
  private static final int INTERRUPT = 0x03;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private boolean noAck;
  private boolean interrupted;

  RspConnection(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  void setNoAck() {
    noAck = true;
  }

  /** The next packet's data, or null when gdb closed the connection. */
  String read() throws IOException {
    for (; ; ) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == INTERRUPT) {
        interrupted = true;
        continue;
      }
      if (c != '$') {
        continue; // acks and noise between packets
      }
      StringBuilder data = new StringBuilder();
      int sum = 0;
      for (; ; ) {
        c = in.read();
        if (c < 0) {
          return null;
        }
        if (c == '#') {
          break;
        }
        data.append((char) c);
        sum += c;
      }
      int hi = in.read();
      int lo = in.read();
      if (hi < 0 || lo < 0) {
        return null;
      }
      int expected = Integer.parseInt("" + (char) hi + (char) lo, 16);
      if (!noAck) {
        out.write((expected == (sum & 0xff)) ? '+' : '-');
        out.flush();
        if (expected != (sum & 0xff)) {
          continue;
        }
      }
      return unescape(data);
    }
  }

  private static String unescape(StringBuilder d) {
    if (d.indexOf("}") < 0) {
      return d.toString();
    }
    StringBuilder sb = new StringBuilder(d.length());
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (c == '}' && i + 1 < d.length()) {
        sb.append((char) (d.charAt(++i) ^ 0x20));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Sends {@code data} as a packet (escaping {@code $ # } *}) and waits for its ack. */
  void send(String data) throws IOException {
    StringBuilder sb = new StringBuilder(data.length() + 4).append('$');
    int sum = 0;
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '$' || c == '#' || c == '}' || c == '*') {
        sb.append('}');
        sum += '}';
        c ^= 0x20;
      }
      sb.append(c);
      sum += c;
    }
    sb.append('#').append(String.format("%02x", sum & 0xff));
    byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    for (int tries = 0; tries < 10; tries++) {
      out.write(bytes);
      out.flush();
      if (noAck) {
        return;
      }
      int c;
      do {
        c = in.read();
        if (c == INTERRUPT) {
          interrupted = true;
        }
      } while (c >= 0 && c != '+' && c != '-');
      if (c != '-') {
        return;
      }
    }
  }

  /** True once when gdb sent Ctrl-C (0x03) since the last call; never blocks. */
  boolean takeInterrupt() throws IOException {
    while (!interrupted && in.available() > 0) {
      in.mark(1);
      int c = in.read();
      if (c == INTERRUPT) {
        interrupted = true;
      } else {
        in.reset(); // the start of a packet: left for read()
        break;
      }
    }
    boolean was = interrupted;
    interrupted = false;
    return was;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
