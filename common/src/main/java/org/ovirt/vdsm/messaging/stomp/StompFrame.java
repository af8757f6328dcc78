package org.ovirt.vdsm.messaging.stomp;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One STOMP 1.2 frame: a command, an ordered list of headers and a body. Immutable.
 *
 * <p>Headers keep the order in which they were received or added, repeated names included: "If a
 * client or a server receives repeated frame header entries, only the first header entry SHOULD be
 * used as the value of header entry" (STOMP 1.2, Repeated Header Entries), which is what {@link
 * #header(String)} returns. Header names and values are held unescaped.
 *
 * <p>The body is a byte array owned by the frame: the codec copies it once out of the network
 * buffer, and {@link #body()} returns that array without copying, so callers must not modify it.
 */
public final class StompFrame {
  private static final byte[] EMPTY = new byte[0];

  private final StompCommand command;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;

  private StompFrame(StompCommand command, List<Map.Entry<String, String>> headers, byte[] body) {
    this.command = command;
    this.headers = headers;
    this.body = body;
  }

  /** A builder for a frame with {@code command}. */
  public static Builder builder(StompCommand command) {
    return new Builder(command);
  }

  /** A frame with no headers and no body, e.g. a bare {@code DISCONNECT}. */
  public static StompFrame of(StompCommand command) {
    return builder(command).build();
  }

  /** A builder that starts from this frame's command, headers and body. */
  public Builder toBuilder() {
    Builder b = new Builder(command);
    b.headers.addAll(headers);
    b.body = body;
    return b;
  }

  public StompCommand command() {
    return command;
  }

  /** Every header in order, repeated names included. Unmodifiable. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The value of the first header called {@code name}, or {@code null}. */
  public String header(String name) {
    requireNonNull(name, "name");
    for (int i = 0, n = headers.size(); i < n; i++) { // by index: no iterator per lookup
      Map.Entry<String, String> h = headers.get(i);
      if (h.getKey().equals(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** The value of the first header called {@code name}, if present. */
  public Optional<String> findHeader(String name) {
    return Optional.ofNullable(header(name));
  }

  /** The body bytes (not a copy: do not modify). Empty when the frame has no body. */
  public byte[] body() {
    return body;
  }

  /** The body decoded as UTF-8 (STOMP's default text encoding). */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof StompFrame)) {
      return false;
    }
    StompFrame other = (StompFrame) o;
    return command == other.command
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    // Equal frames hash alike and a one-character difference changes the hash (tested); '-' for
    // either '+' or '/' for the first '*' keep both properties (equivalent mutants).
    return (command.hashCode() * 31 + headers.hashCode()) * 31 + Arrays.hashCode(body);
  }

  /** Command, headers (with {@code passcode} masked) and body size; never the body itself. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(command.name()).append('{');
    for (Map.Entry<String, String> h : headers) {
      sb.append(h.getKey()).append(':');
      sb.append(StompHeaders.PASSCODE.equals(h.getKey()) ? "***" : h.getValue()).append(", ");
    }
    return sb.append("body=").append(body.length).append(" bytes}").toString();
  }

  /** Builds a {@link StompFrame}. Not thread safe. */
  public static final class Builder {
    private final StompCommand command;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private byte[] body = EMPTY;

    private Builder(StompCommand command) {
      this.command = requireNonNull(command, "command");
    }

    /** Appends a header; an existing header of the same name keeps precedence when read. */
    public Builder header(String name, String value) {
      headers.add(Map.entry(requireNonNull(name, "name"), requireNonNull(value, "value")));
      return this;
    }

    /** Removes every header called {@code name} and appends one with {@code value}. */
    public Builder replaceHeader(String name, String value) {
      removeHeader(name);
      return header(name, value);
    }

    /** Removes every header called {@code name}. */
    public Builder removeHeader(String name) {
      requireNonNull(name, "name");
      headers.removeIf(h -> h.getKey().equals(name));
      return this;
    }

    /** Sets the body; the builder and the frame keep the array as it is (no copy). */
    public Builder body(byte[] body) {
      this.body = requireNonNull(body, "body");
      return this;
    }

    /** Sets the body to the UTF-8 encoding of {@code text}. */
    public Builder body(String text) {
      return body(requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    public StompFrame build() {
      return new StompFrame(command, List.copyOf(headers), body);
    }
  }
}
